#!/usr/bin/python3
"""authd's benchmarks, each against a limit measured in the same run.

- HTTP: nginx returning a fixed ~150-byte JSON body is the limit on this machine. wrk drives it,
  build/authd (Release, fresh SQLite files) and the original Django system (when
  ../shared/peers/django_seed exists) with the same settings: one thread, 64 keep-alive
  connections. Each scenario is repeated and the medians are reported.
- Micro: build/authd_microbench (Google Benchmark) times token encode and verify, body decoding
  and one Argon2id hash at the configured parameters; cores / hash time is the login limit.
- Scale: the same requests against a database seeded with 1,000,000 users (bench/seed.py).

authd runs with its defaults (the access log on, to a file); one extra row shows /user_detail/
with the log off, so the log's cost stays visible. CPU per request is the server's user + system
time over a run divided by its requests (nginx's workers included); it moves less than req/s on
a noisy machine.

Prints a table, checks every target of issues 4 and 15, and writes bench/results/latest.md (and .json).
Run with `make bench`. Standard library plus python3-jwt only.
"""
import argparse
import json
import os
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from harness import (AUTHD, MICROBENCH, PASSWORD, PEER_DIR, ROOT, KEY, authd_db, bearer_token_script,
                     form_script, form_token_script, hold_idle_connections, lua, median_of, post,
                     run_wrk, start_authd, start_nginx, start_peer, start_postgres, stop_postgres)
import seed

DETAIL = "GET /user_detail/"
VERIFY = "POST /api/token/verify/"
REFRESH = "POST /api/token/refresh/"
LOGIN = "POST /api/token/ (login)"
REGISTER = "POST /register/"
ROTATION = "POST /api/token/refresh/ (rotation)"
MIXED = "GET /user_detail/ during logins"
DETAIL_MANY = "GET /user_detail/, 10,000 tokens"
DETAIL_QUIET = "GET /user_detail/ (AUTHD_LOG_LEVEL=warn)"
DETAIL_IDLE = "GET /user_detail/, 10,000 idle connections"
IDLE_CONNECTIONS = 10000
TLS_DETAIL = "GET /user_detail/ over TLS (keep-alive)"
TLS_HANDSHAKES = "full TLS handshakes (Connection: close)"


LOGIN_ACCOUNTS = 64


def http_scripts(workdir, name, url, username="alice"):
    """One user on `url` and a wrk script per standard scenario."""
    status, body = post(url, "/register/", {"username": username, "password": PASSWORD, "is_active": "true"})
    assert status == 201, body
    status, pair = post(url, "/api/token/", {"username": username, "password": PASSWORD})
    assert status == 200, pair
    # Logins cycle through 64 accounts, as many users logging in do: one account logging in
    # on 64 connections at once from one address is what brute-force protection caps.
    for i in range(LOGIN_ACCOUNTS):
        status, body = post(url, "/register/", {"username": f"{username}-login-{i}", "password": PASSWORD,
                                                "is_active": "true"})
        assert status == 201, body
    return {
        DETAIL: lua(workdir, f"{name}-detail", 'wrk.path = "/user_detail/"\n'
                    f'wrk.headers["Authorization"] = "Bearer {pair["access"]}"\n'),
        VERIFY: form_script(workdir, f"{name}-verify", "/api/token/verify/", f"token={pair['access']}"),
        REFRESH: form_script(workdir, f"{name}-refresh", "/api/token/refresh/", f"refresh={pair['refresh']}"),
        LOGIN: lua(workdir, f"{name}-login", f"""
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/token/", {{["Content-Type"] = "application/x-www-form-urlencoded"}},
                    "username={username}-login-" .. (n % {LOGIN_ACCOUNTS}) .. "&password={PASSWORD}")
end
"""),
        REGISTER: lua(workdir, f"{name}-register", f"""
local n = 0
local prefix = "u" .. os.time() .. math.random(1000000)
request = function()
  n = n + 1
  return wrk.format("POST", "/register/", {{["Content-Type"] = "application/x-www-form-urlencoded"}},
                    "username=" .. prefix .. "_" .. n .. "&password={PASSWORD}")
end
"""),
    }


