"""Issue 16: outbound mail, password reset, email verification and change, login by email,
against a real SMTP server (aiosmtpd) and the real binary, on SQLite and PostgreSQL."""
import concurrent.futures
import email
import email.policy
import signal
import ssl
import statistics
import subprocess
import time

import pytest

from conftest import AUTHD_BIN, STRONG_PASSWORD, free_port
from smtp_server import SmtpServer, make_test_ca

RESET_SENT = {"detail": "If an account with that email exists, a password reset link has been sent."}
PUBLIC = "https://auth.example.com"


@pytest.fixture
def smtp():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


def mail_env(smtp, **extra):
    env = {"AUTHD_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
           "AUTHD_EMAIL_FROM": "no-reply@auth.example.com",
           "AUTHD_PUBLIC_URL": PUBLIC, "AUTHD_SITE_NAME": "Example"}
    env.update(extra)
    return env


@pytest.fixture
def mailing(start_authd, smtp):
    return start_authd(mail_env(smtp))


def reset(server, email_address):
    return server.post("/api/password/reset/", data={"email": email_address})


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(mailing, smtp):
    mailing.register("alice", email="alice@example.com")
    verify = smtp.inbox.to("alice@example.com")  # registration's verification mail
    assert "Confirm" in verify.subject
    pair = mailing.login("alice")
    time.sleep(1.1)  # tokens carry whole seconds: make the login's second an earlier one

    r = reset(mailing, "Alice@Example.com")  # case-insensitive, as Django's iexact
    assert (r.status_code, r.json()) == (200, RESET_SENT)
    mail = smtp.inbox.wait(2)[1]
    # The message as a mail client sees it.
    m = mail.message
    assert mail.mail_from == "no-reply@auth.example.com" and mail.rcpt_tos == ["alice@example.com"]
    assert str(m["From"]) == "Example <no-reply@auth.example.com>"
    assert str(m["To"]) == "alice@example.com"
    assert mail.subject == "Reset your Example password"
    assert m["Date"] and m["Message-ID"].endswith("@auth.example.com>")
    assert m.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in m.iter_parts()] == ["text/plain", "text/html"]
    link = mail.link()
    assert link.startswith(PUBLIC + "/account/reset/?token=")
    token = mail.token()
    assert len(token) >= 22  # 128 bits or more in base64url
    assert f'href="{link}"' in mail.part("html")
    # Only the token's SHA-256 is stored.
    stored = mailing.sql("SELECT hash FROM one_time_tokens WHERE purpose = 'password_reset'")
    assert len(stored) == 1 and token not in stored[0][0] and len(stored[0][0]) == 64

    weak = mailing.post("/api/password/reset/confirm/", data={"token": token, "new_password": "alice"})
    assert weak.status_code == 400 and "new_password" in weak.json()
    ok = mailing.post("/api/password/reset/confirm/",
                      data={"token": token, "new_password": "a-new-and-better-password"})
    assert (ok.status_code, ok.json()) == (200, {"detail": "Password has been reset."})
    # Every session ended; the new password works, the old one does not.
    assert mailing.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).status_code == 401
    assert mailing.get("/user_detail/", token=pair["access"]).status_code == 401
    mailing.login("alice", "a-new-and-better-password")
    assert mailing.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD}).status_code == 401
    # Single use.
    again = mailing.post("/api/password/reset/confirm/",
                         data={"token": token, "new_password": "yet-another-good-password"})
    assert (again.status_code, again.json()) == (
        400, {"token": ["This password reset link is invalid or has expired."]})
    # The owner is told.
    changed = smtp.inbox.wait(3)[2]
    assert changed.rcpt_tos == ["alice@example.com"] and "password was changed" in changed.subject


def test_unknown_inactive_and_real_addresses_get_identical_answers(start_authd, smtp):
    mailing = start_authd(mail_env(smtp, AUTHD_PASSWORD_RESET_RATE="off"))
    mailing.register("real", email="real@example.com")
    mailing.register("sleeper", email="sleeper@example.com", is_active="false")
    smtp.inbox.wait(2)  # the two verification mails
    answers = {}
    timings = {}
    for address in ("nobody@example.com", "sleeper@example.com", "real@example.com"):
        r = reset(mailing, address)
        answers[address] = (r.status_code, r.text, r.headers.get("Content-Type"))
        # The same work for each: more requests only meet the per-address limit, still 200.
        times = []
        for _ in range(7):
            started = time.perf_counter()
            assert reset(mailing, address).status_code == 200
            times.append(time.perf_counter() - started)
        timings[address] = statistics.median(times)
    assert len(set(answers.values())) == 1, answers
    assert answers["real@example.com"][0] == 200
    # Within noise: no address takes markedly longer to answer than another.
    assert max(timings.values()) < 3 * min(timings.values()) + 0.02, timings
    # Only the real, active account was mailed, and once (one reset mail a minute per address).
    time.sleep(3)
    resets = [m for m in smtp.inbox.messages if "Reset" in m.subject]
    assert [m.rcpt_tos for m in resets] == [["real@example.com"]]


