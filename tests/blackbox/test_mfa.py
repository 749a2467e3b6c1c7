"""Issue 17, TOTP and recovery codes: enrolment, sign-in in two steps, replays, the mfa_token's
limits, administration. pyotp (Debian python3-pyotp) plays the authenticator app; PyJWT reads
the tokens. On SQLite and PostgreSQL."""
import time

import jwt
import pyotp
import pytest
import requests

from conftest import SHARED_KEY, STRONG_PASSWORD

MFA_REQUIRED = "Multi-factor authentication required."


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def fresh_step():
    """Waits, if need be, until the current 30 s step has at least 10 s left, so codes made for
    steps around it stay where the test meant them."""
    if time.time() % 30 > 20:
        time.sleep(30 - time.time() % 30 + 0.2)


def next_code(totp):
    """The next step's code: accepted now (the window is a step either side), and later than
    the step any earlier code of the test used, so no test waits for the clock."""
    return totp.at(time.time() + 30)


def enrol(server, access):
    r = server.post("/api/mfa/totp/", headers=bearer(access))
    assert r.status_code == 200, r.text
    body = r.json()
    totp = pyotp.parse_uri(body["otpauth_url"])
    assert totp.secret == body["secret"] and len(body["secret"]) == 32  # 160 bits in base32
    assert body["qr_svg"].startswith("<svg") and r.headers["Cache-Control"] == "no-store"
    r = server.post("/api/mfa/totp/confirm/", headers=bearer(access), data={"code": totp.now()})
    assert r.status_code == 200, r.text
    codes = r.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return totp, codes


def password_step(server, username="alice", password=STRONG_PASSWORD):
    r = server.post("/api/token/", data={"username": username, "password": password})
    assert r.status_code == 401 and r.json()["code"] == "mfa_required", r.text
    return r.json()["mfa_token"]


def second_step(server, mfa_token, code):
    return server.post("/api/token/mfa/", data={"mfa_token": mfa_token, "code": code})


def test_enrol_then_sign_in_with_a_code(keyed_authd):
    server = keyed_authd
    access = server.login("alice")["access"]
    assert server.get("/api/mfa/", token=access).json() == {"totp": False, "passkeys": 0,
                                                            "recovery_codes_left": 0}
    r = server.post("/api/mfa/totp/", headers=bearer(access))
    totp = pyotp.parse_uri(r.json()["otpauth_url"])
    assert r.json()["otpauth_url"].startswith("otpauth://totp/authd:alice?secret=")
    assert totp.issuer == "authd" and totp.name == "alice"
    bad = server.post("/api/mfa/totp/confirm/", headers=bearer(access), data={"code": "000000"})
    assert (bad.status_code, bad.json()) == (400, {"code": ["Invalid code."]})
    # Until confirmed, nothing changes at sign-in.
    assert "access" in server.login("alice")
    ok = server.post("/api/mfa/totp/confirm/", headers=bearer(access), data={"code": totp.now()})
    assert ok.status_code == 200 and len(ok.json()["recovery_codes"]) == 10
    assert server.get("/api/mfa/", token=access).json() == {"totp": True, "passkeys": 0,
                                                            "recovery_codes_left": 10}
    # On again: refused, it must be turned off first.
    assert server.post("/api/mfa/totp/", headers=bearer(access)).status_code == 400

    # No pair on the password alone; a wrong password answers as it always did.
    r = server.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD})
    body = r.json()
    assert r.status_code == 401 and body["detail"] == MFA_REQUIRED
    assert body["methods"] == ["totp", "recovery_code"] and "access" not in body
    wrong = server.post("/api/token/", data={"username": "alice", "password": "wrong-" + STRONG_PASSWORD})
    assert wrong.json() == {"detail": "No active account found with the given credentials"}

    r = second_step(server, body["mfa_token"], "123456" if totp.now() != "123456" else "654321")
    assert (r.status_code, r.json()) == (401, {"detail": "Invalid code.", "code": "mfa_invalid"})
    r = second_step(server, body["mfa_token"], next_code(totp))
    assert r.status_code == 200, r.text
    pair = r.json()
    # amr (RFC 8176) in both tokens, kept through a refresh; PyJWT, as a Django service would, reads them.
    for token in (pair["access"], pair["refresh"]):
        assert jwt.decode(token, SHARED_KEY, algorithms=["HS256"])["amr"] == ["pwd", "otp"]
    refreshed = server.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).json()["access"]
    assert jwt.decode(refreshed, SHARED_KEY, algorithms=["HS256"])["amr"] == ["pwd", "otp"]
    assert server.get("/user_detail/", token=pair["access"]).status_code == 200
    # The mfa_token was spent.
    again = second_step(server, body["mfa_token"], totp.now())
    assert again.status_code == 401 and again.json()["code"] == "mfa_token_invalid"


