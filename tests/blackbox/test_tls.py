"""Issue 19, native TLS: authd serving HTTPS itself, checked by real clients (Python requests,
curl, openssl s_client) against certificates of a test CA made here; TLS 1.2 and 1.3 only,
forward-secret suites only, ALPN; HSTS; a reload on SIGHUP during a keep-alive session, and a
bad certificate refused on reload; the plain listener that redirects; the development
certificate command; a handshake flood with established connections still answered fast."""
import datetime
import http.client
import ipaddress
import os
import re
import signal
import socket
import ssl
import statistics
import subprocess
import threading
import time

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from conftest import AUTHD_BIN, BACKEND, STRONG_PASSWORD, free_port


class CertificateAuthority:
    """A CA and leaves it signs for localhost and 127.0.0.1, written as PEM files."""

    def __init__(self, directory):
        self.dir = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "authd test CA")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - datetime.timedelta(hours=1))
                     .not_valid_after(now + datetime.timedelta(days=30))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.path = directory / "ca.pem"
        self.path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def leaf(self, stem, days=10):
        """(cert path, key path, serial): a certificate, its chain after it, and its key."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        serial = x509.random_serial_number()
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
                .issuer_name(self.cert.subject).public_key(key.public_key()).serial_number(serial)
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=days))
                .add_extension(x509.SubjectAlternativeName([
                    x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                    critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(self.key, hashes.SHA256()))
        cert_path, key_path = self.dir / f"{stem}.pem", self.dir / f"{stem}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                              + self.cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        os.chmod(key_path, 0o600)
        return cert_path, key_path, serial


@pytest.fixture
def ca(tmp_path):
    return CertificateAuthority(tmp_path)


def https(server, path):
    return f"https://localhost:{server.port}{path}"


def tls_env(cert, key, **extra):
    return {"AUTHD_TLS_CERT_FILE": str(cert), "AUTHD_TLS_KEY_FILE": str(key), **extra}


def peer_serial(port, ca):
    context = ssl.create_default_context(cafile=str(ca.path))
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True)).serial_number


def s_client(port, *args):
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
                       input=b"", capture_output=True, timeout=20)
    return r.returncode, r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")


def test_the_flows_over_https_with_modern_tls_only(start_authd, ca):
    cert, key, _ = ca.leaf("leaf")
    server = start_authd(tls_env(cert, key, AUTHD_HSTS="63072000"))
    assert "(https," in server.log()
    r = requests.post(https(server, "/register/"), data={"username": "alice", "password": STRONG_PASSWORD},
                      verify=str(ca.path), timeout=10)
    assert r.status_code == 201, r.text
    assert r.headers["Strict-Transport-Security"] == "max-age=63072000"
    pair = requests.post(https(server, "/api/token/"), data={"username": "alice", "password": STRONG_PASSWORD},
                         verify=str(ca.path), timeout=10).json()
    r = subprocess.run(["curl", "-sS", "--cacert", str(ca.path), "-H", f"Authorization: Bearer {pair['access']}",
                        https(server, "/user_detail/")], capture_output=True, timeout=20)
    assert b'"username":"alice"' in r.stdout, r.stderr
    ready = requests.get(https(server, "/readyz"), verify=str(ca.path), timeout=10).json()
    assert ready["tls_certificate_expires_at"].startswith(
        (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=10)).strftime("%Y-%m-%d"))
    metrics = requests.get(https(server, "/metrics"), verify=str(ca.path), timeout=10).text
    expiry = float(next(line.split()[1] for line in metrics.splitlines()
                        if line.startswith("authd_tls_certificate_expiry_seconds ")))
    assert 9.9 * 86400 < expiry <= 10 * 86400

    # A browser session over TLS: its cookie is Secure, so it never travels in plain text.
    r = requests.post(https(server, "/api/token/"), data={"username": "alice", "password": STRONG_PASSWORD},
                      headers={"X-Authd-Session": "cookie", "Origin": f"https://localhost:{server.port}"},
                      verify=str(ca.path), timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Set-Cookie"].startswith("authd_session=") and "; Secure" in r.headers["Set-Cookie"]

    # Plain HTTP to the TLS port gets no answer; an unknown CA is refused by the client.
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(https(server, "/healthz"), timeout=5)

    # Protocols and suites: 1.2 and 1.3 only, forward secrecy only, ALPN http/1.1.
    for old in ("-tls1", "-tls1_1"):
        code, out = s_client(server.port, old)
        assert code != 0 and "Cipher is (NONE)" in out or "no protocols available" in out, out
    code, out = s_client(server.port, "-tls1_3", "-alpn", "http/1.1")
    assert code == 0 and "TLSv1.3" in out and "ALPN protocol: http/1.1" in out, out
    code, out = s_client(server.port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
    assert code == 0 and "ECDHE-ECDSA-AES128-GCM-SHA256" in out, out
    for weak in ("AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA", "AES256-SHA256"):
        code, out = s_client(server.port, "-tls1_2", "-cipher", weak)
        assert code != 0, (weak, out)
    assert "Secure Renegotiation IS supported" in s_client(server.port, "-tls1_2")[1]


def test_certificates_reload_on_sighup_without_dropping_a_connection(start_authd, ca):
    cert, key, first = ca.leaf("live")
    server = start_authd(tls_env(cert, key))
    assert peer_serial(server.port, ca) == first
    context = ssl.create_default_context(cafile=str(ca.path))
    kept = http.client.HTTPSConnection("localhost", server.port, context=context, timeout=10)
    kept.request("GET", "/healthz")
    assert kept.getresponse().read() == b'{"status":"ok"}'

    # A renewal: new files in place, then SIGHUP. New connections get the new certificate;
    # the open one goes on as it was.
    new_cert, new_key, second = ca.leaf("renewed", days=20)
    os.replace(new_cert, cert)
    os.replace(new_key, key)
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while peer_serial(server.port, ca) != second:
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.05)
    kept.request("GET", "/healthz")
    assert kept.getresponse().read() == b'{"status":"ok"}'
    assert "TLS: certificate reloaded" in server.log()

    # A broken renewal is refused, logged, and the certificate in use stays.
    cert.write_text("not a certificate\n")
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "reload refused" not in server.log():
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.05)
    assert peer_serial(server.port, ca) == second
    kept.request("GET", "/healthz")
    assert kept.getresponse().status == 200
    kept.close()


def fetch(port, context, session=None):
    """One request on a new TLS connection: (whether the session was resumed, the session)."""
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with context.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            while tls.recv(4096):
                pass
            return tls.session_reused, tls.session


def test_sessions_resume_by_ticket_across_a_reload(start_authd, ca):
    cert, key, _ = ca.leaf("leaf")
    server = start_authd(tls_env(cert, key))
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = ssl.create_default_context(cafile=str(ca.path))
        context.maximum_version = version
        reused, session = fetch(server.port, context)
        assert not reused and session is not None
        reused, _ = fetch(server.port, context, session)
        assert reused, version
    # The ticket keys outlive a certificate reload: a session made before it still resumes.
    context = ssl.create_default_context(cafile=str(ca.path))
    _, session = fetch(server.port, context)
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "TLS: certificate reloaded" not in server.log():
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.05)
    assert fetch(server.port, context, session)[0]


def test_the_metrics_listener_has_its_own_certificate(start_authd, ca):
    cert, key, main_serial = ca.leaf("main")
    metrics_cert, metrics_key, metrics_serial = ca.leaf("metrics")
    server = start_authd(tls_env(cert, key, AUTHD_METRICS_LISTEN="127.0.0.1:0",
                                 AUTHD_METRICS_TLS_CERT_FILE=str(metrics_cert),
                                 AUTHD_METRICS_TLS_KEY_FILE=str(metrics_key)))
    port = int(re.search(r"metrics listening on 127\.0\.0\.1:(\d+) \(https\)", server.log()).group(1))
    assert peer_serial(port, ca) == metrics_serial and peer_serial(server.port, ca) == main_serial
    r = requests.get(f"https://localhost:{port}/metrics", verify=str(ca.path), timeout=10)
    assert r.status_code == 200 and "authd_tls_certificate_expiry_seconds" in r.text


def test_an_ocsp_response_is_stapled_when_given(start_authd, ca, tmp_path):
    cert, key, _ = ca.leaf("leaf")
    leaf = x509.load_pem_x509_certificate(cert.read_bytes())  # the first of the chain
    now = datetime.datetime.now(datetime.timezone.utc)
    response = (ocsp.OCSPResponseBuilder()
                .add_response(cert=leaf, issuer=ca.cert, algorithm=hashes.SHA256(),
                              cert_status=ocsp.OCSPCertStatus.GOOD, this_update=now,
                              next_update=now + datetime.timedelta(days=1),
                              revocation_time=None, revocation_reason=None)
                .responder_id(ocsp.OCSPResponderEncoding.HASH, ca.cert)
                .sign(ca.key, hashes.SHA256()))
    staple = tmp_path / "leaf.ocsp"
    staple.write_bytes(response.public_bytes(serialization.Encoding.DER))
    stapling = start_authd(tls_env(cert, key, AUTHD_TLS_OCSP_FILE=str(staple)))
    code, out = s_client(stapling.port, "-status", "-servername", "localhost")
    assert code == 0 and "OCSP Response Status: successful" in out and "Cert Status: good" in out, out
    plain = start_authd(tls_env(cert, key))
    assert "OCSP response: no response sent" in s_client(plain.port, "-status")[1]


def test_bad_settings_and_files_stop_the_start(tmp_path, ca):
    cert, key, _ = ca.leaf("leaf")
    other_cert, other_key, _ = ca.leaf("other")
    env = dict(os.environ, AUTHD_LISTEN="127.0.0.1:0", AUTHD_DATABASE_URL=f"sqlite://{tmp_path}/x.db")
    cases = [({"AUTHD_TLS_CERT_FILE": str(cert)}, "AUTHD_TLS_KEY_FILE"),
             (tls_env(cert, tmp_path / "missing.key"), "AUTHD_TLS_KEY_FILE"),
             (tls_env(cert, other_key), "is not the key of the certificate"),
             ({"AUTHD_HTTP_REDIRECT_LISTEN": "127.0.0.1:0"}, "AUTHD_HTTP_REDIRECT_LISTEN"),
             (tls_env(cert, key, AUTHD_TLS_OCSP_FILE=str(tmp_path / "missing.ocsp")), "AUTHD_TLS_OCSP_FILE"),
             ({"AUTHD_METRICS_TLS_CERT_FILE": str(cert), "AUTHD_METRICS_TLS_KEY_FILE": str(key)},
              "AUTHD_METRICS_LISTEN"),
             ({"AUTHD_METRICS_LISTEN": "127.0.0.1:0", "AUTHD_METRICS_TLS_CERT_FILE": str(cert),
               "AUTHD_METRICS_TLS_KEY_FILE": str(other_key)}, "AUTHD_METRICS_TLS_")]
    for extra, message in cases:
        r = subprocess.run([AUTHD_BIN, "serve"], env={**env, **extra}, capture_output=True, timeout=20)
        assert r.returncode == 2 and message in (r.stdout + r.stderr).decode(), (extra, r)


def test_the_plain_listener_redirects_to_https(start_authd, ca):
    cert, key, _ = ca.leaf("leaf")
    plain = free_port()
    server = start_authd(tls_env(cert, key, AUTHD_HTTP_REDIRECT_LISTEN=f"127.0.0.1:{plain}"))
    r = requests.get(f"http://localhost:{plain}/user_detail/?a=1", allow_redirects=False, timeout=5)
    assert r.status_code == 308
    assert r.headers["Location"] == f"https://localhost:{server.port}/user_detail/?a=1"
    # Followed, it arrives over TLS.
    r = requests.get(f"http://localhost:{plain}/healthz", timeout=5)
    assert r.status_code == 200 and r.url.startswith("http://")
    r = requests.get(f"http://localhost:{plain}/api/schema/", verify=str(ca.path), timeout=10)
    assert r.status_code == 200 and r.url.startswith("https://")


def test_the_development_certificate_command(start_authd, tmp_path):
    out = tmp_path / "dev"
    r = subprocess.run([AUTHD_BIN, "keys", "tls-selfsigned", "--host", "localhost", "--out", str(out)],
                       capture_output=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert oct((out / "key.pem").stat().st_mode & 0o777) == "0o600"
    # Never over files in use.
    again = subprocess.run([AUTHD_BIN, "keys", "tls-selfsigned", "--host", "localhost", "--out", str(out)],
                           capture_output=True, timeout=20)
    assert again.returncode != 0
    server = start_authd(tls_env(out / "cert.pem", out / "key.pem"))
    r = requests.get(https(server, "/healthz"), verify=str(out / "cert.pem"), timeout=10)
    assert r.json() == {"status": "ok"}


@pytest.mark.skipif(BACKEND != "sqlite", reason="handshakes do not touch the database")
def test_a_handshake_flood_leaves_established_connections_fast(start_authd, ca):
    cert, key, _ = ca.leaf("leaf")
    server = start_authd(tls_env(cert, key))
    token = None
    requests.post(https(server, "/register/"), data={"username": "alice", "password": STRONG_PASSWORD},
                  verify=str(ca.path), timeout=10)
    token = requests.post(https(server, "/api/token/"), data={"username": "alice", "password": STRONG_PASSWORD},
                          verify=str(ca.path), timeout=10).json()["access"]
    stop = threading.Event()
    handshakes = [0]

    def flood():
        context = ssl.create_default_context(cafile=str(ca.path))
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
                    with context.wrap_socket(raw, server_hostname="localhost"):
                        handshakes[0] += 1
            except OSError:
                pass

    context = ssl.create_default_context(cafile=str(ca.path))
    kept = http.client.HTTPSConnection("localhost", server.port, context=context, timeout=10)
    headers = {"Authorization": f"Bearer {token}"}

    def sample(n):
        times = []
        for _ in range(n):
            started = time.perf_counter()
            kept.request("GET", "/user_detail/", headers=headers)
            assert kept.getresponse().read().startswith(b'{"id"')
            times.append(time.perf_counter() - started)
        return times

    sample(20)
    threads = [threading.Thread(target=flood) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    try:
        # Three rounds, and the median of their p99s: machines are shared and noisy. When some
        # other process took the cores meanwhile, the measurement is taken once more.
        for _ in range(2):
            rounds = [statistics.quantiles(sample(200), n=100)[98] for _ in range(3)]
            p99 = statistics.median(rounds)
            if p99 < 0.010:
                break
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    print(f"{handshakes[0]} handshakes; /user_detail/ p99 of three rounds "
          f"{', '.join(f'{r * 1000:.2f}' for r in rounds)} ms")
    assert handshakes[0] > 100
    # The bound holds for the Release build; a sanitized one is several times slower throughout.
    if "asan" not in AUTHD_BIN:
        assert p99 < 0.010
