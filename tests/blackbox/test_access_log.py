"""One access-log line per request, in text or JSON, with the request id kept or made."""
import json
import os
import re
import socket
import subprocess
import time

import pytest
import requests

from conftest import STRONG_PASSWORD


def access_lines(server, at_least=0, timeout=5.0):
    """The access lines so far, waiting until there are `at_least` of them: lines are written
    in batches, at most 100 ms after their request was answered."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in server.log().splitlines() if "access" in line and "request_id" in line]
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def test_json_lines_carry_every_field_and_the_request_id_is_kept(start_authd):
    server = start_authd({"AUTHD_LOG_FORMAT": "json"})
    r = server.post("/register/", data={"username": "lena", "password": STRONG_PASSWORD},
                    headers={"X-Request-ID": "req-42.a:b/c"})
    assert r.status_code == 201 and r.headers["X-Request-ID"] == "req-42.a:b/c"
    access = server.login("lena")["access"]
    detail = requests.get(server.url("/api/admin/users/7/"), headers={"Authorization": f"Bearer {access}"})
    assert detail.status_code == 403
    server.stop()
    lines = [json.loads(line) for line in server.log().splitlines()]  # every line is JSON
    events = [line for line in lines if line.get("event") == "access"]
    assert [(e["method"], e["route"], e["status"]) for e in events] == [
        ("POST", "/register/", 201), ("POST", "/api/token/", 200), ("GET", "/api/admin/users/{id}/", 403)]
    assert events[0]["request_id"] == "req-42.a:b/c"
    assert re.fullmatch(r"[0-9a-f]{32}", events[1]["request_id"])
    assert [e["user_id"] for e in events] == [1, 1, 1]
    for e in events:
        assert e["client"] == "127.0.0.1" and e["level"] == "info"
        assert isinstance(e["duration_ms"], float) and e["duration_ms"] >= 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", e["time"])
    assert any(line.get("message", "").startswith("authd listening on") for line in lines)


@pytest.mark.parametrize("bad", ["has space", "x" * 129, 'quote"', "new\tline"])
def test_unsafe_request_ids_are_replaced(authd, bad):
    r = requests.get(authd.url("/healthz"), headers={"X-Request-ID": bad})
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])
    assert bad not in authd.log()


def test_text_lines_and_unmatched_routes(authd):
    authd.register("mark")
    requests.get(authd.url("/no/such/path?token=secret"))
    lines = access_lines(authd, 2)
    assert len(lines) == 2
    assert re.search(r" info access request_id=[0-9a-f]{32} method=POST route=/register/ status=201 "
                     r"duration_ms=\d+\.\d{3} user_id=1 client=127\.0\.0\.1$", lines[0]), lines[0]
    # An unknown path is logged as no route: the raw path (and its query) never reaches the log.
    assert " route=- status=404 " in lines[1] and "secret" not in authd.log()


def serve_on_a_chosen_port(tmp_path, name, stdout, **settings):
    """authd serve on a port chosen here (at warn even the "listening" line is gone) with its
    output to `stdout`, once it answers; (process, port)."""
    from conftest import AUTHD_BIN, DATABASES, FAST_HASHING
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, **FAST_HASHING, **settings, AUTHD_LISTEN=f"127.0.0.1:{port}",
               AUTHD_DATABASE_URL=DATABASES.url(tmp_path / f"{name}.db"))
    proc = subprocess.Popen([AUTHD_BIN, "serve"], env=env, stdout=stdout, stderr=subprocess.STDOUT)
    for _ in range(500):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.01)
    return proc, port


def test_no_access_lines_below_info(tmp_path):
    log = tmp_path / "quiet.log"
    with open(log, "wb") as out:
        proc, port = serve_on_a_chosen_port(tmp_path, "quiet", out, AUTHD_LOG_LEVEL="warn")
        try:
            r = requests.post(f"http://127.0.0.1:{port}/register/",
                              data={"username": "nora", "password": STRONG_PASSWORD})
            assert r.status_code == 201
        finally:
            proc.terminate()
            proc.wait(15)
    assert "access" not in log.read_text()


def test_sigterm_loses_no_line_of_an_answered_request(authd):
    """Lines are written in batches; the last batch is written after the server stops."""
    with requests.Session() as session:
        for _ in range(300):
            assert session.get(authd.url("/healthz")).status_code == 200
    assert authd.stop() == 0
    lines = [line for line in authd.log().splitlines() if " access " in line]
    assert len(lines) == 300, len(lines)
    assert authd.log().rstrip().endswith("authd stopped")


def test_a_stalled_log_drops_lines_and_never_stalls_requests(tmp_path):
    """Issue 15: the access log never makes an I/O thread wait. authd's stderr is a pipe that
    nobody reads: it fills after a few hundred lines, and before, every request then waited for
    the log (the 15,000 requests below never finished). Now the lines that do not fit are
    dropped and counted."""
    proc, port = serve_on_a_chosen_port(tmp_path, "stalled", subprocess.PIPE)
    try:
        started = time.monotonic()
        with requests.Session() as session:
            # One connection stays on one I/O thread, whose buffer holds 2 MiB (about 12,000
            # lines) beside the pipe's 64 KiB: 15,000 requests overflow both.
            for i in range(15_000):
                assert session.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200, i
        assert time.monotonic() - started < 90
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        dropped = [line for line in metrics.splitlines() if line.startswith("authd_log_lines_dropped_total ")]
        assert dropped and float(dropped[0].split()[1]) > 0, dropped
        assert "# TYPE authd_log_lines_dropped_total counter" in metrics
    finally:
        proc.kill()
        proc.wait(15)