def test_each_step_once_and_the_steps_either_side(keyed_authd):
    server = keyed_authd
    fresh_step()
    totp, _ = enrol(server, server.login("alice")["access"])
    now = time.time()
    # The current step was the confirming code's: spent. The next step's (a phone 30 s fast)
    # is accepted, once; two steps ahead is not.
    assert second_step(server, password_step(server), totp.at(now)).status_code == 401
    assert second_step(server, password_step(server), totp.at(now + 60)).status_code == 401
    assert second_step(server, password_step(server), totp.at(now + 30)).status_code == 200
    r = second_step(server, password_step(server), totp.at(now + 30))
    assert r.status_code == 401 and r.json()["code"] == "mfa_invalid"
    # A step before an accepted one is a replay too (the step before now).
    assert second_step(server, password_step(server), totp.at(now - 30)).status_code == 401


def test_five_wrong_codes_end_the_mfa_token(keyed_authd):
    server = keyed_authd
    totp, _ = enrol(server, server.login("alice")["access"])
    token = password_step(server)
    for _ in range(5):
        assert second_step(server, token, "000000" if totp.now() != "000000" else "111111").status_code == 401
    r = second_step(server, token, next_code(totp))
    assert (r.status_code, r.json()["code"]) == (401, "mfa_token_invalid")
    # The failures counted as failed logins: the throttle's per-account counter holds them.
    assert server.sql("SELECT COUNT(*) FROM throttle")[0][0] > 0


def test_recovery_codes_work_once_and_renew(keyed_authd):
    server = keyed_authd
    access = server.login("alice")["access"]
    totp, codes = enrol(server, access)
    r = second_step(server, password_step(server), codes[0].upper().replace("-", " "))
    assert r.status_code == 200, r.text
    assert second_step(server, password_step(server), codes[0]).status_code == 401
    access = r.json()["access"]
    assert server.get("/api/mfa/", token=access).json()["recovery_codes_left"] == 9
    # Renewing needs a code; the old ones stop working.
    assert server.post("/api/mfa/recovery-codes/", headers=bearer(access), data={"code": "nope"}).status_code == 400
    r = server.post("/api/mfa/recovery-codes/", headers=bearer(access), data={"code": codes[1]})
    assert r.status_code == 200
    renewed = r.json()["recovery_codes"]
    assert second_step(server, password_step(server), codes[2]).status_code == 401
    assert second_step(server, password_step(server), renewed[0]).status_code == 200
    # Stored hashed only.
    stored = [h for (h,) in server.sql("SELECT hash FROM mfa_recovery_codes")]
    assert all(c not in stored and c.replace("-", "") not in stored for c in renewed)


def test_turning_totp_off_needs_a_proof(keyed_authd):
    server = keyed_authd
    access = server.login("alice")["access"]
    enrol(server, access)
    r = requests.delete(server.url("/api/mfa/totp/"), headers=bearer(access), data={"password": "wrong-password"}, timeout=30)
    assert r.status_code == 400 and "password" in r.json()
    r = requests.delete(server.url("/api/mfa/totp/"), headers=bearer(access), data={"password": STRONG_PASSWORD}, timeout=30)
    assert r.status_code == 204
    assert "access" in server.login("alice")  # one step again
    assert server.get("/api/mfa/", token=access).json() == {"totp": False, "passkeys": 0, "recovery_codes_left": 0}


