"""Issue 17, passkeys: enrolment, a passkey as the second factor, passwordless sign-in, and every
refusal the relying party owes (origin, RP id, replayed challenge, counter going back, another
user's passkey, no user verification, a tampered signature). The authenticator is software
written in the tests (tests/webauthn_authenticator.py: python3-cryptography keys, python3-cbor2
CBOR), ES256 and Ed25519, none and packed self attestation. On SQLite and PostgreSQL."""
import subprocess
import time

import jwt
import pytest
import requests

from conftest import AUTHD_BIN, SHARED_KEY, STRONG_PASSWORD
from webauthn_authenticator import Authenticator, b64u, unb64u

ORIGIN = "https://auth.example.test"
PASSKEY_ENV = {"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_WEBAUTHN_ORIGINS": ORIGIN}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def server(start_authd):
    s = start_authd(PASSKEY_ENV)
    s.register("alice")
    s.register("bob")
    return s


def enrol(server, access, device, name="Laptop", fmt="none", **kw):
    options = server.post("/api/webauthn/register/options/", headers=bearer(access), json_body={})
    assert options.status_code == 200, options.text
    credential = device.create(options.json(), fmt=fmt, **kw)
    return server.post("/api/webauthn/register/", headers=bearer(access),
                       json_body={"credential": credential, "name": name})


def password_step(server, username="alice"):
    r = server.post("/api/token/", data={"username": username, "password": STRONG_PASSWORD})
    assert r.status_code == 401 and r.json()["code"] == "mfa_required", r.text
    return r.json()


def mfa_options(server, mfa_token):
    r = server.post("/api/token/mfa/webauthn/options/", json_body={"mfa_token": mfa_token})
    assert r.status_code == 200, r.text
    return r.json()


def second_step(server, mfa_token, credential):
    return server.post("/api/token/mfa/", json_body={"mfa_token": mfa_token, "credential": credential})


def login_options(server):
    r = server.post("/api/webauthn/login/options/", json_body={})
    assert r.status_code == 200, r.text
    return r.json()


def passwordless(server, credential):
    return server.post("/api/webauthn/login/", json_body={"credential": credential})


def test_enrol_and_sign_in_with_a_passkey_as_second_factor(server):
    access = server.login("alice")["access"]
    options = server.post("/api/webauthn/register/options/", headers=bearer(access), json_body={}).json()
    # The JSON shape parseCreationOptionsFromJSON and @simplewebauthn/browser take.
    assert options["rp"] == {"id": "auth.example.test", "name": "authd"}
    assert options["user"]["name"] == "alice" and len(unb64u(options["user"]["id"])) == 32
    assert len(unb64u(options["challenge"])) >= 16
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -8, -257]
    assert options["excludeCredentials"] == [] and options["attestation"] == "none"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"

    device = Authenticator(ORIGIN)
    r = server.post("/api/webauthn/register/", headers=bearer(access),
                    json_body={"credential": device.create(options), "name": "Laptop"})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["name"] == "Laptop" and made["last_used_at"] is None and made["created_at"].endswith("Z")
    assert len(made["recovery_codes"]) == 10  # the account's first factor: codes come with it
    listed = server.get("/api/webauthn/credentials/", token=access).json()
    assert [(p["id"], p["name"], p["flagged"]) for p in listed] == [(made["id"], "Laptop", False)]
    assert server.get("/api/mfa/", token=access).json() == {"totp": False, "passkeys": 1,
                                                            "recovery_codes_left": 10}
    again = server.post("/api/webauthn/register/options/", headers=bearer(access), json_body={}).json()
    assert [c["id"] for c in again["excludeCredentials"]] == [_cred_id(device)]
    assert again["user"]["id"] == options["user"]["id"]  # one handle per account

    # No pair on the password alone; the passkey is the second step.
    body = password_step(server)
    assert body["methods"] == ["recovery_code", "webauthn"]
    request = mfa_options(server, body["mfa_token"])
    assert [c["id"] for c in request["allowCredentials"]] == [_cred_id(device)]
    assert request["rpId"] == "auth.example.test"
    r = second_step(server, body["mfa_token"], device.get(request, uv=False))  # UV not needed here
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    claims = jwt.decode(r.json()["access"], SHARED_KEY, algorithms=["HS256"])
    assert claims["amr"] == ["pwd", "hwk"]
    refreshed = server.post("/api/token/refresh/", data={"refresh": r.json()["refresh"]}).json()
    assert jwt.decode(refreshed["access"], SHARED_KEY, algorithms=["HS256"])["amr"] == ["pwd", "hwk"]
    assert server.get("/api/webauthn/credentials/", token=access).json()[0]["last_used_at"] is not None


