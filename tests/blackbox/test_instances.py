"""Two authd instances on one PostgreSQL database behind nginx (deploy/nginx-authd.conf,
round robin): what one instance does, the other sees; a refresh race spread over both still
has exactly one winner. Only meaningful on PostgreSQL; skipped under the SQLite run.
"""
import concurrent.futures
import os
import socket
import subprocess
import time

import pytest
import requests

from conftest import BACKEND, ROOT, STRONG_PASSWORD, post_from

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="instances share a database server")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(start_authd, tmp_path):
    """(balancer URL, instance a, instance b): rotation on, the key generated once and shared
    through the database, nginx trusted for X-Forwarded-For."""
    env = {"AUTHD_ROTATE_REFRESH_TOKENS": "true", "AUTHD_ROTATION_GRACE_SECONDS": "0",
           "AUTHD_TRUSTED_PROXIES": "127.0.0.1"}
    a = start_authd(env, db=tmp_path / "shared")
    b = start_authd(env, db=tmp_path / "shared")
    prefix = tmp_path / "nginx"
    for d in ("", "body", "proxy"):
        (prefix / d).mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = (ROOT / "deploy" / "nginx-authd.conf").read_text()
    conf = (conf.replace("@PREFIX@", str(prefix)).replace("@LISTEN@", f"127.0.0.1:{port}")
            .replace("@UPSTREAMS@", f"    server 127.0.0.1:{a.port};\n    server 127.0.0.1:{b.port};"))
    (prefix / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                              "-e", str(prefix / "nginx-error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(url + "/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.02)
    yield url, a, b
    nginx.terminate()
    nginx.wait(10)


def test_requests_are_spread_over_both_instances(cluster):
    url, a, b = cluster
    upstreams = {requests.get(url + "/healthz").headers["X-Upstream"] for _ in range(6)}
    assert upstreams == {f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"}


def test_registered_on_one_logs_in_on_the_other(cluster):
    url, a, b = cluster
    a.register("amy")
    pair = b.login("amy")
    assert a.get("/user_detail/", token=pair["access"]).json()["username"] == "amy"
    # Twice the same name, once on each: one 201, one "already exists".
    r = b.post("/register/", data={"username": "amy", "password": STRONG_PASSWORD})
    assert r.status_code == 400 and r.json() == {"username": ["A user with that username already exists."]}


def test_blacklisted_on_one_is_refused_on_the_other(cluster):
    url, a, b = cluster
    a.register("ben")
    refresh = a.login("ben")["refresh"]
    assert a.post("/api/token/blacklist/", data={"refresh": refresh}).status_code == 200
    r = b.post("/api/token/refresh/", data={"refresh": refresh})
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid"


def test_brute_force_counters_are_shared_and_see_the_real_client(cluster):
    url, a, b = cluster
    a.register("cat")
    port = int(url.rsplit(":", 1)[1])

    def via_nginx(source, password, claimed):
        return post_from(port, source, "/api/token/", {"username": "cat", "password": password},
                         {"X-Forwarded-For": claimed})[0]

    # The attacker on 127.0.0.2 claims to be someone else each time; nginx appends the real
    # peer, and the instances trust only nginx (127.0.0.1), so the claim changes nothing.
    statuses = [via_nginx("127.0.0.2", "guess", f"198.51.100.{i}") for i in range(7)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
    # Both instances hold the same counter: straight to either one, still throttled.
    for instance in (a, b):
        status, _, _ = post_from(instance.port, "127.0.0.1", "/api/token/",
                                 {"username": "cat", "password": STRONG_PASSWORD},
                                 {"X-Forwarded-For": "127.0.0.2"})
        assert status == 429
    # The real user, at another address, logs in through the balancer.
    assert via_nginx("127.0.0.3", STRONG_PASSWORD, "") == 200


def test_parallel_refreshes_over_both_instances_have_exactly_one_winner(cluster):
    url, a, b = cluster
    a.register("dan")
    refresh = a.login("dan")["refresh"]

    def attempt(_):
        r = requests.post(url + "/api/token/refresh/", data={"refresh": refresh}, timeout=30)
        return r.status_code, r.headers.get("X-Upstream")

    with concurrent.futures.ThreadPoolExecutor(24) as pool:
        results = list(pool.map(attempt, range(24)))
    codes = [c for c, _ in results]
    assert codes.count(200) == 1, codes
    assert codes.count(401) == 23, codes
    assert {u for _, u in results} == {f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"}