def run_micro(repeats):
    """Medians of the micro-benchmarks: name -> nanoseconds per operation."""
    if not MICROBENCH.exists():
        print("build/authd_microbench is missing (libbenchmark-dev); skipping micro-benchmarks")
        return {}
    out = subprocess.run([str(MICROBENCH), "--benchmark_format=json", f"--benchmark_repetitions={repeats}",
                          "--benchmark_report_aggregates_only=true"],
                         capture_output=True, text=True, check=True).stdout
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
    result = {}
    for b in json.loads(out)["benchmarks"]:
        # With one repetition Google Benchmark reports the run itself and no aggregates.
        if b.get("aggregate_name") == "median" or (repeats == 1 and b.get("run_type") == "iteration"):
            result[b["run_name"].split("/")[0]] = b["real_time"] * scale[b["time_unit"]]
    return result


class Bench:
    def __init__(self, args, workdir):
        self.args, self.workdir = args, workdir
        self.servers = []
        self.results = {}  # scenario -> system -> median of runs
        self.scale = {}    # scenario -> {"small": median, "large": median}
        self.limit = None

    def wanted(self, scenario):
        return not self.args.only or self.args.only.lower() in scenario.lower()

    def start(self, server):
        self.servers.append(server)
        return server

    def measure(self, server, script, connections=64, url=None):
        return median_of([run_wrk(url or server.url, script, self.args.seconds, connections, server)
                          for _ in range(self.args.repeats)])

    def record(self, scenario, system, m):
        self.results.setdefault(scenario, {})[system] = m
        cpu = f"  {m['cpu_us']:6.1f} us CPU/req" if m.get("cpu_us") else ""
        print(f"{scenario:40} {system:9} {m['rps']:10.0f} req/s  p99 {m['p99'] or 0:7.2f} ms{cpu}", flush=True)

    def http(self):
        nginx = self.start(start_nginx(self.workdir))
        self.authd = self.start(start_authd(self.workdir, "authd"))
        systems = {"authd": self.authd}
        if PEER_DIR.exists() and not self.args.no_peer:
            systems["original"] = self.start(start_peer(self.workdir))
        scripts = {name: http_scripts(self.workdir, name, s.url) for name, s in systems.items()}
        self.scripts = scripts["authd"]

        self.limit = self.measure(nginx, lua(self.workdir, "nginx", ""), url=nginx.url + "/")
        print(f"{'nginx fixed body (the HTTP limit)':40} {'':9} {self.limit['rps']:10.0f} req/s  "
              f"{'':16}{self.limit['cpu_us']:6.1f} us CPU/req", flush=True)
        for scenario in self.scripts:
            if not self.wanted(scenario):
                continue
            for name, server in systems.items():
                self.record(scenario, name, self.measure(server, scripts[name][scenario]))
        # What the access log costs: the same requests with it off (a second row only; every
        # other figure is of the defaults).
        if self.wanted(DETAIL_QUIET):
            quiet = self.start(start_authd(self.workdir, "authd-quiet", {"AUTHD_LOG_LEVEL": "warn"}))
            quiet_scripts = http_scripts(self.workdir, "authd-quiet", quiet.url)
            self.record(DETAIL_QUIET, "authd", self.measure(quiet, quiet_scripts[DETAIL]))

    def tls(self):
        """HTTPS beside the plain rows, nginx with Mozilla's intermediate profile on the same
        certificate as the limit: requests on kept connections, and full handshakes (wrk does
        not resume sessions, and Connection: close makes every request a new connection)."""
        if not (self.wanted(TLS_DETAIL) or self.wanted(TLS_HANDSHAKES)):
            return
        certs = self.workdir / "tls"
        subprocess.run([str(AUTHD), "keys", "tls-selfsigned", "--host", "127.0.0.1", "--out", str(certs)],
                       check=True, capture_output=True)
        cert, key = certs / "cert.pem", certs / "key.pem"
        nginx = self.start(start_nginx(self.workdir, tls=(cert, key)))
        authd = self.start(start_authd(self.workdir, "authd-tls", {"AUTHD_TLS_CERT_FILE": str(cert),
                                                                  "AUTHD_TLS_KEY_FILE": str(key)}))
        scripts = http_scripts(self.workdir, "authd-tls", authd.url)
        close = 'wrk.headers["Connection"] = "close"\n'
        if self.wanted(TLS_DETAIL):
            self.record(TLS_DETAIL, "nginx", self.measure(nginx, lua(self.workdir, "nginx-tls", ""),
                                                          url=nginx.url + "/"))
            self.record(TLS_DETAIL, "authd", self.measure(authd, scripts[DETAIL]))
        if self.wanted(TLS_HANDSHAKES):
            self.record(TLS_HANDSHAKES, "nginx", self.measure(nginx, lua(self.workdir, "nginx-close", close),
                                                              url=nginx.url + "/"))
            self.record(TLS_HANDSHAKES, "authd", self.measure(
                authd, lua(self.workdir, "authd-close", 'wrk.path = "/healthz"\n' + close)))

    def rotation(self):
        """Every request rotates a distinct recorded token: one durable write each."""
        if not self.wanted(ROTATION):
            return
        name = "authd-rot"
        rotating = self.start(start_authd(self.workdir, name, {"AUTHD_ROTATE_REFRESH_TOKENS": "true"}))
        status, _ = post(rotating.url, "/register/", {"username": "alice", "password": PASSWORD})
        assert status == 201
        runs = []
        for r in range(self.args.repeats):
            tokens = seed.seed_refresh_tokens(authd_db(self.workdir, name), 1, 20000 * self.args.seconds, KEY)
            script = form_token_script(self.workdir, f"rot-{r}", "/api/token/refresh/", "refresh", tokens)
            runs.append(run_wrk(rotating.url, script, self.args.seconds, server=rotating))
        self.record(ROTATION, "authd", median_of(runs))

    def mixed(self):
        """Logins keep the hashing pool saturated while /user_detail/ is measured."""
        if not self.wanted(MIXED):
            return
        runs = []
        for _ in range(self.args.repeats):
            login = subprocess.Popen(["wrk", "-t1", "-c16", f"-d{self.args.seconds + 2}s", "-s",
                                      str(self.scripts[LOGIN]), self.authd.url], stdout=subprocess.DEVNULL)
            time.sleep(1)
            runs.append(run_wrk(self.authd.url, self.scripts[DETAIL], self.args.seconds))  # CPU: logins too
            login.wait()
        self.record(MIXED, "authd", median_of(runs))

    def idle_connections(self):
        """/user_detail/ while 10,000 idle keep-alive connections are held open, and the RSS
        they cost."""
        if not self.wanted(DETAIL_IDLE):
            return
        before_mb = self.authd.rss_mb()
        # Issue 4's peak-RSS target is of a server without them.
        self.peak_before_idle = self.authd.peak_rss_mb()
        held = hold_idle_connections(self.authd.url, IDLE_CONNECTIONS)
        try:
            self.idle_rss_mb = self.authd.rss_mb()
            print(f"{IDLE_CONNECTIONS:,} idle connections: RSS {before_mb:.1f} -> {self.idle_rss_mb:.1f} MB",
                  flush=True)
            self.record(DETAIL_IDLE, "authd", self.measure(self.authd, self.scripts[DETAIL]))
        finally:
            for s in held:
                s.close()

    def postgres(self):
        """The standard scenarios against authd on a local PostgreSQL."""
        if not any(self.wanted(f"{s} (PostgreSQL)") for s in (DETAIL, VERIFY, REFRESH)):
            return
        url = start_postgres(self.workdir)
        try:
            server = start_authd(self.workdir, "authd-pg", database_url=url)
            self.start(server)
            scripts = http_scripts(self.workdir, "authd-pg", server.url)
            for scenario in (DETAIL, VERIFY, REFRESH):
                if self.wanted(f"{scenario} (PostgreSQL)"):
                    self.record(f"{scenario} (PostgreSQL)", "authd", self.measure(server, scripts[scenario]))
            server.stop()
        finally:
            stop_postgres(self.workdir)

    def users_at_scale(self):
        """The same requests with --scale-users users in the database, against the small one."""
        if self.args.scale_users <= 0 or not self.wanted("scale"):
            return
        name = "authd-scale"
        server = start_authd(self.workdir, name)
        status, _ = post(server.url, "/register/", {"username": "alice", "password": PASSWORD})
        assert status == 201
        server.stop()
        db = authd_db(self.workdir, name)
        started = time.monotonic()
        first, last = seed.seed_users(db, self.args.scale_users, seed.first_password_hash(db))
        self.seed_seconds = time.monotonic() - started
        print(f"seeded {last - first + 1} users in {self.seed_seconds:.1f} s", flush=True)
        large = self.start(start_authd(self.workdir, name))
        large_scripts = http_scripts(self.workdir, "scale", large.url, username="bob")

        # /user_detail/ over many users' rows (10,000 tokens, spread over the table), against
        # the same number of tokens of the one user of the small database.
        ids = random.Random(7).sample(range(first, last + 1), 10000)
        small_many = bearer_token_script(self.workdir, "small-many", "/user_detail/",
                                         seed.mint_access_tokens([1] * 10000, KEY))
        large_many = bearer_token_script(self.workdir, "large-many", "/user_detail/",
                                         seed.mint_access_tokens(ids, KEY))
        pairs = [(DETAIL_MANY, small_many, large_many)]
        pairs += [(s, self.scripts[s], large_scripts[s]) for s in (DETAIL, VERIFY, REFRESH, LOGIN, REGISTER)]
        for scenario, small_script, large_script in pairs:
            self.scale[scenario] = {"small": self.measure(self.authd, small_script),
                                    "large": self.measure(large, large_script)}
            s, l = self.scale[scenario]["small"]["rps"], self.scale[scenario]["large"]["rps"]
            print(f"{scenario:40} small {s:10.0f}  large {l:10.0f} req/s  ({l / s:.2f}x)", flush=True)

    def authd_servers(self):
        return [s for s in self.servers if s.name.startswith("authd")]


