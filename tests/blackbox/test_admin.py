"""The admin API over HTTP: permissions, DRF pagination and search, read, patch, delete,
revoke; createsuperuser's flags."""
import subprocess
import time

import pytest
import requests

from conftest import AUTHD_BIN, STRONG_PASSWORD

DENIED = {"detail": "You do not have permission to perform this action."}
BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(authd):
    """authd with a superuser made by `authd createsuperuser`, and its access token."""
    env = dict(authd.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    r = subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root",
                        "--email", "root@example.com"], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    authd.admin_token = authd.login("root")["access"]
    return authd


def test_superuser_flags_show_in_user_detail(admin):
    me = admin.get("/user_detail/", token=admin.admin_token).json()
    assert me["is_staff"] is True and me["is_superuser"] is True


def test_only_staff_and_superusers_may_enter(admin):
    admin.register("alice")
    alice = admin.login("alice")["access"]
    for method, path in [("GET", "/api/admin/users/"), ("GET", "/api/admin/users/1/"),
                         ("PATCH", "/api/admin/users/1/"), ("DELETE", "/api/admin/users/1/"),
                         ("POST", "/api/admin/users/1/revoke/"),
                         ("GET", "/api/admin/users/1/sessions/"), ("GET", "/api/admin/stats/")]:
        r = requests.request(method, admin.url(path), headers=bearer(alice))
        assert (r.status_code, r.json()) == (403, DENIED), (method, path)
        r = requests.request(method, admin.url(path))
        assert r.status_code == 401, (method, path)
    # Staff without superuser status may enter.
    admin.sql("UPDATE users SET is_staff = TRUE WHERE username = 'alice'")
    assert admin.get("/api/admin/users/", token=alice).status_code == 200


