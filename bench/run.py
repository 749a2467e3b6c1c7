#!/usr/bin/python3
"""authd's HTTP benchmarks, each against the HTTP limit measured in the same run.

nginx (returning a fixed ~150-byte JSON body) is the limit on this machine; wrk drives it,
build/authd, and the original Django system (when ../shared/peers/django_seed exists) with the
same settings: one thread, 64 keep-alive connections. Each scenario is repeated; the table
reports medians and ratios. Run with `make bench`. Standard library plus python3-jwt only.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

import jwt

ROOT = pathlib.Path(__file__).resolve().parent.parent
AUTHD = ROOT / "build" / "authd"
PEER_DIR = ROOT.parent / "shared" / "peers" / "django_seed"
KEY = "bench-signing-key-0123456789abcdef0123456789"
PASSWORD = "correct-horse-battery-staple"
FIXED_BODY = json.dumps({"id": 1, "username": "alice", "email": "alice@example.com", "first_name": "",
                         "last_name": "", "is_active": True, "is_staff": False, "pad": "x" * 20},
                        separators=(",", ":"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is up
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
            time.sleep(0.005)
    raise RuntimeError(f"{url} did not answer")


def post(base, path, data, headers=None):
    req = urllib.request.Request(base + path, data=urllib.parse.urlencode(data).encode(),
                                 headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


class Server:
    def __init__(self, name, args, env, url, workdir):
        self.name, self.url = name, url
        self.log = open(workdir / f"{name}.log", "wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_http(url + "/", self.proc)
        self.startup_ms = (time.monotonic() - started) * 1000

    def peak_rss_mb(self):
        try:
            text = pathlib.Path(f"/proc/{self.proc.pid}/status").read_text()
            return int(re.search(r"VmHWM:\s+(\d+) kB", text).group(1)) / 1024
        except (OSError, AttributeError):
            return None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def start_nginx(workdir):
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes auto;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {workdir}/nginx-body;
  server {{
    listen 127.0.0.1:{port};
    location / {{ default_type application/json; return 200 '{FIXED_BODY}'; }}
  }}
}}
""")
    return Server("nginx", ["/usr/sbin/nginx", "-e", str(workdir / "nginx-error.log"), "-p", str(workdir),
                            "-c", str(conf)], dict(os.environ), f"http://127.0.0.1:{port}", workdir)


def start_authd(workdir, name, extra_env=None):
    port = free_port()
    env = dict(os.environ, AUTHD_LISTEN=f"127.0.0.1:{port}", AUTHD_SIGNING_KEY=KEY,
               AUTHD_DATABASE_URL=f"sqlite://{workdir}/{name}.db", AUTHD_LOG_LEVEL="warn",
               AUTHD_HASH_QUEUE="100000")
    env.update(extra_env or {})
    return Server(name, [str(AUTHD), "serve"], env, f"http://127.0.0.1:{port}", workdir)


def start_peer(workdir, rotate=False):
    port = free_port()
    env = dict(os.environ, PORT=str(port), WORKERS="5", PEER_SECRET_KEY=KEY,
               PEER_DB=str(workdir / ("peer-rot.sqlite3" if rotate else "peer.sqlite3")),
               PYTHONDONTWRITEBYTECODE="1")
    if rotate:
        env["PEER_ROTATE"] = "1"
    return Server("peer-rot" if rotate else "peer", ["sh", str(PEER_DIR / "run.sh")], env,
                  f"http://127.0.0.1:{port}", workdir)


def lua(workdir, name, text):
    path = workdir / f"{name}.lua"
    path.write_text(text)
    return path


def form_script(workdir, name, path, body):
    return lua(workdir, name, f"""
wrk.method = "POST"
wrk.path = "{path}"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
""")


UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def run_wrk(url, script, seconds, connections=64):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: float(v) * UNIT[u] for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", out)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else ""}


def median_of(runs):
    return {"rps": statistics.median(r["rps"] for r in runs),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs),
            "non2xx": sum(r["non2xx"] for r in runs)}