def _cred_id(device, index=0):
    return b64u(device.credentials[index].id)


def test_passwordless_sign_in_with_ed25519_and_packed_attestation(server):
    access = server.login("alice")["access"]
    device = Authenticator(ORIGIN, alg="Ed25519")
    assert enrol(server, access, device, fmt="packed").status_code == 201
    options = login_options(server)
    assert "allowCredentials" not in options and options["userVerification"] == "required"
    r = passwordless(server, device.get(options))
    assert r.status_code == 200, r.text
    claims = jwt.decode(r.json()["access"], SHARED_KEY, algorithms=["HS256"])
    assert claims["amr"] == ["hwk", "user"] and claims["user_id"] == 1
    assert server.get("/user_detail/", token=r.json()["access"]).json()["username"] == "alice"
    # User verification is required without a password.
    r = passwordless(server, device.get(login_options(server), uv=False))
    assert r.status_code == 401 and r.json()["code"] == "passkey_invalid"
    assert "UV" in r.json()["detail"]


def test_a_ceremony_refuses_what_the_relying_party_must(server):
    access = server.login("alice")["access"]
    device = Authenticator(ORIGIN)
    assert enrol(server, access, device).status_code == 201

    def refused(credential, why):
        r = passwordless(server, credential)
        assert r.status_code == 401 and r.json()["code"] == "passkey_invalid", r.text
        assert why in r.json()["detail"], r.json()["detail"]

    refused(device.get(login_options(server), origin="https://evil.example"), "origin")
    refused(device.get(login_options(server), rp_id="evil.example"), "RP ID")
    refused(device.get(login_options(server), tamper=True), "signature")
    # A challenge answers once, right or wrong.
    answer = device.get(login_options(server))
    assert passwordless(server, answer).status_code == 200
    refused(answer, "challenge")
    # A challenge made up by the client was never issued.
    options = login_options(server)
    options["challenge"] = "AAAAAAAAAAAAAAAAAAAAAA"
    refused(device.get(options), "challenge")
    # A challenge of one ceremony does not serve another.
    mfa_token = server.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD}).json()["mfa_token"]
    refused(device.get(mfa_options(server, mfa_token)), "another ceremony")


def test_a_counter_going_back_flags_the_passkey(server):
    access = server.login("alice")["access"]
    device = Authenticator(ORIGIN)
    assert enrol(server, access, device).status_code == 201
    twin = device.clone()
    assert passwordless(server, device.get(login_options(server))).status_code == 200
    assert passwordless(server, device.get(login_options(server))).status_code == 200
    # The clone's counter is behind the original's: refused, and the passkey flagged.
    r = passwordless(server, twin.get(login_options(server)))
    assert r.status_code == 401 and "counter" in r.json()["detail"]
    # From then on not even the original is taken, until the owner removes the passkey.
    r = passwordless(server, device.get(login_options(server)))
    assert r.status_code == 401 and "clone" in r.json()["detail"]
    assert server.get("/api/webauthn/credentials/", token=access).json()[0]["flagged"] is True
    assert server.get("/api/mfa/", token=access).json()["passkeys"] == 0
    assert "access" in server.login("alice")  # a flagged passkey is no factor: one step again


def test_another_users_passkey_is_no_second_factor(server):
    alice_device, bob_device = Authenticator(ORIGIN), Authenticator(ORIGIN)
    assert enrol(server, server.login("alice")["access"], alice_device).status_code == 201
    assert enrol(server, server.login("bob")["access"], bob_device).status_code == 201
    mfa_token = password_step(server, "alice")["mfa_token"]
    request = mfa_options(server, mfa_token)
    r = second_step(server, mfa_token, bob_device.get(request, credential=bob_device.credentials[0]))
    assert r.status_code == 401 and r.json()["code"] == "mfa_invalid"
    assert "another account" in r.json()["detail"]
    # Wrong answers count against the mfa_token: five, and it is dead.
    for _ in range(4):
        r = second_step(server, mfa_token, bob_device.get(mfa_options(server, mfa_token),
                                                          credential=bob_device.credentials[0]))
        assert r.status_code == 401
    r = server.post("/api/token/mfa/webauthn/options/", json_body={"mfa_token": mfa_token})
    assert r.status_code == 401 and r.json()["code"] == "mfa_token_invalid"