def test_reset_requests_are_throttled_per_client_address(start_authd, smtp):
    server = start_authd(mail_env(smtp, AUTHD_PASSWORD_RESET_RATE="3/hour"))
    for _ in range(3):
        assert reset(server, "x@example.com").status_code == 200
    r = reset(server, "y@example.com")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "throttled" in r.json()["detail"].lower()


def test_links_expire_and_die_with_a_password_change(start_authd, smtp):
    server = start_authd(mail_env(smtp, AUTHD_PASSWORD_RESET_TTL="2"))
    server.register("bob", email="bob@example.com")
    smtp.inbox.wait(1)
    assert reset(server, "bob@example.com").status_code == 200
    token = smtp.inbox.wait(2)[1].token()
    time.sleep(2.5)
    r = server.post("/api/password/reset/confirm/", data={"token": token, "new_password": "a-fine-new-password"})
    assert r.status_code == 400 and "token" in r.json()

    # A fresh link dies when the password changes by another route.
    server.sql("DELETE FROM throttle")  # the per-address minute
    assert reset(server, "bob@example.com").status_code == 200
    token = smtp.inbox.wait(3)[2].token()
    access = server.login("bob")["access"]
    changed = server.post("/api/password/change/", headers={"Authorization": f"Bearer {access}"},
                          data={"old_password": STRONG_PASSWORD, "new_password": "changed-by-hand-password"})
    assert changed.status_code == 200
    assert "password was changed" in smtp.inbox.wait(4)[3].subject  # the owner is told
    r = server.post("/api/password/reset/confirm/", data={"token": token, "new_password": "a-fine-new-password"})
    assert r.status_code == 400
    # A verification link is not a reset link.
    verify_token = smtp.inbox.wait(1)[0].token()
    r = server.post("/api/password/reset/confirm/",
                    data={"token": verify_token, "new_password": "a-fine-new-password"})
    assert r.status_code == 400
    assert server.post("/api/password/reset/confirm/", data={"token": "x" * 43,
                                                             "new_password": "a-fine-new-password"}).status_code == 400


def test_without_mail_the_mailing_endpoints_answer_503(authd):
    authd.register("carol", email="carol@example.com")
    access = authd.login("carol")["access"]
    bearer = {"Authorization": f"Bearer {access}"}
    expected = (503, {"detail": "Email is not configured."})
    r = reset(authd, "carol@example.com")
    assert (r.status_code, r.json()) == expected
    r = authd.post("/api/email/verify/resend/", headers=bearer)
    assert (r.status_code, r.json()) == expected
    r = authd.post("/api/email/change/", headers=bearer, data={"new_email": "c@example.com", "password": STRONG_PASSWORD})
    assert (r.status_code, r.json()) == expected
    assert "email is off" in authd.log()
    # Everything else is unchanged.
    assert authd.get("/api/me/", token=access).json()["email_verified"] is False


def test_email_dir_writes_each_message_as_an_eml_file(start_authd, tmp_path):
    outbox = tmp_path / "mail"
    outbox.mkdir()
    server = start_authd({"AUTHD_EMAIL_DIR": str(outbox)})
    server.register("dora", email="dora@example.com")
    deadline = time.monotonic() + 10
    while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.05)
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    m = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert str(m["To"]) == "dora@example.com"
    text = m.get_body(("plain",)).get_content()
    # Without AUTHD_PUBLIC_URL, links point at the listener itself.
    assert f"http://127.0.0.1:{server.port}/account/verify/?token=" in text