def hash_limit(micro):
    """Hashes a second with every core hashing: cores / time per hash. Google Benchmark reports
    the all-cores run as wall time per hash over all threads, which already divides by cores."""
    if "BM_Argon2idHash_AllCores" in micro:
        return 1e9 / micro["BM_Argon2idHash_AllCores"]
    if "BM_Argon2idHash" in micro:
        return os.cpu_count() / (micro["BM_Argon2idHash"] / 1e9)
    return None


def check_targets(bench, micro):
    """Issues 4 and 15's targets against this run: (target, figure, met) with met None when not
    measured. Every figure is of authd's defaults (the access log on)."""
    res, limit = bench.results, bench.limit["rps"] if bench.limit else None
    rows = []

    def ratio(scenario, target, label):
        m = res.get(scenario, {}).get("authd")
        if not m or not limit:
            return rows.append((label, "not measured", None))
        rows.append((label, f"{m['rps'] / limit:.2f}x ({m['rps']:.0f} req/s)", m["rps"] / limit >= target))

    ratio(DETAIL, 0.6, "GET /user_detail/ >= 0.6x nginx (aim 0.75x)")
    ratio(VERIFY, 0.7, "POST /api/token/verify/ >= 0.7x nginx")
    ratio(REFRESH, 0.5, "refresh without rotation >= 0.5x nginx")
    ratio(ROTATION, 0.1, "refresh with rotation >= 0.1x nginx")
    for scenario, target in ((TLS_DETAIL, 0.6), (TLS_HANDSHAKES, 0.8)):
        ours, theirs = res.get(scenario, {}).get("authd"), res.get(scenario, {}).get("nginx")
        label = f"{scenario} >= {target}x nginx's with TLS"
        if ours and theirs:
            rows.append((label, f"{ours['rps'] / theirs['rps']:.2f}x ({ours['rps']:.0f} vs {theirs['rps']:.0f}/s)",
                         ours["rps"] >= target * theirs["rps"]))
        else:
            rows.append((label, "not measured", None))

    detail, limit_cpu = res.get(DETAIL, {}).get("authd"), bench.limit and bench.limit.get("cpu_us")
    if detail and detail.get("cpu_us") and limit_cpu:
        rows.append(("CPU per /user_detail/ request <= 2.5x nginx's",
                     f"{detail['cpu_us'] / limit_cpu:.1f}x ({detail['cpu_us']:.1f} us vs {limit_cpu:.1f} us)",
                     detail["cpu_us"] <= 2.5 * limit_cpu))
    else:
        rows.append(("CPU per /user_detail/ request <= 2.5x nginx's", "not measured", None))

    limit_per_s = hash_limit(micro)
    login = res.get(LOGIN, {}).get("authd")
    if limit_per_s and login:
        rows.append(("login >= 90% of the hash limit (every core hashing)",
                     f"{login['rps'] / limit_per_s:.0%} ({login['rps']:.0f} of {limit_per_s:.0f}/s)",
                     login["rps"] >= 0.9 * limit_per_s))
    else:
        rows.append(("login >= 90% of the hash limit", "not measured", None))

    mixed = res.get(MIXED, {}).get("authd")
    if mixed and limit:
        rows.append(("/user_detail/ during logins: p99 <= 5 ms and >= 0.3x",
                     f"p99 {mixed['p99']:.2f} ms, {mixed['rps'] / limit:.2f}x",
                     mixed["p99"] <= 5 and mixed["rps"] / limit >= 0.3))
    else:
        rows.append(("/user_detail/ during logins", "not measured", None))

    if bench.scale:
        worst = min(v["large"]["rps"] / v["small"]["rps"] for v in bench.scale.values())
        rows.append((f"{bench.args.scale_users:,} users: within 10% of the small database",
                     f"worst scenario {worst:.2f}x", worst >= 0.9))
    else:
        rows.append(("1,000,000 users within 10%", "not measured", None))

    idle = res.get(DETAIL_IDLE, {}).get("authd")
    detail = res.get(DETAIL, {}).get("authd")
    if idle and detail:
        rows.append((f"{IDLE_CONNECTIONS:,} idle connections: RSS <= 150 MB, /user_detail/ within 10%",
                     f"RSS {bench.idle_rss_mb:.1f} MB, {idle['rps'] / detail['rps']:.2f}x",
                     bench.idle_rss_mb <= 150 and idle["rps"] >= 0.9 * detail["rps"]))
    else:
        rows.append((f"{IDLE_CONNECTIONS:,} idle connections", "not measured", None))
    ratio(f"{DETAIL} (PostgreSQL)", 0.4, "PostgreSQL: GET /user_detail/ >= 0.4x nginx")
    ratio(f"{REFRESH} (PostgreSQL)", 0.3, "PostgreSQL: refresh >= 0.3x nginx")

    before_idle = getattr(bench, "peak_before_idle", None)
    rss = [before_idle if s is bench.authd and before_idle else s.peak_rss_mb() for s in bench.authd_servers()]
    rss = [r for r in rss if r is not None]
    if rss:
        rows.append(("peak RSS <= 80 MB", f"{max(rss):.1f} MB", max(rss) <= 80))
    startup = getattr(bench, "authd", None) and bench.authd.startup_ms
    if startup:
        rows.append(("start to first answer < 100 ms", f"{startup:.0f} ms", startup < 100))
    return rows


