"""Starts the real authd binary for black-box tests: port 0, a fresh SQLite file per server."""
import base64
import json
import os
import pathlib
import re
import signal
import socket
import sqlite3
import subprocess
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The test harness's own variables, not authd's: taken out of the environment that servers and
# commands inherit, since authd refuses AUTHD_* names it does not know.
HARNESS = {name: os.environ.pop(name) for name in
           ("AUTHD_BIN", "AUTHD_PEER_DIR", "AUTHD_TEST_DATABASE", "AUTHD_TEST_PG_URL_FILE",
            "AUTHD_UPDATE_SCREENSHOT") if name in os.environ}
AUTHD_BIN = HARNESS.get("AUTHD_BIN", str(ROOT / "build" / "authd"))
# The original system: AUTHD_PEER_DIR when set (ctest sets it), else beside the repository
# (../shared/peers/django_seed). Nothing outside the checkout is looked up by absolute path.
PEER_DIR = (pathlib.Path(HARNESS["AUTHD_PEER_DIR"]) if HARNESS.get("AUTHD_PEER_DIR")
            else ROOT.parent / "shared" / "peers" / "django_seed")

# Cheap hashing keeps the suites fast; tests about hashing cost set their own parameters.
FAST_HASHING = {"AUTHD_ARGON2_MEMORY_KIB": "1024", "AUTHD_ARGON2_ITERATIONS": "1"}
STRONG_PASSWORD = "correct-horse-battery-staple"
# How soon a running authd sees a change another process made to its database (store/cache/).
CHANGE_NOTICE_SECONDS = 1.0


# Which database the black-box suites run against: SQLite files (the default) or, with
# AUTHD_TEST_DATABASE=postgresql, databases in the private PostgreSQL that ctest starts
# (scripts/pg-test.sh; its superuser URL is in the file AUTHD_TEST_PG_URL_FILE names).
BACKEND = HARNESS.get("AUTHD_TEST_DATABASE", "sqlite")


