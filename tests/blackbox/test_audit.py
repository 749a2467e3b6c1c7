"""Issue 18, the audit log: events made by real actions, read back through the admin API, the
account's own history and `authd events`; filters and cursor pages; retention; one JSON log
line per event; and no secret in any stored event. On SQLite and PostgreSQL."""
import json
import subprocess
import time

import pyotp
import requests

from conftest import AUTHD_BIN, SHARED_KEY, STRONG_PASSWORD


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def make_admin(server, tmp_path):
    env = dict(server.env, AUTHD_SUPERUSER_PASSWORD=STRONG_PASSWORD)
    subprocess.run([AUTHD_BIN, "createsuperuser", "--noinput", "--username", "root"], env=env,
                   cwd=tmp_path, check=True, capture_output=True)
    return server.login("root")["access"]


def events(server, token, path="/api/admin/events/", **params):
    r = server.get(path, token=token, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def types_of(page):
    return [e["type"] for e in page["results"]]


def test_actions_are_recorded_and_read_back(start_authd, tmp_path):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_LOG_FORMAT": "json"})
    admin = make_admin(server, tmp_path)
    alice_id = server.register("alice", email="alice@example.com")["id"]
    headers = {"User-Agent": "audit-test/1", "X-Request-ID": "req-audit-1"}
    r = server.post("/api/token/", data={"username": "alice", "password": "wrong-password"}, headers=headers)
    assert r.status_code == 401
    server.post("/api/token/", data={"username": "nobody", "password": "wrong-password"})
    pair = server.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD}).json()
    access = pair["access"]
    new_password = STRONG_PASSWORD + "-2"
    r = server.post("/api/password/change/", headers=bearer(access),
                    data={"old_password": STRONG_PASSWORD, "new_password": new_password})
    assert r.status_code == 200
    time.sleep(1.1)  # the change ended every session, to the second
    pair = server.login("alice", new_password)
    assert server.post("/api/token/blacklist/", data={"refresh": pair["refresh"]}).status_code == 200
    pair = server.login("alice", new_password)
    access = pair["access"]
    assert server.post("/api/sessions/revoke_all/", headers=bearer(access)).status_code == 200
    time.sleep(1.1)  # tokens carry whole seconds
    access = server.login("alice", new_password)["access"]
    totp = pyotp.parse_uri(server.post("/api/mfa/totp/", headers=bearer(access)).json()["otpauth_url"])
    codes = server.post("/api/mfa/totp/confirm/", headers=bearer(access), data={"code": totp.now()}).json()
    r = server.post("/api/token/", data={"username": "alice", "password": new_password})
    token = r.json()["mfa_token"]
    assert server.post("/api/token/mfa/", data={"mfa_token": token, "code": "000000"}).status_code == 401
    r = server.post("/api/token/mfa/", data={"mfa_token": token, "code": codes["recovery_codes"][0]})
    assert r.status_code == 200, r.text
    assert server.post("/api/mfa/recovery-codes/", headers=bearer(access),
                       data={"code": totp.at(time.time() + 30)}).status_code == 200
    r = requests.delete(server.url("/api/mfa/totp/"), headers=bearer(access),
                        data={"password": new_password}, timeout=30)
    assert r.status_code == 204
    assert server.request_patch(f"/api/admin/users/{alice_id}/", admin, {"first_name": "Al"}).status_code == 200
    assert server.post(f"/api/admin/users/{alice_id}/revoke/", headers=bearer(admin)).status_code == 200
    assert server.post(f"/api/admin/users/{alice_id}/mfa/reset/", headers=bearer(admin)).status_code == 200

    time.sleep(1.1)  # the admin ended Alice's sessions; a token of a later second is hers again
    access = server.login("alice", new_password)["access"]
    mine = [e["type"] for e in reversed(events(server, access, "/api/me/events/", page_size=200)["results"])]
    expected = ["user.registered", "login.failed", "login.succeeded", "password.changed", "login.succeeded",
                "logout", "login.succeeded", "session.revoked_all", "login.succeeded", "mfa.totp_enabled",
                "login.failed", "mfa.recovery_code_used", "mfa.challenge_passed", "login.succeeded",
                "mfa.recovery_codes_regenerated", "mfa.totp_disabled", "admin.user_updated",
                "admin.sessions_revoked", "admin.mfa_reset", "login.succeeded"]
    assert mine == expected

    everything = events(server, admin, page_size=200)["results"]
    failed = [e for e in everything if e["type"] == "login.failed"]
    # The unknown name is recorded without a subject and without the name typed.
    assert {(e["user_id"], e["details"]["reason"], e["outcome"]) for e in failed} == {
        (alice_id, "bad_credentials", "failure"), (None, "bad_credentials", "failure"),
        (alice_id, "mfa_failed", "failure")}
    first_failure = next(e for e in failed if e["request_id"] == "req-audit-1")
    assert first_failure["user_agent"] == "audit-test/1" and first_failure["client_address"] == "127.0.0.1"
    assert "nobody" not in json.dumps(everything)
    registered = next(e for e in everything if e["type"] == "user.registered")
    assert registered["details"] == {"username": "alice", "email": "alice@example.com", "is_active": True}
    assert registered["actor"] == "anonymous"
    updated = next(e for e in everything if e["type"] == "admin.user_updated")
    assert updated["details"]["fields"] == ["first_name"]
    su = next(e for e in everything if e["type"] == "cli.superuser_created")
    assert su["actor"] == "cli" and su["details"]["username"] == "root"
    assert updated["actor"] == str(su["user_id"])
    methods = [e["details"]["method"] for e in everything if e["type"] == "login.succeeded" and e["user_id"] == alice_id]
    assert "password+recovery_code" in methods and "password" in methods

    # Every event is also one JSON log line.
    time.sleep(0.3)  # log lines are written in batches, at least every 100 ms
    lines = [json.loads(l) for l in server.log().splitlines() if l.startswith("{") and '"event":"audit"' in l]
    # All but cli.superuser_created, which is in the command's own log.
    assert sorted(l["type"] for l in lines) == sorted(e["type"] for e in everything if e["actor"] != "cli")

    # No secret anywhere in the stored events.
    stored = json.dumps(server.sql("SELECT * FROM events"))
    for secret in [STRONG_PASSWORD, new_password, pair["refresh"], pair["access"], token, totp.secret,
                   codes["recovery_codes"][0], codes["recovery_codes"][1], "argon2"]:
        assert secret not in stored