def test_user_data_can_neither_add_a_header_nor_html(mailing, smtp):
    r = mailing.post("/register/", data={"username": "mallory", "password": STRONG_PASSWORD,
                                         "email": "mallory@example.com\r\nBcc: victim@example.com"})
    assert r.status_code == 400 and "email" in r.json()
    mailing.register("mallory", email="mallory@example.com",
                     first_name="Mal\r\nBcc: victim@example.com", last_name="<script>alert(1)</script>")
    mail = smtp.inbox.wait(1)[0]
    assert mail.rcpt_tos == ["mallory@example.com"]
    assert "Bcc" not in mail.message and b"victim" not in mail.raw.split(b"\r\n\r\n", 1)[0]
    # The username appears in the mail; an HTML-looking name is escaped in the HTML part.
    access = mailing.login("mallory")["access"]
    assert mailing.request_patch("/api/me/", access, {"first_name": "<b>bold</b>"}).status_code == 200
    mailing.sql("UPDATE users SET username = ? WHERE username = 'mallory'", ("<img src=x>",))
    assert reset(mailing, "mallory@example.com").status_code == 200
    html = smtp.inbox.wait(2)[1].part("html")
    assert "<img src=x>" not in html and "&lt;img src=x&gt;" in html


def test_email_verification_and_me(mailing, smtp):
    mailing.register("erin", email="erin@example.com", first_name="Erin")
    access = mailing.login("erin")["access"]
    me = mailing.get("/api/me/", token=access).json()
    assert me["email_verified"] is False and me["first_name"] == "Erin"
    # /user_detail/ keeps its exact fields.
    assert "email_verified" not in mailing.get("/user_detail/", token=access).json()
    mail = smtp.inbox.to("erin@example.com")
    assert mail.link().startswith(PUBLIC + "/account/verify/?token=")
    r = mailing.post("/api/email/verify/", data={"token": mail.token()})
    assert (r.status_code, r.json()) == (200, {"detail": "Email verified."})
    assert mailing.get("/api/me/", token=access).json()["email_verified"] is True
    r = mailing.post("/api/email/verify/", data={"token": mail.token()})
    assert (r.status_code, r.json()) == (400, {"token": ["This verification link is invalid or has expired."]})
    # Already verified: nothing more is sent.
    r = mailing.post("/api/email/verify/resend/", headers={"Authorization": f"Bearer {access}"})
    assert r.status_code == 200
    r = mailing.request_patch("/api/me/", access, {"first_name": "E.", "last_name": "Smith", "is_staff": "true"})
    assert r.status_code == 200
    me = r.json()
    assert (me["first_name"], me["last_name"], me["is_staff"]) == ("E.", "Smith", False)


def test_resend_is_throttled(mailing, smtp):
    mailing.register("fred", email="fred@example.com")
    access = mailing.login("fred")["access"]
    bearer = {"Authorization": f"Bearer {access}"}
    first = mailing.post("/api/email/verify/resend/", headers=bearer)
    assert first.status_code == 200
    second = mailing.post("/api/email/verify/resend/", headers=bearer)
    assert second.status_code == 429
    assert len(smtp.inbox.wait(2)) == 2
    # Either link verifies.
    r = mailing.post("/api/email/verify/", data={"token": smtp.inbox.messages[0].token()})
    assert r.status_code == 200


def test_an_email_change_takes_effect_when_the_new_address_proves_itself(mailing, smtp):
    mailing.register("gina", email="gina@old.example")
    smtp.inbox.wait(1)
    access = mailing.login("gina")["access"]
    bearer = {"Authorization": f"Bearer {access}"}
    wrong = mailing.post("/api/email/change/", headers=bearer,
                         data={"new_email": "gina@new.example", "password": "not-her-password"})
    assert wrong.status_code == 400 and "password" in wrong.json()
    bad = mailing.post("/api/email/change/", headers=bearer,
                       data={"new_email": "not an address", "password": STRONG_PASSWORD})
    assert bad.status_code == 400 and "new_email" in bad.json()
    # A reset link issued before the change...
    assert reset(mailing, "gina@old.example").status_code == 200
    reset_token = smtp.inbox.wait(2)[1].token()
    r = mailing.post("/api/email/change/", headers=bearer,
                     data={"new_email": "gina@new.example", "password": STRONG_PASSWORD})
    assert r.status_code == 200
    link = smtp.inbox.to("gina@new.example")
    assert mailing.get("/api/me/", token=access).json()["email"] == "gina@old.example"  # not yet
    assert mailing.post("/api/email/verify/", data={"token": link.token()}).status_code == 200
    me = mailing.get("/api/me/", token=access).json()
    assert (me["email"], me["email_verified"]) == ("gina@new.example", True)
    # ...dies with it, and the old address is told.
    notice = smtp.inbox.wait(4)[3]
    assert notice.rcpt_tos == ["gina@old.example"] and "gina@new.example" in notice.part("plain")
    r = mailing.post("/api/password/reset/confirm/", data={"token": reset_token, "new_password": "a-fine-new-password"})
    assert r.status_code == 400


