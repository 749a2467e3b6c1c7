"""A PostgreSQL outage: 503s while the database is down, recovery without a restart after.

The test runs its own PostgreSQL (scripts/pg-test.sh), so it can kill it as a crash would
(immediate shutdown) and start it again, while clients keep registering. Every registration
that got a 201 must still log in at the end: no acknowledged write is lost.
Only meaningful on PostgreSQL: under the SQLite run of the suite it is skipped.
"""
import pathlib
import subprocess
import threading
import time

import pytest
import requests

from conftest import BACKEND, ROOT, STRONG_PASSWORD

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="a database server outage")

PG = str(ROOT / "scripts" / "pg-test.sh")
UNAVAILABLE = {"detail": "Service temporarily unavailable."}


@pytest.fixture
def private_pg(tmp_path):
    state = tmp_path / "pg"
    subprocess.run([PG, "start", str(state)], check=True, capture_output=True)
    yield state
    subprocess.run([PG, "stop", str(state)], check=True, capture_output=True)


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def test_outage_answers_503_then_recovers_without_losing_a_registration(start_authd, private_pg):
    url = (private_pg / "url").read_text().strip()
    server = start_authd({"AUTHD_DATABASE_URL": url})
    server.register("before")
    access = server.login("before")["access"]

    acknowledged, stop = [], threading.Event()
    statuses = {}

    def register_forever(worker):
        n = 0
        with requests.Session() as s:
            while not stop.is_set():
                n += 1
                name = f"w{worker}-{n}"
                try:
                    r = s.post(server.url("/register/"), data={"username": name, "password": STRONG_PASSWORD},
                               timeout=30)
                except requests.RequestException:
                    continue
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if r.status_code == 201:
                    acknowledged.append(name)
                else:
                    assert r.status_code == 503 and r.json() == UNAVAILABLE, (r.status_code, r.text)
                    assert r.headers["Retry-After"] == "1"

    workers = [threading.Thread(target=register_forever, args=(i,), daemon=True) for i in range(4)]
    for w in workers:
        w.start()
    time.sleep(1.0)
    subprocess.run([PG, "down", str(private_pg)], check=True, capture_output=True)

    # While it is down: 503 within a bounded time for everything that needs it...
    time.sleep(0.5)
    for request in (lambda: server.get("/user_detail/", token=access),
                    lambda: server.post("/api/token/", data={"username": "before", "password": STRONG_PASSWORD}),
                    lambda: server.post("/register/", data={"username": "during", "password": STRONG_PASSWORD})):
        r, seconds = timed(request)
        assert r.status_code == 503 and r.json() == UNAVAILABLE, r.text
        assert r.headers["Retry-After"] == "1"
        assert seconds < 5, seconds
    # ...not ready, yet alive; and answers that need no database still work.
    ready = server.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "not ready"
    assert server.get("/healthz").json() == {"status": "ok"}
    assert server.get("/.well-known/jwks.json").status_code == 200
    time.sleep(1.0)

    subprocess.run([PG, "up", str(private_pg)], check=True, capture_output=True)
    # Back by itself, without a restart of authd.
    deadline = time.monotonic() + 15
    while server.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "authd did not recover"
        time.sleep(0.1)
    assert server.get("/readyz").json() == {"status": "ready", "schema_version": 14}
    assert server.get("/user_detail/", token=access).status_code == 200
    time.sleep(1.0)  # registrations carry on after the outage
    stop.set()
    for w in workers:
        w.join()

    print(f"registrations: {statuses}, {len(acknowledged)} acknowledged")
    assert statuses.get(503, 0) > 0, statuses  # the outage was seen...
    assert statuses.get(201, 0) > 0, statuses
    # ...and every acknowledged registration survived the crash of the database.
    for name in acknowledged:
        r = server.post("/api/token/", data={"username": name, "password": STRONG_PASSWORD})
        assert r.status_code == 200, (name, r.text)
    assert server.get("/user_detail/", token=server.login("before")["access"]).status_code == 200