def test_lists_pages_drf_style(admin):
    for i in range(5):
        admin.register(f"user{i}", email=f"user{i}@example.com")
    r = admin.get("/api/admin/users/?page_size=2&search=user", token=admin.admin_token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 5
    assert body["previous"] is None
    assert body["next"] == f"http://127.0.0.1:{admin.port}/api/admin/users/?page=2&page_size=2&search=user"
    assert [u["username"] for u in body["results"]] == ["user0", "user1"]
    assert set(body["results"][0]) == {"id", "username", "email", "first_name", "last_name", "is_active",
                                       "is_staff", "is_superuser", "date_joined", "last_login"}
    assert "password" not in r.text

    page2 = requests.get(body["next"], headers=bearer(admin.admin_token)).json()
    assert [u["username"] for u in page2["results"]] == ["user2", "user3"]
    assert page2["previous"] == f"http://127.0.0.1:{admin.port}/api/admin/users/?page_size=2&search=user"
    page3 = requests.get(page2["next"], headers=bearer(admin.admin_token)).json()
    assert [u["username"] for u in page3["results"]] == ["user4"] and page3["next"] is None

    # DRF's ?page=last.
    last = admin.get("/api/admin/users/?page_size=2&search=user&page=last", token=admin.admin_token).json()
    assert [u["username"] for u in last["results"]] == ["user4"] and last["next"] is None
    assert last["previous"] == f"http://127.0.0.1:{admin.port}/api/admin/users/?page=2&page_size=2&search=user"
    r = admin.get("/api/admin/users/?page=9", token=admin.admin_token)
    assert (r.status_code, r.json()) == (404, {"detail": "Invalid page."})
    r = admin.get("/api/admin/users/?page=zero", token=admin.admin_token)
    assert (r.status_code, r.json()) == (404, {"detail": "Invalid page."})
    assert admin.get("/api/admin/users/", token=admin.admin_token).json()["count"] == 6


def test_links_follow_the_public_url_and_other_hosts_are_refused(start_authd):
    """Issue 14 item 12: with AUTHD_PUBLIC_URL a forged Host cannot steer the links authd hands
    out, and with AUTHD_ALLOWED_HOSTS a request naming another host is refused before any
    handler (Django's ALLOWED_HOSTS)."""
    server = start_authd({"AUTHD_PUBLIC_URL": "https://auth.example.com/idp/",
                          "AUTHD_ALLOWED_HOSTS": "auth.example.com,.internal.example,127.0.0.1"})
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    r = subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    token = server.login("root")["access"]
    for i in range(3):
        server.register(f"user{i}")
    for host in ["auth.example.com", "AUTH.example.com:8443", "node1.internal.example", f"127.0.0.1:{server.port}"]:
        r = server.get("/api/admin/users/?page_size=2", token=token, headers={"Host": host})
        assert r.status_code == 200, (host, r.text)
        assert r.json()["next"] == "https://auth.example.com/idp/api/admin/users/?page=2&page_size=2", host
    for host in ["evil.example", "auth.example.com.evil.example", "internal.example.evil", "auth.example.com:x"]:
        for method, path in [("GET", "/api/admin/users/?page_size=2"), ("POST", "/api/token/"), ("GET", "/healthz")]:
            r = requests.request(method, server.url(path), headers={"Host": host, **bearer(token)}, timeout=30)
            assert (r.status_code, r.json()) == (400, {"detail": "Invalid Host header."}), (host, method, path)
    # Both are checked where `serve` and `config` read them.
    for name, bad in [("AUTHD_ALLOWED_HOSTS", "https://auth.example.com"), ("AUTHD_ALLOWED_HOSTS", "auth.example.com:443"),
                      ("AUTHD_PUBLIC_URL", "auth.example.com"), ("AUTHD_PUBLIC_URL", "https://auth.example.com/?next=x"),
                      ("AUTHD_PUBLIC_URL", "https://user@auth.example.com")]:
        for command in ["config", "serve"]:
            r = subprocess.run([AUTHD_BIN, command], env=dict(server.env, **{name: bad}),
                               capture_output=True, text=True, timeout=30)
            assert r.returncode == 2 and name in r.stderr, (command, name, bad, r.stderr)


def test_without_a_public_url_links_follow_an_allowed_host(admin):
    admin.register("a")
    admin.register("b")
    r = admin.get("/api/admin/users/?page_size=1", token=admin.admin_token, headers={"Host": "id.example:81"})
    assert r.json()["next"] == "http://id.example:81/api/admin/users/?page=2&page_size=1"


def test_search_matches_username_and_email_case_insensitively(admin):
    admin.register("alice", email="alice@corp.example")
    admin.register("bob", email="bob@home.example")
    tok = admin.admin_token
    names = lambda q: [u["username"] for u in admin.get(f"/api/admin/users/?search={q}", token=tok).json()["results"]]
    assert names("CORP") == ["alice"]
    assert names("bo") == ["bob"]
    assert names("example+b") == ["bob"]  # every term must match
    assert names("%25") == []             # LIKE wildcards are literal
    assert names("nobody") == []


def test_get_patch_and_validation(admin):
    alice = admin.register("alice")
    url = admin.url(f"/api/admin/users/{alice['id']}/")
    h = bearer(admin.admin_token)
    r = requests.get(url, headers=h)
    assert r.status_code == 200 and r.json()["username"] == "alice"
    assert requests.get(admin.url("/api/admin/users/999/"), headers=h).json() == {"detail": "Not found."}
    assert requests.get(admin.url("/api/admin/users/abc/"), headers=h).status_code == 404

    r = requests.patch(url, json={"email": "not-an-email", "is_active": "maybe", "password": "short"}, headers=h)
    assert r.status_code == 400
    assert r.json() == {"email": ["Enter a valid email address."], "is_active": ["Must be a valid boolean."],
                        "password": ["This password is too short. It must contain at least 8 characters."]}

    r = requests.patch(url, json={"email": "alice@example.com", "first_name": "Alice", "is_staff": True,
                                  "username": "ignored"}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["email"], body["first_name"], body["is_staff"], body["username"]) == \
        ("alice@example.com", "Alice", True, "alice")
    assert requests.get(url, headers=h).json() == body


def test_an_email_set_by_an_administrator_is_unverified_unless_they_say_so(admin):
    alice = admin.register("alice", email="alice@example.com")
    admin.sql("UPDATE users SET email_verified = ? WHERE id = ?", (True, alice["id"]))
    url = admin.url(f"/api/admin/users/{alice['id']}/")
    h = bearer(admin.admin_token)
    access = admin.login("alice")["access"]
    assert admin.get("/api/me/", token=access).json()["email_verified"] is True
    assert requests.patch(url, json={"first_name": "A", "email": "alice@example.com"}, headers=h).status_code == 200
    assert admin.get("/api/me/", token=access).json()["email_verified"] is True  # the same address
    assert requests.patch(url, json={"email": "new@example.com"}, headers=h).status_code == 200
    assert admin.get("/api/me/", token=access).json()["email_verified"] is False
    r = requests.patch(url, json={"email": "other@example.com", "email_verified": True}, headers=h)
    assert r.status_code == 200
    assert admin.get("/api/me/", token=access).json()["email_verified"] is True


def test_deactivation_and_password_reset_end_sessions(admin):
    alice = admin.register("alice")
    pair = admin.login("alice")
    url = admin.url(f"/api/admin/users/{alice['id']}/")
    h = bearer(admin.admin_token)
    r = requests.patch(url, data={"password": "a-new-long-passphrase"}, headers=h)
    assert r.status_code == 200
    r = admin.post("/api/token/refresh/", data={"refresh": pair["refresh"]})
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    pair = admin.login("alice", "a-new-long-passphrase")

    r = requests.patch(url, data={"is_active": "false"}, headers=h)
    assert r.status_code == 200 and r.json()["is_active"] is False
    r = admin.post("/api/token/refresh/", data={"refresh": pair["refresh"]})
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    r = admin.get("/user_detail/", token=pair["access"])
    assert r.json()["code"] == "user_inactive"


def test_revoke_and_delete(admin):
    alice = admin.register("alice")
    pairs = [admin.login("alice") for _ in range(2)]
    time.sleep(1.1)  # tokens carry whole seconds: the logins' second is now an earlier one
    h = bearer(admin.admin_token)
    r = requests.post(admin.url(f"/api/admin/users/{alice['id']}/revoke/"), headers=h)
    assert (r.status_code, r.json()) == (200, {"revoked": 2})
    for p in pairs:
        assert admin.post("/api/token/refresh/", data={"refresh": p["refresh"]}).status_code == 401
    # The revoke moved alice's tokens_valid_after: her earlier access tokens end with it.
    r = admin.get("/user_detail/", token=pairs[0]["access"])
    assert r.status_code == 401 and r.json()["messages"][0]["message"] == "Token is blacklisted"

    r = requests.delete(admin.url(f"/api/admin/users/{alice['id']}/"), headers=h)
    assert r.status_code == 204 and r.content == b""
    assert admin.get("/user_detail/", token=pairs[0]["access"]).json()["code"] == "user_not_found"
    r = requests.delete(admin.url(f"/api/admin/users/{alice['id']}/"), headers=h)
    assert r.status_code == 404


def test_staff_cannot_manage_superusers_or_grant_staff(admin):
    admin.register("alice")
    admin.register("bob")
    admin.sql("UPDATE users SET is_staff = TRUE WHERE username = 'alice'")
    staff = bearer(admin.login("alice")["access"])
    root_id = admin.get("/user_detail/", token=admin.admin_token).json()["id"]
    bob_id = 3
    r = requests.patch(admin.url(f"/api/admin/users/{root_id}/"), json={"is_active": False}, headers=staff)
    assert (r.status_code, r.json()) == (403, DENIED)
    assert requests.delete(admin.url(f"/api/admin/users/{root_id}/"), headers=staff).status_code == 403
    r = requests.patch(admin.url(f"/api/admin/users/{bob_id}/"), json={"is_staff": True}, headers=staff)
    assert r.status_code == 403
    r = requests.patch(admin.url(f"/api/admin/users/{bob_id}/"), json={"first_name": "Bob"}, headers=staff)
    assert r.status_code == 200 and r.json()["first_name"] == "Bob"


def test_the_last_active_superuser_cannot_remove_itself(admin):
    refused = {"detail": "The last active superuser cannot be deleted, deactivated or demoted."}
    me = admin.get("/user_detail/", token=admin.admin_token).json()["id"]
    url = admin.url(f"/api/admin/users/{me}/")
    for change in ({"is_active": False}, {"is_staff": False}):
        r = requests.patch(url, json=change, headers=bearer(admin.admin_token))
        assert (r.status_code, r.json()) == (400, refused), change
    r = requests.delete(url, headers=bearer(admin.admin_token))
    assert (r.status_code, r.json()) == (400, refused)
    assert admin.get("/user_detail/", token=admin.admin_token).status_code == 200
    # With a second superuser, the first may go.
    admin.register("second")
    admin.sql("UPDATE users SET is_staff = TRUE, is_superuser = TRUE WHERE username = 'second'")
    assert requests.delete(url, headers=bearer(admin.admin_token)).status_code == 204


def test_sorts_users_by_the_ordering_asked_for(admin):
    for name in ("carol", "bob", "dave"):
        admin.register(name)
    admin.login("dave")
    time.sleep(1.1)
    admin.login("bob")
    names = lambda ordering: [u["username"] for u in admin.get(
        f"/api/admin/users/?ordering={ordering}", token=admin.admin_token).json()["results"]]
    assert names("username") == ["bob", "carol", "dave", "root"]
    assert names("-username") == ["root", "dave", "carol", "bob"]
    assert names("-id") == ["dave", "bob", "carol", "root"]
    assert names("-date_joined") == ["dave", "bob", "carol", "root"]
    # Latest sign-in first; those who never signed in (carol) last.
    assert names("-last_login") == ["bob", "dave", "root", "carol"]
    r = admin.get("/api/admin/users/?ordering=password", token=admin.admin_token)
    assert r.status_code == 400 and "ordering" in r.json()


def test_lists_a_users_sessions(admin):
    admin.register("alice")
    pair = admin.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD},
                      headers={"User-Agent": "phone/1"}).json()
    admin.login("alice")
    alice = admin.get("/api/admin/users/?search=alice", token=admin.admin_token).json()["results"][0]
    r = admin.get(f"/api/admin/users/{alice['id']}/sessions/", token=admin.admin_token)
    assert r.status_code == 200, r.text
    sessions = r.json()
    assert len(sessions) == 2 and {s["current"] for s in sessions} == {False}
    assert "phone/1" in [s["user_agent"] for s in sessions]
    admin.post(f"/api/admin/users/{alice['id']}/revoke/", headers=bearer(admin.admin_token))
    assert admin.get(f"/api/admin/users/{alice['id']}/sessions/", token=admin.admin_token).json() == []
    assert admin.get("/api/admin/users/999/sessions/", token=admin.admin_token).status_code == 404
    assert admin.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).status_code == 401


def test_stats_count_users_sessions_and_sign_ins(admin):
    admin.register("alice")
    admin.login("alice")
    for _ in range(2):
        admin.post("/api/token/", data={"username": "alice", "password": "wrong-password"})
    r = admin.get("/api/admin/stats/", token=admin.admin_token)
    assert r.status_code == 200, r.text
    stats = r.json()
    assert stats["users"] == 2
    assert stats["active_sessions"] == 2  # root's and alice's
    assert stats["sign_ins"]["last_24_hours"] == {"succeeded": 2, "failed": 2}
    assert stats["sign_ins"]["last_30_days"] == {"succeeded": 2, "failed": 2}
    daily = stats["sign_ins"]["daily"]
    assert len(daily) == 30
    assert daily[-1]["succeeded"] == 2 and sum(d["succeeded"] for d in daily) == 2
    assert daily[0]["start"] < daily[-1]["start"]
    assert stats["mail_backlog"] == 0 and stats["webhook_backlog"] == 0
