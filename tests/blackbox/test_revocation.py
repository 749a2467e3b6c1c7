"""Ending every session of a user (log out everywhere, a password change, a deactivation, an
administrator's revoke) refuses every token issued before it: refresh tokens authd never
recorded (a Django service's, sharing the key) and access tokens too."""
import base64
import hashlib
import hmac
import json
import subprocess
import time
import uuid

import pytest

from conftest import AUTHD_BIN, SHARED_KEY, STRONG_PASSWORD

BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def django_refresh(user_id, iat):
    """A refresh token as a Django service sharing SHARED_KEY issues it: never seen by authd."""
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps({"token_type": "refresh", "exp": iat + 86400, "iat": iat,
                              "jti": uuid.uuid4().hex, "user_id": user_id}).encode())
    signing_input = f"{header}.{payload}"
    sig = hmac.new(SHARED_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(sig)}"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def server(keyed_authd):
    """keyed_authd (alice, id 1) with a superuser, root, and its access token."""
    env = dict(keyed_authd.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    r = subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    keyed_authd.admin = keyed_authd.login("root")["access"]
    return keyed_authd


def end_everything(server, how, alice):
    if how == "revoke_all":
        r = server.post("/api/sessions/revoke_all/", headers=bearer(alice["access"]))
    elif how == "password_change":
        r = server.post("/api/password/change/", headers=bearer(alice["access"]),
                        data={"old_password": STRONG_PASSWORD, "new_password": "another-long-passphrase"})
    elif how == "admin_revoke":
        r = server.post("/api/admin/users/1/revoke/", headers=bearer(server.admin))
    else:  # deactivated, then reactivated: the old tokens must not come back to life
        import requests
        for active in (False, True):
            r = requests.patch(server.url("/api/admin/users/1/"), json={"is_active": active},
                               headers=bearer(server.admin), timeout=30)
            assert r.status_code == 200, r.text
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("how", ["revoke_all", "password_change", "admin_revoke", "deactivation"])
def test_every_earlier_token_dies_with_every_session(server, how):
    unrecorded = django_refresh(1, int(time.time()) - 5)
    alice = server.login("alice")
    time.sleep(1.1)  # tokens carry whole seconds: make the login's second an earlier one
    end_everything(server, how, alice)
    # Never presented before: authd had no record to revoke, and used to refresh it.
    r = server.post("/api/token/refresh/", data={"refresh": unrecorded})
    assert (r.status_code, r.json()) == (401, BLACKLISTED), r.text
    r = server.post("/api/token/verify/", data={"token": unrecorded})
    assert (r.status_code, r.json()) == (401, BLACKLISTED), r.text
    # The access token issued before it no longer authenticates, nor verifies.
    r = server.get("/user_detail/", token=alice["access"])
    assert r.status_code == 401 and r.json()["messages"][0]["message"] == "Token is blacklisted", r.text
    r = server.post("/api/token/verify/", data={"token": alice["access"]})
    assert (r.status_code, r.json()) == (401, BLACKLISTED), r.text
    # A new login, even within the same second, works.
    password = "another-long-passphrase" if how == "password_change" else STRONG_PASSWORD
    fresh = server.login("alice", password)
    assert server.get("/user_detail/", token=fresh["access"]).status_code == 200
    assert server.post("/api/token/refresh/", data={"refresh": fresh["refresh"]}).status_code == 200
    # Another user's tokens are untouched.
    assert server.get("/user_detail/", token=server.admin).status_code == 200


def test_unrecorded_tokens_issued_later_still_work(server):
    alice = server.login("alice")
    server.post("/api/sessions/revoke_all/", headers=bearer(alice["access"]))
    time.sleep(1.1)
    later = django_refresh(1, int(time.time()))
    assert server.post("/api/token/refresh/", data={"refresh": later}).status_code == 200
