#!/usr/bin/env python3
"""Soak: mixed traffic against the real authd for N minutes, watching its memory and descriptors.

Starts build/authd on a fresh SQLite file with production settings (the default Argon2id cost,
refresh-token rotation on, brute-force protection on), then keeps WORKERS keep-alive clients
busy with a realistic mix: registrations, logins, refreshes with rotation, /user_detail/,
verifies, logouts, wrong passwords and bad tokens. Every answer is checked against what that
request must get (a refresh of a logged-out token must be 401, a tampered token 401, ...);
anything else is an unexpected failure.

Every SAMPLE seconds it records authd's resident memory (VmRSS) and open descriptors. After
the warm-up (the first fifth of the run, at least a minute when the run is long enough), the
median of the last minute's samples must be within 5% of the first minute's, descriptors must
not grow, and no request may have failed unexpectedly. Exit status 0 when all of that holds.

    make soak MINUTES=10           # or: python3 tests/soak/soak.py --minutes 10
"""
import argparse
import base64
import http.client
import json
import os
import pathlib
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct-horse-battery-staple"


class Client:
    """One keep-alive HTTP connection; reconnects when the server closes it."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, form=None, token=None):
        headers = {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, (json.loads(data) if data else None)
            except (ConnectionError, http.client.HTTPException):
                # A keep-alive connection closed by the server between requests: retry once
                # on a new one, as every HTTP client does.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise


def tamper(token):
    head, payload, sig = token.split(".")
    flipped = "A" if sig[0] != "A" else "B"
    return f"{head}.{payload}.{flipped}{sig[1:]}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.by_kind = {}
        self.unexpected = []

    def record(self, kind, status, expected, detail=None):
        with self.lock:
            self.requests += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            if status not in expected:
                self.unexpected.append((time.time(), kind, status, expected, detail))


def worker(wid, port, stop, stats):
    rnd = random.Random(wid)
    c = Client(port)
    users = []  # [username, access, refresh, when the access token was issued]
    serial = 0

    def check(kind, status, expected, body):
        stats.record(kind, status, expected, body)
        return status in expected

    def register():
        nonlocal serial
        serial += 1
        name = f"w{wid}-u{serial}"
        status, body = c.request("POST", "/register/", {"username": name, "password": PASSWORD, "is_active": "true"})
        if check("register", status, {201}, body):
            users.append([name, None, None, 0.0])

    def login(user):
        status, body = c.request("POST", "/api/token/", {"username": user[0], "password": PASSWORD})
        if check("login", status, {200}, body):
            user[1], user[2], user[3] = body["access"], body["refresh"], time.time()

    def live(user):
        """What a request with the user's access token may get: 401 only once it may have expired
        (5 minutes, less a margin for clocks and queues)."""
        return {200} if time.time() - user[3] < 290 else {200, 401}

    register()
    login(users[0])
    victim = f"w{wid}-nobody"  # wrong passwords go here: 401 until throttled, then 429
    while not stop.is_set():
        user = rnd.choice(users)
        if user[1] is None:
            login(user)
            continue
        r = rnd.random()
        if r < 0.02:
            register()
        elif r < 0.06:
            login(user)
        elif r < 0.20:
            status, body = c.request("POST", "/api/token/refresh/", {"refresh": user[2]})
            if check("refresh", status, {200}, body):
                user[1], user[2], user[3] = body["access"], body["refresh"], time.time()
        elif r < 0.22:
            # Log out, then the old refresh token must be refused.
            old = user[2]
            status, body = c.request("POST", "/api/token/blacklist/", {"refresh": old})
            check("logout", status, {200}, body)
            status, body = c.request("POST", "/api/token/refresh/", {"refresh": old})
            check("refresh-after-logout", status, {401}, body)
            user[1] = None
        elif r < 0.27:
            status, body = c.request("POST", "/api/token/verify/", {"token": user[1]})
            check("verify", status, live(user), body)
        elif r < 0.30:
            status, body = c.request("GET", "/user_detail/", token=tamper(user[1]))
            check("tampered-token", status, {401}, body)
        elif r < 0.32:
            status, body = c.request("GET", "/user_detail/", token="not.a.token")
            check("garbage-token", status, {401}, body)
        elif r < 0.33:
            status, body = c.request("POST", "/api/token/", {"username": victim, "password": "wrong"})
            check("wrong-password", status, {401, 429}, body)
        else:
            status, body = c.request("GET", "/user_detail/", token=user[1])
            check("user_detail", status, live(user), body)
            if status == 401:  # the access token expired: log in again
                user[1] = None


def sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss_kib = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss_kib / 1024, fds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--sample", type=float, default=5, help="seconds between samples")
    ap.add_argument("--binary", default=str(ROOT / "build" / "authd"))
    ap.add_argument("--out", default=str(ROOT / "build" / "soak.json"))
    args = ap.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="authd-soak-"))
    env = dict(os.environ, AUTHD_LISTEN="127.0.0.1:0", AUTHD_DATABASE_URL=f"sqlite://{tmp}/soak.db",
               AUTHD_ROTATE_REFRESH_TOKENS="true", AUTHD_LOG_LEVEL="warn")
    log = open(tmp / "authd.log", "w+")
    proc = subprocess.Popen([args.binary, "serve"], env={**env, "AUTHD_LOG_LEVEL": "info"},
                            stdout=log, stderr=subprocess.STDOUT)
    port = None
    for _ in range(500):
        log.seek(0)
        m = re.search(r"listening on [^ ]+:(\d+) ", log.read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.02)
    if port is None:
        sys.exit(f"authd did not start; see {tmp}/authd.log")

    duration = args.minutes * 60
    warmup = min(max(60, duration / 5), duration / 2)
    stats = Stats()
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(i, port, stop, stats), daemon=True)
               for i in range(args.workers)]
    start = time.monotonic()
    for t in threads:
        t.start()
    samples = []  # (seconds since start, requests so far, rss MB, fds)
    print(f"soak: {args.minutes:g} min, {args.workers} clients, authd pid {proc.pid}, "
          f"warm-up {warmup:.0f} s; sampling every {args.sample:g} s")
    next_print = 60
    while (elapsed := time.monotonic() - start) < duration:
        time.sleep(args.sample)
        if proc.poll() is not None:
            sys.exit(f"authd exited with {proc.returncode}; see {tmp}/authd.log")
        rss, fds = sample(proc.pid)
        samples.append((time.monotonic() - start, stats.requests, rss, fds))
        if samples[-1][0] >= next_print:
            print(f"  {samples[-1][0] / 60:4.1f} min  {stats.requests:9,} requests  "
                  f"RSS {rss:6.1f} MB  fds {fds:4}  unexpected {len(stats.unexpected)}", flush=True)
            next_print += 60
    stop.set()
    for t in threads:
        t.join(timeout=60)
    elapsed = time.monotonic() - start
    proc.terminate()
    code = proc.wait(timeout=30)

    after = [s for s in samples if s[0] >= warmup]
    window = max(1, int(60 / args.sample))
    first = statistics.median(s[2] for s in after[:window])
    last = statistics.median(s[2] for s in after[-window:])
    growth = last / first - 1
    fds_first = max(s[3] for s in after[:window])
    fds_last = max(s[3] for s in after[-window:])
    ok = growth < 0.05 and not stats.unexpected and fds_last <= fds_first and code == 0
    result = {
        "minutes": args.minutes, "workers": args.workers, "requests": stats.requests,
        "requests_per_second": stats.requests / elapsed, "by_kind": stats.by_kind,
        "unexpected": len(stats.unexpected), "warmup_seconds": warmup,
        "rss_mb_after_warmup": first, "rss_mb_at_end": last, "rss_growth": growth,
        "rss_mb_peak": max(s[2] for s in samples), "fds_after_warmup": fds_first,
        "fds_at_end": fds_last, "exit_code": code, "ok": ok,
        "samples": [{"t": round(t, 1), "requests": n, "rss_mb": r, "fds": f} for t, n, r, f in samples],
    }
    pathlib.Path(args.out).write_text(json.dumps(result, indent=1))
    print(f"soak: {stats.requests:,} requests in {elapsed / 60:.1f} min "
          f"({result['requests_per_second']:,.0f}/s): " +
          ", ".join(f"{k} {v:,}" for k, v in sorted(stats.by_kind.items(), key=lambda kv: -kv[1])))
    print(f"soak: RSS after warm-up {first:.1f} MB, at the end {last:.1f} MB "
          f"({growth * 100:+.2f}%, limit +5%); peak {result['rss_mb_peak']:.1f} MB")
    print(f"soak: open descriptors {fds_first} after warm-up, {fds_last} at the end; "
          f"authd exited {code} on SIGTERM")
    for when, kind, status, expected, detail in stats.unexpected[:10]:
        print(f"soak: UNEXPECTED {kind}: {status} (expected {sorted(expected)}): {detail}")
    print(f"soak: {'PASS' if ok else 'FAIL'} ({len(stats.unexpected)} unexpected answers); "
          f"samples in {args.out}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