def report(bench, micro, targets):
    args = bench.args
    yes = {True: "yes", False: "**no**", None: "?"}
    lines = [f"# authd benchmark, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}", "",
             f"Machine: {os.cpu_count()} cores, {platform_line()}. wrk: 1 thread, 64 connections, "
             f"{args.seconds} s x {args.repeats} runs; medians. Ratios are to nginx's fixed body in "
             "this run (the HTTP limit) and to the original Django system.", "",
             "## Targets", "", "| target | this run | met |", "| --- | --- | --- |"]
    lines += [f"| {t} | {v} | {yes[m]} |" for t, v, m in targets]
    lines += ["", "## HTTP", "",
              "| scenario | system | req/s | p50 ms | p99 ms | CPU us/req | CPU x nginx | non-2xx | x nginx | x original |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    limit_cpu = bench.limit.get("cpu_us") if bench.limit else None

    def cpu_cells(m):
        if not m.get("cpu_us"):
            return "| |"
        ratio = f"{m['cpu_us'] / limit_cpu:.1f}" if limit_cpu else ""
        return f"{m['cpu_us']:.1f} | {ratio} |"
    if bench.limit:
        l = bench.limit
        lines.append(f"| (the HTTP limit) | nginx | {l['rps']:.0f} | {l['p50']:.2f} | {l['p99']:.2f} | "
                     f"{cpu_cells(l)} {l['non2xx']} | 1.00 | |")
    for scenario, by_system in bench.results.items():
        orig = by_system.get("original", {}).get("rps")
        for name, m in by_system.items():
            vs_orig = f"{m['rps'] / orig:.1f}" if orig and name != "original" else ""
            lines.append(f"| {scenario} | {name} | {m['rps']:.0f} | {m['p50'] or 0:.2f} | {m['p99'] or 0:.2f} | "
                         f"{cpu_cells(m)} {m['non2xx']} | {m['rps'] / bench.limit['rps']:.2f} | {vs_orig} |")
    if bench.scale:
        lines += ["", f"## Scale: {args.scale_users:,} users (seeded in {bench.seed_seconds:.1f} s) "
                  "against the small database", "",
                  "| scenario | small req/s | large req/s | large / small | small p99 ms | large p99 ms |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for scenario, v in bench.scale.items():
            s, l = v["small"], v["large"]
            lines.append(f"| {scenario} | {s['rps']:.0f} | {l['rps']:.0f} | {l['rps'] / s['rps']:.2f} | "
                         f"{s['p99'] or 0:.2f} | {l['p99'] or 0:.2f} |")
    if micro:
        lines += ["", "## Micro-benchmarks (build/authd_microbench, medians)", "",
                  "| benchmark | time per operation |", "| --- | ---: |"]
        for name, ns in micro.items():
            shown = f"{ns / 1e6:.1f} ms" if ns >= 1e6 else f"{ns / 1e3:.2f} us" if ns >= 1e3 else f"{ns:.0f} ns"
            lines.append(f"| {name} | {shown} |")
        if hash_limit(micro):
            lines.append(f"\nHash limit: {hash_limit(micro):.0f} hashes a second with all {os.cpu_count()} cores "
                         "hashing (BM_Argon2idHash_AllCores is wall time per hash over all threads).")
    return "\n".join(lines) + "\n"


def platform_line():
    try:
        model = re.search(r"model name\s*:\s*(.*)", pathlib.Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        model = "unknown CPU"
    return model.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=5, help="per wrk run")
    ap.add_argument("--repeats", type=int, default=3, help="runs per scenario; the median is reported")
    ap.add_argument("--no-peer", action="store_true", help="leave out the original Django system")
    ap.add_argument("--only", help="run only the scenarios whose name contains this text")
    ap.add_argument("--scale-users", type=int, default=1_000_000, help="users for the scale scenario; 0: skip")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = ap.parse_args()
    if not AUTHD.exists():
        print("build/authd is missing: run `make build` (or `make bench`)", file=sys.stderr)
        return 2

    micro = run_micro(args.repeats) if not args.only else {}
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="authd-bench-"))
    bench = Bench(args, workdir)
    try:
        bench.http()
        bench.tls()
        bench.rotation()
        bench.mixed()
        bench.idle_connections()
        bench.postgres()
        bench.users_at_scale()
        targets = check_targets(bench, micro)
    finally:
        for s in bench.servers:
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    text = report(bench, micro, targets)
    print()
    print(text)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    out.with_suffix(".json").write_text(json.dumps(
        {"limit": bench.limit, "results": bench.results, "scale": bench.scale, "micro_ns": micro,
         "targets": [{"target": t, "value": v, "met": m} for t, v, m in targets]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