def test_registration_refusals(server):
    access = server.login("alice")["access"]
    device = Authenticator(ORIGIN)
    assert enrol(server, access, device, origin="https://evil.example").status_code == 400
    assert enrol(server, access, device, rp_id="evil.example").status_code == 400
    # Bob's options, answered under Alice's name.
    bob = server.login("bob")["access"]
    options = server.post("/api/webauthn/register/options/", headers=bearer(bob), json_body={}).json()
    r = server.post("/api/webauthn/register/", headers=bearer(access),
                    json_body={"credential": device.create(options)})
    assert r.status_code == 400 and "another ceremony" in r.json()["credential"][0]
    # One credential, registered once.
    options = server.post("/api/webauthn/register/options/", headers=bearer(access), json_body={}).json()
    credential = device.create(options)
    assert server.post("/api/webauthn/register/", headers=bearer(access),
                       json_body={"credential": credential}).status_code == 201
    r = server.post("/api/webauthn/register/", headers=bearer(access), json_body={"credential": credential})
    assert r.status_code == 400 and "challenge" in r.json()["credential"][0]
    # Malformed input is a 400 naming the field; no token is a 401.
    for bad in ({}, {"credential": "x"}, {"credential": {"id": "@@"}}, {"credential": {"id": "AQ", "response": {}}}):
        r = server.post("/api/webauthn/register/", headers=bearer(access), json_body=bad)
        assert r.status_code == 400 and "credential" in r.json(), (bad, r.text)
    assert server.post("/api/webauthn/register/options/", json_body={}).status_code == 401
    r = server.post("/api/webauthn/login/", json_body={"credential": {"id": "AQ"}})
    assert r.status_code == 400 and "credential" in r.json()


def test_remove_a_passkey_and_an_administrators_reset(server, tmp_path):
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"], env=env,
                   cwd=tmp_path, check=True, capture_output=True)
    admin = server.login("root")["access"]
    alice = server.login("alice")["access"]
    device = Authenticator(ORIGIN)
    first = enrol(server, alice, device, name="One").json()
    second = enrol(server, alice, device, name="Two").json()
    assert "recovery_codes" not in second  # only the first factor brings codes
    bob = server.login("bob")["access"]
    r = requests.delete(server.url(f"/api/webauthn/credentials/{first['id']}/"), headers=bearer(bob), timeout=30)
    assert r.status_code == 404  # not Bob's
    r = requests.delete(server.url(f"/api/webauthn/credentials/{first['id']}/"), headers=bearer(alice), timeout=30)
    assert r.status_code == 204
    r = requests.delete(server.url(f"/api/webauthn/credentials/{first['id']}/"), headers=bearer(alice), timeout=30)
    assert r.status_code == 404
    assert [p["name"] for p in server.get("/api/webauthn/credentials/", token=alice).json()] == ["Two"]
    assert server.get("/api/admin/users/1/", token=admin).json()["mfa"]["passkeys"] == 1
    time.sleep(1.1)  # tokens carry whole seconds
    assert server.post("/api/admin/users/1/mfa/reset/", headers=bearer(admin)).status_code == 200
    assert server.get("/api/admin/users/1/", token=admin).json()["mfa"] == {
        "totp": False, "passkeys": 0, "recovery_codes_left": 0}
    assert server.get("/user_detail/", token=alice).status_code == 401  # sessions ended
    assert "access" in server.login("alice")
    r = passwordless(server, device.get(login_options(server), credential=device.credentials[1]))
    assert r.status_code == 401 and "not registered" in r.json()["detail"]


