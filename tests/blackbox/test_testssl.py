"""Issue 19: testssl.sh (Debian) rates authd's TLS exactly as it rates nginx configured with
Mozilla's "intermediate" profile on the same certificate: protocols, cipher suites, forward
secrecy, server defaults and the known vulnerabilities. And no finding about the server is
rated HIGH or CRITICAL. The TLS configuration does not depend on the database, so this runs in
the SQLite pass only, and not under the sanitizers (a scan takes half a minute)."""
import json
import subprocess

import pytest

from conftest import AUTHD_BIN, BACKEND, ROOT, free_port

pytestmark = [
    pytest.mark.skipif(BACKEND != "sqlite", reason="TLS does not depend on the database"),
    pytest.mark.skipif("asan" in AUTHD_BIN, reason="a scan is slow and sanitizes nothing of ours"),
]

NGINX_CONF = """
worker_processes 1;
pid {prefix}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
{tls}
    location / {{ return 200 '{{"status":"ok"}}'; }}
  }}
}}
"""


def scan(port, out, ca):
    """testssl.sh's findings for 127.0.0.1:port: {id: (severity, finding)}."""
    subprocess.run(["testssl", "--quiet", "--color", "0", "--warnings", "off", "--add-ca", str(ca),
                    "--jsonfile-pretty", str(out), "-p", "-s", "-f", "-S", "-U",
                    "--ip", "127.0.0.1", f"https://localhost:{port}"],
                   capture_output=True, timeout=300)
    findings = {}
    for section in json.loads(out.read_text())["scanResult"][0].values():
        if isinstance(section, list):
            for f in section:
                findings[f["id"]] = (f["severity"], f["finding"])
    return findings


def test_testssl_rates_authd_as_nginx_with_mozilla_intermediate(start_authd, tmp_path):
    certs = tmp_path / "certs"
    subprocess.run([AUTHD_BIN, "keys", "tls-selfsigned", "--host", "localhost", "--out", str(certs)],
                   check=True, capture_output=True)
    cert, key = certs / "cert.pem", certs / "key.pem"
    server = start_authd({"AUTHD_TLS_CERT_FILE": str(cert), "AUTHD_TLS_KEY_FILE": str(key)})

    prefix = tmp_path / "nginx"
    for d in ("", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / d).mkdir(parents=True, exist_ok=True)
    port = free_port()
    # Mozilla's intermediate profile, as authd serves it (deploy/nginx-tls-intermediate.conf).
    tls = (ROOT / "deploy" / "nginx-tls-intermediate.conf").read_text()
    tls = tls.replace("@CERT@", str(cert)).replace("@KEY@", str(key))
    (prefix / "nginx.conf").write_text(NGINX_CONF.format(prefix=prefix, port=port, tls=tls))
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                              "-e", str(prefix / "error.log"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    def differ(a, b):
        return {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}

    try:
        ours = scan(server.port, tmp_path / "authd.json", cert)
        theirs = scan(port, tmp_path / "nginx.json", cert)
        # A scan on a loaded machine can fail a check ("connect problem"): scan both again, up
        # to twice, before calling a difference real.
        for attempt in (2, 3):
            if not differ(ours, theirs):
                break
            ours = scan(server.port, tmp_path / f"authd-{attempt}.json", cert)
            theirs = scan(port, tmp_path / f"nginx-{attempt}.json", cert)
    finally:
        nginx.terminate()
        nginx.wait(10)

    assert ours.get("TLS1_3", ("",))[0] == "OK" and "TLS1_2" in ours, ours
    for old in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
        assert ours[old][1] == "not offered", (old, ours[old])
    # A check that could not connect measured nothing. Only session resumption has been seen
    # to (its probe reconnects in a hurry, and failed under a concurrent build): it is set
    # aside then, as test_tls.py checks resumption by ticket directly. Any other check, or a
    # real difference, still fails.
    unmeasured = {k for k, pair in differ(ours, theirs).items() if "connect problem" in repr(pair)}
    assert all(k.startswith("sessionresumption") for k in unmeasured), unmeasured
    assert {k: v for k, v in differ(ours, theirs).items() if k not in unmeasured} == {}
    # Findings about the server (not about the made-up certificate: its lack of a CRL or OCSP
    # address, for one) are never HIGH or CRITICAL.
    severe = {k: v for k, v in ours.items()
              if v[0] in ("HIGH", "CRITICAL") and not k.startswith("cert")}
    assert severe == {}, severe
