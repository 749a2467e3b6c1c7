"""A real SMTP server for the mail tests: aiosmtpd (Debian python3-aiosmtpd) on loopback,
optionally with STARTTLS (a certificate from a test CA made with openssl) and AUTH. Messages
are parsed with Python's email package."""
import email
import email.policy
import pathlib
import re
import subprocess
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Received:
    def __init__(self, envelope, session):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.raw = envelope.original_content or envelope.content
        self.message = email.message_from_bytes(self.raw, policy=email.policy.default)
        self.tls = session.ssl is not None
        self.authenticated = bool(session.authenticated)

    @property
    def to(self):
        return str(self.message["To"])

    @property
    def subject(self):
        return str(self.message["Subject"])

    def part(self, subtype):
        """The decoded text of the text/`subtype` part."""
        for part in self.message.walk():
            if part.get_content_type() == f"text/{subtype}":
                return part.get_content()
        raise AssertionError(f"no text/{subtype} part")

    def link(self):
        """The one link in the text part."""
        links = re.findall(r"https?://\S+", self.part("plain"))
        assert len(links) == 1, links
        return links[0]

    def token(self):
        return self.link().split("token=", 1)[1]


class Inbox:
    """What the server received, in order; safe to read from the test's thread."""

    def __init__(self):
        self.messages = []
        self._cond = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        received = Received(envelope, session)
        with self._cond:
            self.messages.append(received)
            self._cond.notify_all()
        return "250 Message accepted"

    def wait(self, count, timeout=20):
        """The first `count` messages, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} messages arrived, not {count}"
                self._cond.wait(left)
            return list(self.messages[:count])

    def to(self, address, timeout=20):
        """The latest message to `address`, waiting for one."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [m for m in self.messages if address in m.rcpt_tos]
                if found:
                    return found[-1]
                left = deadline - time.monotonic()
                assert left > 0, f"no message to {address}; got {[m.rcpt_tos for m in self.messages]}"
                self._cond.wait(left)


def make_test_ca(directory):
    """A CA and a certificate for 127.0.0.1/localhost signed by it; (ca.pem, cert, key)."""
    d = pathlib.Path(directory)
    ca_key, ca, key, csr, cert = (d / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = d / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")

    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=authd test CA")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
        "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`; start() and stop() may be called again (an outage)."""

    def __init__(self, port, tls=None, users=None):
        self.port = port
        self.inbox = Inbox()
        self.tls = tls  # an ssl.SSLContext for STARTTLS, or None
        self.users = users or {}
        self.controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = self.users.get(auth_data.login.decode()) == auth_data.password.decode()
        return AuthResult(success=ok)

    def start(self):
        kwargs = {}
        if self.tls is not None:
            kwargs.update(tls_context=self.tls, require_starttls=True)
        if self.users:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=self.tls is not None)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def main():
    """`python3 smtp_server.py PORT DIR`: serves until SIGTERM, writing each message received
    to DIR/NNNN.json ({"to", "subject", "text"}), for test clients in other languages (the
    browser journeys, tests/browser/)."""
    import json
    import signal
    import sys

    port, directory = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    server = SmtpServer(port).start()
    written = 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"smtp listening on 127.0.0.1:{port}", flush=True)
    while not stop.wait(0.05):
        with server.inbox._cond:
            fresh = server.inbox.messages[written:]
        for m in fresh:
            record = {"to": m.rcpt_tos, "subject": m.subject, "text": m.part("plain")}
            tmp = directory / f"{written:04d}.tmp"
            tmp.write_text(json.dumps(record))
            tmp.rename(directory / f"{written:04d}.json")
            written += 1
    server.stop()


if __name__ == "__main__":
    main()
