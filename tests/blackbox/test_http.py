"""The HTTP layer: limits, framing, timeouts, keep-alive, connection cap, graceful shutdown,
and the hashing pool keeping the event loop free."""
import socket
import statistics
import threading
import time

import requests

from conftest import STRONG_PASSWORD


def raw(server, data, read_timeout=5.0, shut_write=False):
    """Sends raw bytes, returns everything read until the server closes or the timeout."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=read_timeout)
    try:
        s.sendall(data)
        if shut_write:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        s.close()


def status_of(response_bytes):
    return int(response_bytes.split(b" ", 2)[1]) if response_bytes else None


def test_unknown_paths_and_methods(authd):
    r = requests.get(authd.url("/nope/"))
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}
    r = requests.get(authd.url("/register/"))
    assert r.status_code == 405 and r.json() == {"detail": 'Method "GET" not allowed.'}
    assert r.headers["Allow"] == "POST, OPTIONS"
    r = requests.post(authd.url("/api/token"), allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"] == "/api/token/"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_oversized_head_gets_431(authd):
    resp = raw(authd, b"GET /user_detail/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
    assert status_of(resp) == 431 and b"Request header fields too large." in resp


def test_oversized_body_is_refused_before_it_is_read(authd):
    # Announce 2 MiB but send none of it: the answer must come without waiting for the body.
    t0 = time.monotonic()
    resp = raw(authd, b"POST /register/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 2097152\r\n\r\n")
    assert status_of(resp) == 413 and time.monotonic() - t0 < 2
    # Chunked bodies are bounded as they arrive.
    chunk = b"a" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 20 + b"0\r\n\r\n"
    resp = raw(authd, b"POST /register/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n" + body)
    assert status_of(resp) == 413


def test_ambiguous_framing_is_refused(authd):
    resp = raw(authd, b"POST /api/token/verify/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled/ HTTP/1.1\r\n\r\n")
    assert status_of(resp) == 400
    assert resp.count(b"HTTP/1.1") == 1  # the connection closed: nothing smuggled was answered


def test_malformed_requests_get_400_and_close(authd):
    for data in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
                 b"POST /api/token/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        resp = raw(authd, data)
        assert status_of(resp) == 400, data
    assert requests.get(authd.url("/nope/")).status_code == 404  # still serving


def test_chunked_bodies_are_read(authd):
    body = b'{"token": "abc"}'
    resp = raw(authd, b"POST /api/token/verify/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
    assert status_of(resp) == 401 and b"Token is invalid" in resp


def test_keep_alive_and_pipelining(authd):
    one = b"GET /nope/ HTTP/1.1\r\nHost: x\r\n\r\n"
    resp = raw(authd, one * 3 + b"GET /nope/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert resp.count(b"HTTP/1.1 404") == 4
    resp = raw(authd, b"GET /nope/ HTTP/1.0\r\n\r\n")  # HTTP/1.0 closes by default
    assert status_of(resp) == 404


def test_idle_and_slow_connections_are_closed(start_authd):
    server = start_authd({"AUTHD_KEEPALIVE_TIMEOUT": "1", "AUTHD_HEADER_TIMEOUT": "1"})
    t0 = time.monotonic()
    assert raw(server, b"", read_timeout=10) == b""  # idle: closed after ~1 s
    assert time.monotonic() - t0 < 5
    t0 = time.monotonic()
    resp = raw(server, b"GET /nope/ HTTP/1.1\r\nHost: x\r\n", read_timeout=10)  # head never ends
    assert resp == b"" and time.monotonic() - t0 < 5  # slowloris: closed, like nginx
    assert requests.get(server.url("/nope/")).status_code == 404


def test_connection_cap(start_authd):
    server = start_authd({"AUTHD_MAX_CONNECTIONS": "2"})
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
    time.sleep(0.2)
    resp = raw(server, b"GET /nope/ HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_of(resp) == 503 and b"Retry-After: 1" in resp
    for s in held:
        s.close()
    time.sleep(0.2)
    assert requests.get(server.url("/nope/")).status_code == 404


def test_graceful_shutdown_finishes_in_flight_requests(start_authd):
    # A hash slow enough (~1 s) that the request is surely in flight when SIGTERM arrives.
    server = start_authd({"AUTHD_ARGON2_MEMORY_KIB": "131072", "AUTHD_ARGON2_ITERATIONS": "6",
                          "AUTHD_HASH_THREADS": "1"})
    result = {}

    def register():
        result["r"] = requests.post(server.url("/register/"),
                                    data={"username": "late", "password": STRONG_PASSWORD})

    t = threading.Thread(target=register)
    t.start()
    time.sleep(0.3)  # the hash is now running
    idle = socket.create_connection(("127.0.0.1", server.port))  # an idle keep-alive client
    assert server.stop() == 0
    t.join()
    assert result["r"].status_code == 201  # in flight: answered before exit
    assert idle.recv(1) == b""             # idle: closed
    assert "authd stopped" in server.log()


def test_hashing_never_blocks_the_event_loop(start_authd):
    # One I/O thread, one hashing thread with slow hashes: if hashing ran on the I/O thread,
    # /user_detail/ would wait behind every login.
    # Six parallel logins of one account from one address are more than brute-force
    # protection lets through at once; this test is about hashing, so it is off.
    server = start_authd({"AUTHD_THREADS": "1", "AUTHD_HASH_THREADS": "1",
                          "AUTHD_ARGON2_MEMORY_KIB": "19456", "AUTHD_ARGON2_ITERATIONS": "2",
                          "AUTHD_LOGIN_THROTTLE": "off"})
    server.register("alice")
    token = server.login("alice")["access"]
    stop = threading.Event()
    logins = []

    def login_forever():
        with requests.Session() as s:
            while not stop.is_set():
                t0 = time.perf_counter()
                s.post(server.url("/api/token/"), data={"username": "alice", "password": STRONG_PASSWORD})
                logins.append(time.perf_counter() - t0)

    workers = [threading.Thread(target=login_forever) for _ in range(6)]
    for w in workers:
        w.start()
    time.sleep(0.3)
    detail = []
    with requests.Session() as s:
        for _ in range(50):
            t0 = time.perf_counter()
            assert s.get(server.url("/user_detail/"), headers={"Authorization": f"Bearer {token}"}).status_code == 200
            detail.append(time.perf_counter() - t0)
    stop.set()
    for w in workers:
        w.join()
    # Six logins queue on one hashing thread, so each login waits several hashes; a detail
    # request waits for none.
    assert statistics.median(logins) > 4 * statistics.median(detail), (logins[:5], detail[:5])
    assert statistics.median(detail) < 0.05


def test_a_full_hashing_queue_answers_503_not_an_unbounded_wait(start_authd):
    server = start_authd({"AUTHD_HASH_THREADS": "1", "AUTHD_HASH_QUEUE": "1",
                          "AUTHD_ARGON2_MEMORY_KIB": "65536", "AUTHD_ARGON2_ITERATIONS": "3"})
    results = []

    def register(i):
        r = requests.post(server.url("/register/"), data={"username": f"u{i}", "password": STRONG_PASSWORD})
        results.append((r.status_code, r.headers.get("Retry-After"), r.json()))

    threads = [threading.Thread(target=register, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(code for code, _, _ in results)
    assert 201 in codes and 503 in codes, codes
    assert set(codes) <= {201, 503}
    for code, retry_after, body in results:
        if code == 503:
            assert retry_after == "1" and body == {"detail": "Service temporarily unavailable."}