def test_recovery_codes_stay_while_a_factor_remains(server):
    import pyotp
    access = server.login("alice")["access"]
    device = Authenticator(ORIGIN)
    assert "recovery_codes" in enrol(server, access, device).json()
    totp = pyotp.parse_uri(server.post("/api/mfa/totp/", headers=bearer(access)).json()["otpauth_url"])
    codes = server.post("/api/mfa/totp/confirm/", headers=bearer(access), data={"code": totp.now()}).json()
    assert len(codes["recovery_codes"]) == 10
    body = password_step(server)
    assert body["methods"] == ["totp", "recovery_code", "webauthn"]
    r = requests.delete(server.url("/api/mfa/totp/"), headers=bearer(access), data={"password": STRONG_PASSWORD}, timeout=30)
    assert r.status_code == 204
    # The passkey remains, and the codes still back it up.
    assert server.get("/api/mfa/", token=access).json() == {"totp": False, "passkeys": 1, "recovery_codes_left": 10}
    r = second_step(server, password_step(server)["mfa_token"], None)
    assert r.status_code == 400  # a credential of null is no answer
    r = server.post("/api/token/mfa/", json_body={"mfa_token": password_step(server)["mfa_token"],
                                                 "code": codes["recovery_codes"][0]})
    assert r.status_code == 200, r.text
    passkey_id = server.get("/api/webauthn/credentials/", token=access).json()[0]["id"]
    r = requests.delete(server.url(f"/api/webauthn/credentials/{passkey_id}/"), headers=bearer(access), timeout=30)
    assert r.status_code == 204
    assert server.get("/api/mfa/", token=access).json() == {"totp": False, "passkeys": 0, "recovery_codes_left": 0}
    assert "access" in server.login("alice")


def test_ceremonies_span_instances(start_authd, tmp_path):
    db = tmp_path / "shared.db"
    first = start_authd(PASSKEY_ENV, db=db)
    second = start_authd(PASSKEY_ENV, db=db)
    first.register("alice")
    access = first.login("alice")["access"]
    device = Authenticator(ORIGIN)
    options = first.post("/api/webauthn/register/options/", headers=bearer(access), json_body={}).json()
    r = second.post("/api/webauthn/register/", headers=bearer(access),
                    json_body={"credential": device.create(options)})
    assert r.status_code == 201, r.text
    mfa_token = password_step(first)["mfa_token"]
    answer = device.get(mfa_options(first, mfa_token))
    assert second_step(second, mfa_token, answer).status_code == 200
    answer = device.get(login_options(second))
    assert passwordless(first, answer).status_code == 200
    assert passwordless(second, answer).status_code == 401  # spent on the other instance


def test_staff_can_enrol_a_passkey_with_their_mfa_token(start_authd, tmp_path):
    server = start_authd(dict(PASSKEY_ENV, AUTHD_MFA_REQUIRED_FOR_STAFF="true"))
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"], env=env,
                   cwd=tmp_path, check=True, capture_output=True)
    r = server.post("/api/token/", data={"username": "root", "password": STRONG_PASSWORD})
    assert r.json()["code"] == "mfa_enrollment_required"
    token = r.json()["mfa_token"]
    device = Authenticator(ORIGIN)
    options = server.post("/api/webauthn/register/options/", json_body={"mfa_token": token})
    assert options.status_code == 200, options.text
    r = server.post("/api/webauthn/register/", json_body={"mfa_token": token,
                                                          "credential": device.create(options.json())})
    assert r.status_code == 201, r.text
    # Enrolled: the mfa_token opens no more enrolment; a sign-in takes the passkey.
    assert server.post("/api/webauthn/register/options/", json_body={"mfa_token": token}).status_code == 401
    body = password_step(server, "root")
    assert second_step(server, body["mfa_token"], device.get(mfa_options(server, body["mfa_token"]))).status_code == 200


def test_without_an_origin_passkeys_are_off(start_authd):
    server = start_authd({})
    server.register("alice")
    access = server.login("alice")["access"]
    for path, headers in (("/api/webauthn/register/options/", bearer(access)),
                          ("/api/webauthn/login/options/", {}),
                          ("/api/webauthn/login/", {})):
        r = server.post(path, headers=headers, json_body={})
        assert r.status_code == 503 and "AUTHD_WEBAUTHN_ORIGINS" in r.json()["detail"], path