def test_the_mfa_token_is_honoured_by_another_instance(start_authd, tmp_path):
    db = tmp_path / "shared.db"
    first = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY}, db=db)
    second = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY}, db=db)
    first.register("alice")
    totp, _ = enrol(first, first.login("alice")["access"])
    token = password_step(first)
    code = next_code(totp)
    assert second_step(second, token, code).status_code == 200
    # ...and a step accepted by one is refused by the other.
    assert second_step(first, password_step(first), code).status_code == 401


def test_admin_sees_and_resets_factors(keyed_authd, tmp_path):
    import subprocess
    from conftest import AUTHD_BIN
    server = keyed_authd
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"], env=env,
                   cwd=tmp_path, check=True, capture_output=True)
    admin = server.login("root")["access"]
    alice = server.login("alice")
    enrol(server, alice["access"])
    user = server.get("/api/admin/users/1/", token=admin).json()
    assert user["mfa"] == {"totp": True, "passkeys": 0, "recovery_codes_left": 10}
    time.sleep(1.1)  # tokens carry whole seconds
    r = server.post("/api/admin/users/1/mfa/reset/", headers=bearer(admin))
    assert r.status_code == 200
    assert server.get("/api/admin/users/1/", token=admin).json()["mfa"]["totp"] is False
    assert server.get("/user_detail/", token=alice["access"]).status_code == 401  # sessions ended
    assert "access" in server.login("alice")
    assert server.post("/api/admin/users/1/mfa/reset/", headers=bearer(alice["access"])).status_code == 401


def test_secrets_are_sealed_with_the_encryption_key(start_authd, tmp_path):
    key = tmp_path / "encryption.key"
    key.write_text("ab" * 32 + "\n")
    server = start_authd({"AUTHD_ENCRYPTION_KEY_FILE": str(key)})
    server.register("alice")
    totp, _ = enrol(server, server.login("alice")["access"])
    (stored,), = server.sql("SELECT secret FROM mfa_totp")
    assert stored.startswith("v1:") and totp.secret not in stored
    server.stop()
    # Without a key the secret is kept as it is (README: protect the database, or set a key).
    plain = start_authd({}, db=tmp_path / "plain.db")
    plain.register("bob")
    enrol(plain, plain.login("bob")["access"])
    (stored,), = plain.sql("SELECT secret FROM mfa_totp")
    assert stored.startswith("plain:")


def test_staff_must_enrol_before_any_token(start_authd, tmp_path):
    import subprocess
    from conftest import AUTHD_BIN
    server = start_authd({"AUTHD_MFA_REQUIRED_FOR_STAFF": "true"})
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"], env=env,
                   cwd=tmp_path, check=True, capture_output=True)
    server.register("alice")
    assert "access" in server.login("alice")  # other users are not asked
    r = server.post("/api/token/", data={"username": "root", "password": STRONG_PASSWORD})
    body = r.json()
    assert (r.status_code, body["code"]) == (401, "mfa_enrollment_required") and "access" not in body
    token = body["mfa_token"]
    # The mfa_token opens enrolment, and nothing else.
    assert second_step(server, token, "123456").status_code == 401
    assert server.get("/api/mfa/", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    r = server.post("/api/mfa/totp/", data={"mfa_token": token})
    assert r.status_code == 200, r.text
    totp = pyotp.parse_uri(r.json()["otpauth_url"])
    r = server.post("/api/mfa/totp/confirm/", data={"mfa_token": token, "code": totp.now()})
    assert r.status_code == 200 and len(r.json()["recovery_codes"]) == 10
    # Enrolled: the same mfa_token opens nothing more; a sign-in now takes two steps.
    assert server.post("/api/mfa/totp/", data={"mfa_token": token}).status_code == 401
    assert second_step(server, password_step(server, "root"), next_code(totp)).status_code == 200
    # A user's mfa_token for a sign-in is no enrolment ticket.
    server.login("alice")