class Databases:
    """Names a database by a path, whichever the backend: with PostgreSQL each distinct path
    gets its own fresh database, so tests that share or reopen `db=` work unchanged."""

    def __init__(self):
        self._pg = {}

    def url(self, path):
        if BACKEND != "postgresql":
            return f"sqlite://{path}"
        path = str(path)
        if path not in self._pg:
            import psycopg2
            admin = pathlib.Path(HARNESS["AUTHD_TEST_PG_URL_FILE"]).read_text().strip()
            name = f"bb_{os.getpid()}_{time.monotonic_ns()}"
            conn = psycopg2.connect(admin)
            conn.autocommit = True
            conn.cursor().execute(f"CREATE DATABASE {name}")
            conn.close()
            self._pg[path] = admin.rsplit("/", 1)[0] + "/" + name
        return self._pg[path]

    def query(self, path, statement, params=()):
        """Runs SQL on the database behind `path` (with ? placeholders); the rows, if any."""
        if BACKEND != "postgresql":
            with sqlite3.connect(path) as conn:
                return conn.execute(statement, params).fetchall()
        import psycopg2
        conn = psycopg2.connect(self.url(path))
        try:
            with conn, conn.cursor() as cur:
                cur.execute(statement.replace("?", "%s"), params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()


DATABASES = Databases()


SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error: ")


class Authd:
    """One authd process. Its log is kept in the test's temporary directory."""

    def __init__(self, workdir, env=None, db=None, args=()):
        self.args = list(args)
        self.workdir = pathlib.Path(workdir)
        self.db = pathlib.Path(db) if db else self.workdir / "authd.db"
        self.env = dict(os.environ)
        self.env.update(FAST_HASHING)
        self.env.update({"AUTHD_LISTEN": "127.0.0.1:0", "AUTHD_DATABASE_URL": DATABASES.url(self.db)})
        self.env.update(env or {})
        self.log_path = self.workdir / f"authd-{time.monotonic_ns()}.log"
        self.proc = None
        self.port = None

    def start(self, timeout=15):
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([AUTHD_BIN, "serve", *self.args], env=self.env, cwd=self.workdir,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(r"authd listening on [^ ]+:(\d+) ", self.log())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"authd exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.02)
        # Never leave a server behind: a test that failed here must not leak a process.
        self.proc.kill()
        self.proc.wait()
        raise RuntimeError("authd did not start:\n" + self.log())

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._log.close()
        return self.proc.returncode if self.proc else None

    # --- conveniences -------------------------------------------------------------------
    def post(self, path, data=None, json_body=None, **kw):
        return requests.post(self.url(path), data=data, json=json_body, timeout=30, **kw)

    def get(self, path, token=None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(self.url(path), headers=headers, timeout=30, **kw)

    def request_patch(self, path, token, data):
        return requests.patch(self.url(path), data=data, timeout=30,
                              headers={"Authorization": f"Bearer {token}"})

    def register(self, username, password=STRONG_PASSWORD, **fields):
        r = self.post("/register/", data={"username": username, "password": password, **fields})
        assert r.status_code == 201, r.text
        return r.json()

    def login(self, username, password=STRONG_PASSWORD):
        r = self.post("/api/token/", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def sql(self, statement, params=()):
        """Runs SQL on the real database directly, as an operator would; the rows, if any.
        After a change, waits as long as authd may take to see a change made behind its back
        (its user cache promises one second), so the next request meets it."""
        rows = DATABASES.query(self.db, statement, params)
        if not statement.lstrip().upper().startswith("SELECT"):
            time.sleep(CHANGE_NOTICE_SECONDS)
        return rows


def post_from(port, source, path, fields, headers=None):
    """POST a form to 127.0.0.1:`port` from the local address `source` (any 127.x.y.z: Linux
    routes all of 127.0.0.0/8 to loopback); (status, lower-cased headers, JSON body)."""
    import http.client
    import urllib.parse
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", path, body=urllib.parse.urlencode(fields),
                     headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(r.read() or b"null")
    finally:
        conn.close()


def claims_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def start_authd(tmp_path):
    """Factory: start_authd(env={...}, db=path, args=[...]) -> a started Authd, stopped after
    the test. `args` follow `authd serve`."""
    started = []

    def start(env=None, db=None, args=()):
        server = Authd(tmp_path, env, db, args).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        # Under `make test-asan` a sanitizer report in any server's log fails the test, even one
        # printed at exit (LeakSanitizer) after every request was answered.
        report = SANITIZER_REPORT.search(server.log())
        assert report is None, f"sanitizer report in {server.log_path}:\n{server.log()[report.start():][:4000]}"


@pytest.fixture
def authd(start_authd):
    return start_authd()


# One HS256 key known to authd and to another implementation, for the interop suites.
SHARED_KEY = "interop-shared-signing-key-0123456789abcdef"


@pytest.fixture
def keyed_authd(start_authd):
    """authd signing with SHARED_KEY, with one registered user, alice (id 1)."""
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY})
    server.register("alice")
    return server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def start_peer(tmp_path):
    """Factory: start_peer(db=path, env={...}) -> the base URL of the original system
    (PEER_DIR's run.sh: gunicorn + Django + simplejwt, signing with SHARED_KEY), on its own
    database file; stopped after the test."""
    started = []

    def start(db=None, env=None):
        port = free_port()
        full_env = dict(os.environ, PORT=str(port), WORKERS="2", PEER_SECRET_KEY=SHARED_KEY,
                        PEER_DB=str(db or tmp_path / "peer.sqlite3"), PYTHONDONTWRITEBYTECODE="1")
        full_env.update(env or {})
        log_path = tmp_path / f"peer-{port}.log"
        log = open(log_path, "wb")
        proc = subprocess.Popen(["sh", str(PEER_DIR / "run.sh")], env=full_env, stdout=log,
                                stderr=subprocess.STDOUT)
        started.append((proc, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/register/", timeout=5)
                return base
            except requests.RequestException:
                # Refused while it starts, or a first answer slower than the timeout (Django
                # warming up on a loaded machine): either way, keep waiting until the deadline.
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text())
                time.sleep(0.2)

    yield start
    for proc, log in started:
        proc.terminate()
        proc.wait(10)
        log.close()