class StuckRequests:
    """`tables` locked by an operator (ACCESS EXCLUSIVE, held until `release`), and `n`
    /user_detail/ requests for `access` sent meanwhile, which must wait for the lock."""

    def __init__(self, server, tables, access, n):
        import psycopg2
        from conftest import DATABASES
        self.locker = psycopg2.connect(DATABASES.url(server.db))
        self.locker.cursor().execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
        self.results = []
        self.waiting = [threading.Thread(target=lambda: self.results.append(
            server.get("/user_detail/", token=access))) for _ in range(n)]
        for t in self.waiting:
            t.start()
        time.sleep(0.5)
        assert not self.results, "a request that needs the locked table cannot have been answered"

    def release(self):
        """The operator lets go; the status of every waiting request."""
        self.locker.commit()
        self.locker.close()
        for t in self.waiting:
            t.join(15)
        return [r.status_code for r in self.results]


def test_a_slow_database_never_stalls_the_io_thread(start_authd):
    """One I/O thread, and a table locked by an operator: requests that need it wait, answers
    that need no database keep coming at once, and the waiting requests finish afterwards."""
    server = start_authd({"AUTHD_THREADS": "1"})
    server.register("slow")
    access = server.login("slow")["access"]

    stuck = StuckRequests(server, "users", access, 4)
    for _ in range(10):
        for path in ("/healthz", "/.well-known/jwks.json"):
            r, seconds = timed(lambda: server.get(path))
            assert r.status_code == 200 and seconds < 0.5, (path, seconds)
    assert stuck.release() == [200] * 4


def test_the_user_cache_serves_nothing_during_an_outage_and_hears_changes_after(start_authd, private_pg):
    """authd keeps users in memory and hears of changes through LISTEN (store/cache/). While
    PostgreSQL is gone, so are its notifications: nothing is answered from memory. After, the
    listener is back by itself, so a change made by an operator is seen within a second."""
    from conftest import DATABASES  # noqa: F401 (the URL below is the private server's)
    import psycopg2

    url = (private_pg / "url").read_text().strip()
    server = start_authd({"AUTHD_DATABASE_URL": url})
    server.register("cached")
    access = server.login("cached")["access"]
    for _ in range(8):  # every I/O thread holds the user now
        assert server.get("/user_detail/", token=access).status_code == 200

    subprocess.run([PG, "down", str(private_pg)], check=True, capture_output=True)
    time.sleep(1.0)
    r = server.get("/user_detail/", token=access)
    assert r.status_code == 503 and r.json() == UNAVAILABLE, r.text

    subprocess.run([PG, "up", str(private_pg)], check=True, capture_output=True)
    deadline = time.monotonic() + 15
    while server.get("/user_detail/", token=access).status_code != 200:
        assert time.monotonic() < deadline, "authd did not recover"
        time.sleep(0.1)
    time.sleep(1.0)  # the listener has had its second to come back
    for _ in range(8):
        assert server.get("/user_detail/", token=access).status_code == 200

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE users SET is_active = FALSE WHERE username = 'cached'")
    conn.close()
    changed = time.monotonic()
    while server.get("/user_detail/", token=access).status_code != 401:
        assert time.monotonic() - changed < 1.0, "the deactivation was not heard within a second"
        time.sleep(0.01)


def test_a_cached_user_is_answered_on_the_io_thread_while_the_store_pool_is_full(start_authd):
    """On PostgreSQL, handlers run on the store pool; /user_detail/ and verify are first tried
    on the I/O thread from the user cache (store/memory_only.h). With the pool's queue full of
    requests stuck on a locked table, a cached user still gets an answer at once, not 503."""
    server = start_authd({"AUTHD_THREADS": "1", "AUTHD_STORE_QUEUE": "2"})
    server.register("cached")
    server.register("stuck")
    cached = server.login("cached")
    stuck_access = server.login("stuck")["access"]
    for _ in range(4):
        assert server.get("/user_detail/", token=cached["access"]).status_code == 200
        assert server.post("/api/token/verify/", data={"token": cached["refresh"]}).status_code == 200

    stuck = StuckRequests(server, "users, refresh_tokens", stuck_access, 2)
    # The queue is full: anything sent to the pool now is refused at once...
    r = server.post("/api/token/refresh/", data={"refresh": cached["refresh"]})
    assert r.status_code == 503, r.text
    # ...but the cached user is answered from memory.
    for _ in range(5):
        r, seconds = timed(lambda: server.get("/user_detail/", token=cached["access"]))
        assert r.status_code == 200 and seconds < 0.5, (r.status_code, r.text, seconds)
        r = server.post("/api/token/verify/", data={"token": cached["refresh"]})
        assert r.status_code == 200, r.text
    assert stuck.release() == [200] * 2