def test_require_verified_email(start_authd, smtp):
    server = start_authd(mail_env(smtp, AUTHD_REQUIRE_VERIFIED_EMAIL="true"))
    server.register("hank", email="hank@example.com")
    r = server.post("/api/token/", data={"username": "hank", "password": STRONG_PASSWORD})
    assert (r.status_code, r.json()) == (401, {"detail": "Email address is not verified.",
                                               "code": "email_not_verified"})
    wrong = server.post("/api/token/", data={"username": "hank", "password": "wrong-password-here"})
    assert wrong.json()["detail"] == "No active account found with the given credentials"
    assert server.post("/api/email/verify/", data={"token": smtp.inbox.wait(1)[0].token()}).status_code == 200
    server.login("hank")


def test_login_by_email(start_authd, smtp, tmp_path):
    db = tmp_path / "shared.db"
    server = start_authd(mail_env(smtp, AUTHD_LOGIN_FIELDS="username,email"), db=db)
    server.register("ivy", email="Ivy@Example.com")
    # Unverified: not a login name yet.
    r = server.post("/api/token/", data={"username": "ivy@example.com", "password": STRONG_PASSWORD})
    assert r.status_code == 401
    assert server.post("/api/email/verify/", data={"token": smtp.inbox.wait(1)[0].token()}).status_code == 200
    server.login("IVY@example.COM")
    server.login("ivy")
    # A verified address belongs to one account.
    r = server.post("/register/", data={"username": "ivy2", "password": STRONG_PASSWORD, "email": "ivy@example.com"})
    assert (r.status_code, r.json()) == (400, {"email": ["A user with that email already exists."]})
    server.stop()

    # Off (the default): an email is not a login name.
    off = start_authd(mail_env(smtp), db=db)
    r = off.post("/api/token/", data={"username": "ivy@example.com", "password": STRONG_PASSWORD})
    assert r.status_code == 401
    off.register("ivy2", email="ivy@example.com")
    off.sql("UPDATE users SET email_verified = ? WHERE username = 'ivy2'", (True,))
    off.stop()
    # Two accounts now share a verified address: turning login by email on stops start-up.
    with pytest.raises(RuntimeError) as refused:
        start_authd(mail_env(smtp, AUTHD_LOGIN_FIELDS="username,email"), db=db)
    assert "ivy@example.com: ivy, ivy2" in str(refused.value)


def test_staff_can_send_a_reset_link(mailing, smtp, tmp_path):
    mailing.register("judy", email="judy@example.com")
    smtp.inbox.wait(1)
    env = dict(mailing.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--username", "root", "--email", "root@example.com",
                    "--no-input"], env=env, cwd=tmp_path, check=True, capture_output=True)
    admin = mailing.login("root")["access"]
    r = mailing.post("/api/admin/users/1/password-reset/", headers={"Authorization": f"Bearer {admin}"})
    assert (r.status_code, r.json()) == (202, {"detail": "A password reset link has been sent."})
    assert smtp.inbox.wait(2)[1].link().startswith(PUBLIC + "/account/reset/")
    user = mailing.login("judy")["access"]
    r = mailing.post("/api/admin/users/1/password-reset/", headers={"Authorization": f"Bearer {user}"})
    assert r.status_code == 403


