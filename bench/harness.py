"""The pieces every benchmark scenario uses: servers started on free loopback ports (nginx,
build/authd, the original Django system), wrk runs parsed into numbers, and wrk Lua scripts."""
import json
import os
import pathlib
import re
import signal
import socket
import ssl
import statistics
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
AUTHD = ROOT / "build" / "authd"
MICROBENCH = ROOT / "build" / "authd_microbench"
PEER_DIR = ROOT.parent / "shared" / "peers" / "django_seed"
KEY = "bench-signing-key-0123456789abcdef0123456789"
PASSWORD = "correct-horse-battery-staple"
FIXED_BODY = json.dumps({"id": 1, "username": "alice", "email": "alice@example.com", "first_name": "",
                         "last_name": "", "is_active": True, "is_staff": False, "pad": "x" * 20},
                        separators=(",", ":"))


# The TLS rows' servers use a self-signed certificate made for the run: loopback, no checking.
NO_VERIFY = ssl.create_default_context()
NO_VERIFY.check_hostname = False
NO_VERIFY.verify_mode = ssl.CERT_NONE


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1, context=NO_VERIFY)
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
        with urllib.request.urlopen(req, timeout=30, context=NO_VERIFY) as r:
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

    def cpu_seconds(self):
        """User + system CPU of every process of the server (nginx's workers too: each server
        runs in its own session, so its process group is its pid)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # pgrp
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def _status_mb(self, field):
        """A memory figure of /proc/PID/status ("VmRSS", "VmHWM") in MB; None once gone."""
        try:
            text = pathlib.Path(f"/proc/{self.proc.pid}/status").read_text()
            return int(re.search(rf"{field}:\s+(\d+) kB", text).group(1)) / 1024
        except (OSError, AttributeError):
            return None

    def rss_mb(self):
        return self._status_mb("VmRSS")

    def peak_rss_mb(self):
        return self._status_mb("VmHWM")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# Mozilla's "intermediate" profile, as authd serves it (@CERT@ and @KEY@ to fill in).
NGINX_TLS = (ROOT / "deploy" / "nginx-tls-intermediate.conf").read_text()


def start_nginx(workdir, tls=None):
    """nginx answering FIXED_BODY on every path; with `tls` (cert, key), over HTTPS."""
    port = free_port()
    name = "nginx-tls" if tls else "nginx"
    conf = workdir / f"{name}.conf"
    listen = f"127.0.0.1:{port} ssl" if tls else f"127.0.0.1:{port}"
    tls_lines = "\n" + NGINX_TLS.replace("@CERT@", str(tls[0])).replace("@KEY@", str(tls[1])) if tls else ""
    conf.write_text(f"""
worker_processes auto;
daemon off;
pid {workdir}/{name}.pid;
error_log {workdir}/{name}-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {workdir}/nginx-body;
  server {{
    listen {listen};{tls_lines}
    location / {{ default_type application/json; return 200 '{FIXED_BODY}'; }}
  }}
}}
""")
    return Server(name, ["/usr/sbin/nginx", "-e", str(workdir / f"{name}-error.log"), "-p", str(workdir),
                         "-c", str(conf)], dict(os.environ),
                  f"{'https' if tls else 'http'}://127.0.0.1:{port}", workdir)


def authd_db(workdir, name):
    return workdir / f"{name}.db"


def start_authd(workdir, name, extra_env=None, database_url=None):
    """build/authd on the SQLite file authd_db(workdir, name), created if missing, as
    `authd serve` runs with its defaults: the access log on, written to a file (as under
    systemd). Beyond the database and the key, two settings that do not change what a request
    costs: access tokens live an hour, so one minted at the start outlasts the whole run, and
    the per-address hashing share is off (below)."""
    port = free_port()
    env = dict(os.environ, AUTHD_LISTEN=f"127.0.0.1:{port}", AUTHD_SIGNING_KEY=KEY,
               AUTHD_DATABASE_URL=database_url or f"sqlite://{authd_db(workdir, name)}",
               AUTHD_ACCESS_TOKEN_LIFETIME="3600",
               # wrk's 64 connections all come from one address: the per-address hashing
               # share (8 by default) is for one client among many, and would turn the login
               # and registration scenarios into a measure of 429s.
               AUTHD_MAX_HASHING_PER_IP="0")
    env.update(extra_env or {})
    scheme = "https" if "AUTHD_TLS_CERT_FILE" in env else "http"
    return Server(name, [str(AUTHD), "serve"], env, f"{scheme}://127.0.0.1:{port}", workdir)


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


def run_wrk(url, script, seconds, connections=64, server=None):
    """One wrk run; with `server`, also the server's CPU time per request (us)."""
    cpu_before = server.cpu_seconds() if server else None
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    cpu = server.cpu_seconds() - cpu_before if server else None
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    lat = {p: float(v) * UNIT[u] for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", out)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": lat.get("50"), "p99": lat.get("99"),
            "cpu_us": cpu * 1e6 / requests if cpu is not None and requests else None,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else ""}


def median_of(runs):
    cpu = [r["cpu_us"] for r in runs if r.get("cpu_us") is not None]
    return {"rps": statistics.median(r["rps"] for r in runs),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs),
            "cpu_us": statistics.median(cpu) if cpu else None,
            "non2xx": sum(r["non2xx"] for r in runs)}


def cycling_script(workdir, name, tokens, request_lua):
    """A wrk script whose requests go through `tokens` in turn; `request_lua` is a Lua
    expression building one request from the token `t`."""
    listing = workdir / f"{name}.tokens"
    listing.write_text("\n".join(tokens) + "\n")
    return lua(workdir, name, f"""
local tokens = {{}}
for line in io.lines("{listing}") do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i + 1
  local t = tokens[(i - 1) % #tokens + 1]
  return {request_lua}
end
""")


def form_token_script(workdir, name, path, field, tokens):
    """POST `path` with the form body field=token, a different token each request."""
    return cycling_script(workdir, name, tokens, f'wrk.format("POST", "{path}", '
                          f'{{["Content-Type"] = "application/x-www-form-urlencoded"}}, "{field}=" .. t)')


def bearer_token_script(workdir, name, path, tokens):
    """GET `path` with Authorization: Bearer token, a different token each request."""
    return cycling_script(workdir, name, tokens,
                          f'wrk.format("GET", "{path}", {{["Authorization"] = "Bearer " .. t}})')


def start_postgres(workdir):
    """A private PostgreSQL (scripts/pg-test.sh); its URL. stop_postgres(workdir) ends it."""
    subprocess.run([str(ROOT / "scripts" / "pg-test.sh"), "start", str(workdir / "pg")], check=True,
                   capture_output=True, timeout=120)
    return (workdir / "pg" / "url").read_text().strip()


def stop_postgres(workdir):
    subprocess.run([str(ROOT / "scripts" / "pg-test.sh"), "stop", str(workdir / "pg")], capture_output=True,
                   timeout=120)


def hold_idle_connections(url, count):
    """`count` keep-alive connections to `url`, each having made one request (so the server
    keeps it for its keep-alive timeout, not its header timeout), then left idle; spread over
    127.0.0.x source addresses, 200 each, under the per-address connection cap."""
    import resource
    import socket
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 1024)), hard))
    host, port = url.split("//")[1].split(":")
    held = []
    for i in range(count):
        s = socket.socket()
        s.bind((f"127.0.{1 + i // 50000}.{2 + (i // 200) % 250}", 0))
        s.connect((host, int(port)))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
        held.append(s)
    for s in held:
        s.settimeout(30)
        assert s.recv(4096).startswith(b"HTTP/1.1 200"), "an idle connection was refused"
    return held