def test_filters_cursor_pages_and_the_command_line(start_authd, tmp_path):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_LOGIN_FREE_ATTEMPTS": "10"})
    admin = make_admin(server, tmp_path)
    bob = server.register("bob")["id"]
    for _ in range(5):
        server.post("/api/token/", data={"username": "bob", "password": "wrong-password"})
    page = events(server, admin, user=bob, type="login.failed", page_size=2)
    assert len(page["results"]) == 2 and page["next"]
    seen = [e["id"] for e in page["results"]]
    while page["next"]:
        page = events(server, admin, user=bob, type="login.failed", page_size=2, cursor=page["next"])
        seen += [e["id"] for e in page["results"]]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    # Failed sign-ins are by someone unproven, not by the account's owner.
    assert types_of(events(server, admin, user=bob, actor="anonymous")) == ["login.failed"] * 5 + ["user.registered"]
    assert types_of(events(server, admin, actor=str(bob))) == []
    assert events(server, admin, since="2999-01-01")["results"] == []
    assert len(events(server, admin, until="2999-01-01T00:00:00Z", page_size=200)["results"]) == 8
    for bad in ({"since": "yesterday"}, {"cursor": "x"}, {"user": "-1"}, {"page_size": "0"}):
        r = server.get("/api/admin/events/", token=admin, params=bad)
        assert r.status_code == 400 and list(bad)[0] in r.json(), (bad, r.text)
    # Staff only; a user sees only their own, whatever they ask for.
    bob_access = server.post("/api/token/", data={"username": "bob", "password": STRONG_PASSWORD}).json()["access"]
    assert server.get("/api/admin/events/", token=bob_access).status_code == 403
    assert server.get("/api/admin/events/").status_code == 401
    own = events(server, bob_access, "/api/me/events/", user=1, page_size=200)["results"]
    assert {e["user_id"] for e in own} == {bob}

    r = subprocess.run([AUTHD_BIN, "events", "--user", str(bob), "--type", "login.failed", "--limit", "3"],
                       env=server.env, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    printed = [json.loads(l) for l in r.stdout.splitlines()]
    assert len(printed) == 3 and all(e["type"] == "login.failed" and e["user_id"] == bob for e in printed)
    r = subprocess.run([AUTHD_BIN, "events", "--since", "last week"], env=server.env, cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--since" in r.stderr


def test_events_outlive_their_user_and_age_out(start_authd, tmp_path):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_AUDIT_RETENTION_DAYS": "30"})
    admin = make_admin(server, tmp_path)
    carol = server.register("carol", email="carol@example.com")["id"]
    r = requests.delete(server.url(f"/api/admin/users/{carol}/"), headers=bearer(admin), timeout=30)
    assert r.status_code == 204
    left = events(server, admin, user=carol)["results"]
    assert types_of({"results": left}) == ["admin.user_deleted", "user.registered"]
    assert left[0]["details"] == {"username": "carol", "email": "carol@example.com"}
    # Older than the retention: pruned by flushexpiredtokens (and by the server's pruner).
    server.sql("UPDATE events SET time = time - ? WHERE type = 'user.registered'", (31 * 86400 * 10**6,))
    r = subprocess.run([AUTHD_BIN, "flushexpiredtokens"], env=server.env, cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert types_of(events(server, admin, user=carol)) == ["admin.user_deleted"]


def test_token_reuse_is_recorded(start_authd, tmp_path):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_ROTATE_REFRESH_TOKENS": "true",
                          "AUTHD_ROTATION_GRACE_SECONDS": "0"})
    admin = make_admin(server, tmp_path)
    dave = server.register("dave")["id"]
    first = server.login("dave")["refresh"]
    second = server.post("/api/token/refresh/", data={"refresh": first}).json()["refresh"]
    assert second != first
    r = server.post("/api/token/refresh/", data={"refresh": first}, headers={"User-Agent": "thief/1"})
    assert r.status_code == 401
    reuse = events(server, admin, user=dave, type="token.reuse_detected")["results"]
    assert len(reuse) == 1
    assert (reuse[0]["outcome"], reuse[0]["actor"], reuse[0]["user_agent"]) == ("failure", "anonymous", "thief/1")
    assert reuse[0]["details"]["revoked"] >= 1
    # The family is dead: its newest token too; refused, and no second reuse event is owed.
    assert server.post("/api/token/refresh/", data={"refresh": second}).status_code == 401
    assert len(events(server, admin, user=dave, type="token.reuse_detected")["results"]) == 1


def test_throttled_sign_ins_are_recorded_once_a_minute_per_address(start_authd, tmp_path):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_LOGIN_FREE_ATTEMPTS": "1",
                          "AUTHD_LOGIN_BACKOFF_BASE": "60"})
    admin = make_admin(server, tmp_path)
    server.register("erin")
    statuses = [server.post("/api/token/", data={"username": "erin", "password": "wrong-password"}).status_code
                for _ in range(8)]
    assert statuses.count(429) >= 6, statuses
    reasons = [e["details"]["reason"] for e in events(server, admin, type="login.failed", page_size=200)["results"]]
    # Every refusal that cost a hash is recorded; of the throttled ones, the first.
    assert reasons.count("throttled") == 1 and reasons.count("bad_credentials") == statuses.count(401)