def test_starttls_and_auth_with_a_private_ca(start_authd, tmp_path):
    ca, cert, key = make_test_ca(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    smtp = SmtpServer(free_port(), tls=context, users={"mailer": "s3cret-smtp-pass"}).start()
    try:
        env = {"AUTHD_SMTP_URL": f"smtp://mailer:s3cret-smtp-pass@localhost:{smtp.port}",
               "AUTHD_SMTP_TLS": "required", "AUTHD_SMTP_CA_FILE": str(ca),
               "AUTHD_EMAIL_FROM": "no-reply@example.com"}
        server = start_authd(env)
        server.register("kim", email="kim@example.com")
        mail = smtp.inbox.wait(1)[0]
        assert mail.tls and mail.authenticated and mail.rcpt_tos == ["kim@example.com"]
        # The SMTP password never shows: not in the log, not in `authd config`.
        config = subprocess.run([AUTHD_BIN, "config"], env=server.env, capture_output=True, text=True)
        assert "AUTHD_SMTP_URL=smtp://mailer:***@localhost" in config.stdout
        assert "s3cret" not in config.stdout + server.log()
        # sendtestmail through the same server.
        sent = subprocess.run([AUTHD_BIN, "sendtestmail", "--to", "ops@example.com"], env=server.env,
                              cwd=tmp_path, capture_output=True, text=True)
        assert sent.returncode == 0, sent.stderr
        assert smtp.inbox.to("ops@example.com").tls
        # Without the CA, the server's certificate is not trusted: not sent, never in clear.
        server.stop()
        untrusted = start_authd({k: v for k, v in env.items() if k != "AUTHD_SMTP_CA_FILE"})
        failed = subprocess.run([AUTHD_BIN, "sendtestmail", "--to", "ops@example.com"],
                                env=untrusted.env, cwd=tmp_path, capture_output=True, text=True)
        assert failed.returncode == 1 and "not sent" in failed.stderr
        # AUTHD_SMTP_TLS=required: a server without STARTTLS gets nothing, even on loopback.
        plain = SmtpServer(free_port()).start()
        try:
            env = dict(untrusted.env, AUTHD_SMTP_URL=f"smtp://127.0.0.1:{plain.port}")
            refused = subprocess.run([AUTHD_BIN, "sendtestmail", "--to", "ops@example.com"],
                                     env=env, cwd=tmp_path, capture_output=True, text=True)
            assert refused.returncode == 1 and not plain.inbox.messages
            env["AUTHD_SMTP_TLS"] = "auto"  # loopback: STARTTLS when offered, so this one is sent
            assert subprocess.run([AUTHD_BIN, "sendtestmail", "--to", "ops@example.com"], env=env,
                                  cwd=tmp_path, capture_output=True).returncode == 0
            assert plain.inbox.wait(1)
        finally:
            plain.stop()
    finally:
        smtp.stop()


def test_mail_waits_out_an_smtp_outage(start_authd):
    port = free_port()
    smtp = SmtpServer(port)  # not started: the server is down
    server = start_authd(mail_env(smtp))
    r = server.post("/register/", data={"username": "liam", "password": STRONG_PASSWORD, "email": "liam@example.com"})
    assert r.status_code == 201
    assert reset(server, "liam@example.com").status_code == 200
    deadline = time.monotonic() + 10
    while "trying again" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "trying again in 5 s" in server.log()
    assert "liam@example.com" not in server.log()  # addresses stay out of the log
    smtp.start()
    try:
        got = smtp.inbox.wait(2, timeout=30)  # the first retry comes within 10 s
        assert sorted(m.subject for m in got) == ["Confirm your email address for Example",
                                                  "Reset your Example password"]
        # Counted just after the server took the message: poll a moment.
        sent = 'authd_email_sent_total{kind="password_reset",result="sent"} 1'
        drained = "authd_email_outbox_depth 0"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            metrics = server.get("/metrics").text
            if sent in metrics and drained in metrics:
                break
            time.sleep(0.1)
        assert sent in metrics and drained in metrics
        assert 'authd_email_sent_total{kind="verify_email",result="retry"}' in metrics
    finally:
        smtp.stop()


def test_an_acknowledged_mail_survives_kill_9(start_authd, tmp_path):
    smtp = SmtpServer(free_port())  # down while the first process lives
    db = tmp_path / "crash.db"
    server = start_authd(mail_env(smtp), db=db)
    server.register("mia", email="mia@example.com")
    assert reset(server, "mia@example.com").status_code == 200
    # Killed once both attempts failed: had it died mid-attempt instead, the entry would wait
    # out its 30 s lease (MailStoreTest.AClaimedMessageIsLeasedToOneClaimerUntilTheLeaseLapses).
    deadline = time.monotonic() + 10
    while server.log().count("trying again") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.stop(signal.SIGKILL)
    smtp.start()
    try:
        start_authd(mail_env(smtp), db=db)
        got = smtp.inbox.wait(2, timeout=30)
        assert sorted(m.subject for m in got) == ["Confirm your email address for Example",
                                                  "Reset your Example password"]
    finally:
        smtp.stop()


def test_two_instances_deliver_each_mail_exactly_once(start_authd, smtp, tmp_path):
    db = tmp_path / "two.db"
    first = start_authd(mail_env(smtp), db=db)
    second = start_authd(mail_env(smtp), db=db)

    def register(i):
        server = (first, second)[i % 2]
        r = server.post("/register/", data={"username": f"u{i}", "password": STRONG_PASSWORD,
                                            "email": f"u{i}@example.com"})
        return r.status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(register, range(200))) == {201}
    got = smtp.inbox.wait(200, timeout=60)
    time.sleep(2)  # anything more would be a duplicate
    recipients = [m.rcpt_tos[0] for m in smtp.inbox.messages]
    assert len(recipients) == 200 and len(set(recipients)) == 200
    assert first.sql("SELECT COUNT(*) FROM outbox")[0][0] == 0
    assert got