def seed_rotation_tokens(db, user_id, count):
    """Refresh tokens minted with the shared key and recorded as authd records them at login,
    so each benchmarked refresh is exactly one rotation (one durable transaction)."""
    now = int(time.time())
    rows, tokens = [], []
    for _ in range(count):
        jti = uuid.uuid4().hex
        tokens.append(jwt.encode({"token_type": "refresh", "exp": now + 86400, "iat": now, "jti": jti,
                                  "user_id": user_id}, KEY, algorithm="HS256"))
        rows.append((jti, user_id, jti, now, now + 86400))
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO refresh_tokens(jti, user_id, family, issued_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", rows)
    return tokens


def token_list_script(workdir, name, path, field, tokens):
    listing = workdir / f"{name}.tokens"
    listing.write_text("\n".join(tokens) + "\n")
    return lua(workdir, name, f"""
local tokens = {{}}
for line in io.lines("{listing}") do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i + 1
  local t = tokens[(i - 1) % #tokens + 1]
  return wrk.format("POST", "{path}", {{["Content-Type"] = "application/x-www-form-urlencoded"}}, "{field}=" .. t)
end
""")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = ap.parse_args()

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="authd-bench-"))
    servers = []
    results = {}  # scenario -> system -> median
    try:
        nginx = start_nginx(workdir)
        servers.append(nginx)
        authd = start_authd(workdir, "authd")
        servers.append(authd)
        rotating = start_authd(workdir, "authd-rot", {"AUTHD_ROTATE_REFRESH_TOKENS": "true"})
        servers.append(rotating)
        systems = {"nginx": nginx, "authd": authd}
        peer = None
        if PEER_DIR.exists() and not args.no_peer:
            peer = start_peer(workdir)
            servers.append(peer)
            systems["original"] = peer

        # Per system: one user, and its tokens.
        scripts = {}
        for name, server in systems.items():
            if name == "nginx":
                continue
            status, body = post(server.url, "/register/", {"username": "alice", "password": PASSWORD,
                                                            "is_active": "true"})
            assert status == 201, body
            status, pair = post(server.url, "/api/token/", {"username": "alice", "password": PASSWORD})
            assert status == 200, pair
            scripts[name] = {
                "GET /user_detail/": lua(workdir, f"{name}-detail",
                                         'wrk.path = "/user_detail/"\n'
                                         f'wrk.headers["Authorization"] = "Bearer {pair["access"]}"\n'),
                "POST /api/token/verify/": form_script(workdir, f"{name}-verify", "/api/token/verify/",
                                                       f"token={pair['access']}"),
                "POST /api/token/refresh/": form_script(workdir, f"{name}-refresh", "/api/token/refresh/",
                                                        f"refresh={pair['refresh']}"),
                "POST /api/token/ (login)": form_script(workdir, f"{name}-login", "/api/token/",
                                                        f"username=alice&password={PASSWORD}"),
                "POST /register/": lua(workdir, f"{name}-register", f"""
local n = 0
local prefix = "u" .. os.time() .. math.random(1000000)
request = function()
  n = n + 1
  return wrk.format("POST", "/register/", {{["Content-Type"] = "application/x-www-form-urlencoded"}},
                    "username=" .. prefix .. "_" .. n .. "&password={PASSWORD}")
end
"""),
            }
        nginx_script = lua(workdir, "nginx", "")

        # The limit, measured once per run and shared by every scenario's ratio.
        limit = median_of([run_wrk(nginx.url + "/", nginx_script, args.seconds)
                           for _ in range(args.repeats)])
        print(f"{'nginx fixed body':35} {limit['rps']:10.0f} req/s", flush=True)
        for scenario in scripts["authd"]:
            results[scenario] = {"nginx": limit}
            for name, server in systems.items():
                if name == "nginx":
                    continue
                runs = [run_wrk(server.url, scripts[name][scenario], args.seconds)
                        for _ in range(args.repeats)]
                results[scenario][name] = median_of(runs)
                print(f"{scenario:35} {name:9} {results[scenario][name]['rps']:10.0f} req/s", flush=True)

        # Refresh with rotation: every request rotates a distinct recorded token.
        scenario = "POST /api/token/refresh/ (rotation)"
        status, pair = post(rotating.url, "/register/", {"username": "alice", "password": PASSWORD})
        runs = []
        for r in range(args.repeats):
            tokens = seed_rotation_tokens(workdir / "authd-rot.db", 1, 20000 * args.seconds)
            script = token_list_script(workdir, f"rot-{r}", "/api/token/refresh/", "refresh", tokens)
            runs.append(run_wrk(rotating.url, script, args.seconds))
        results[scenario] = {"nginx": limit, "authd": median_of(runs)}
        print(f"{scenario:35} authd     {results[scenario]['authd']['rps']:10.0f} req/s", flush=True)

        # Mixed: logins saturate the hashing pool while /user_detail/ is measured.
        scenario = "GET /user_detail/ during logins"
        runs = []
        for _ in range(args.repeats):
            login = subprocess.Popen(["wrk", "-t1", "-c16", f"-d{args.seconds + 2}s", "-s",
                                      str(scripts["authd"]["POST /api/token/ (login)"]), authd.url],
                                     stdout=subprocess.DEVNULL)
            time.sleep(1)
            runs.append(run_wrk(authd.url, scripts["authd"]["GET /user_detail/"], args.seconds))
            login.wait()
        results[scenario] = {"nginx": limit, "authd": median_of(runs)}
        print(f"{scenario:35} authd     {results[scenario]['authd']['rps']:10.0f} req/s", flush=True)

        rss = authd.peak_rss_mb()
        startup = authd.startup_ms
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    lines = [f"# authd benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}", "",
             f"Machine: {os.cpu_count()} cores, {platform_line()}. wrk: 1 thread, 64 connections, "
             f"{args.seconds} s x {args.repeats} runs; medians. Ratios are to nginx's fixed body in "
             "this run (the HTTP limit) and to the original Django system.", "",
             "| scenario | system | req/s | p50 ms | p99 ms | non-2xx | x nginx | x original |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines.append(f"| (the HTTP limit) | nginx | {limit['rps']:.0f} | {limit['p50']:.2f} | {limit['p99']:.2f} | "
                 f"{limit['non2xx']} | 1.00 | |")
    for scenario, by_system in results.items():
        base = by_system["nginx"]["rps"]
        orig = by_system.get("original", {}).get("rps")
        for name, m in by_system.items():
            if name == "nginx":
                continue
            ratio_orig = f"{m['rps'] / orig:.1f}" if orig and name != "original" and name != "nginx" else ""
            lines.append(f"| {scenario} | {name} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | "
                         f"{m['non2xx']} | {m['rps'] / base:.2f} | {ratio_orig} |")
    lines += ["", f"authd peak RSS over the run: {rss:.1f} MB; start to first answer: {startup:.0f} ms."
              if rss else ""]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(args.out).write_text(text)


def platform_line():
    try:
        model = re.search(r"model name\s*:\s*(.*)", pathlib.Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        model = "unknown CPU"
    return model.strip()


if __name__ == "__main__":
    sys.exit(main())
