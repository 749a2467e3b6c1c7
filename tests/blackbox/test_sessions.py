"""The signed-in user's sessions (list, end one, end all) and password change over HTTP."""
import json

from conftest import STRONG_PASSWORD, claims_of

BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}
NEW_PASSWORD = "another-quite-long-passphrase"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def login_as(server, agent):
    r = server.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD},
                    headers={"User-Agent": agent})
    assert r.status_code == 200
    return r.json()


def test_lists_live_sessions_newest_first_with_current_marked(authd):
    authd.register("alice")
    phone = login_as(authd, "phone/1")
    laptop = login_as(authd, "laptop/2")
    ended = login_as(authd, "old/0")
    authd.post("/api/token/blacklist/", data={"refresh": ended["refresh"]})

    current = claims_of(laptop["refresh"])["jti"]
    r = authd.get(f"/api/sessions/?current={current}", token=laptop["access"])
    assert r.status_code == 200, r.text
    sessions = r.json()
    assert [s["user_agent"] for s in sessions] in (["laptop/2", "phone/1"], ["phone/1", "laptop/2"])
    by_agent = {s["user_agent"]: s for s in sessions}
    assert by_agent["laptop/2"]["current"] is True
    assert by_agent["phone/1"]["current"] is False
    s = by_agent["phone/1"]
    assert set(s) == {"jti", "issued_at", "last_used_at", "expires_at", "user_agent", "ip_address", "current"}
    assert s["jti"] == claims_of(phone["refresh"])["jti"]
    assert s["ip_address"] == "127.0.0.1"
    assert s["last_used_at"] is None
    assert s["issued_at"].endswith("Z") and s["expires_at"] > s["issued_at"]

    authd.post("/api/token/refresh/", data={"refresh": phone["refresh"]})
    s = {x["user_agent"]: x for x in authd.get("/api/sessions/", token=laptop["access"]).json()}
    assert s["phone/1"]["last_used_at"] is not None
    assert not any(x["current"] for x in s.values())


def test_sessions_need_a_valid_access_token(authd):
    authd.register("alice")
    pair = authd.login("alice")
    assert authd.get("/api/sessions/").status_code == 401
    assert authd.get("/api/sessions/", token=pair["refresh"]).status_code == 401
    r = authd.post("/api/sessions/revoke_all/")
    assert r.status_code == 401
    r = authd.post("/api/sessions/", data={})
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_ending_one_session(authd):
    authd.register("alice")
    authd.register("bob")
    a = authd.login("alice")
    b = authd.login("alice")
    bob = authd.login("bob")
    jti = claims_of(a["refresh"])["jti"]

    # Someone else's session is not found for bob, and stays.
    import requests
    r = requests.delete(authd.url(f"/api/sessions/{jti}/"), headers=bearer(bob["access"]))
    assert (r.status_code, r.json()) == (404, {"detail": "Not found."})

    r = requests.delete(authd.url(f"/api/sessions/{jti}/"), headers=bearer(b["access"]))
    assert r.status_code == 204 and r.content == b""
    r = authd.post("/api/token/refresh/", data={"refresh": a["refresh"]})
    assert (r.status_code, r.json()) == (401, BLACKLISTED)
    assert authd.post("/api/token/refresh/", data={"refresh": b["refresh"]}).status_code == 200
    r = requests.delete(authd.url(f"/api/sessions/{jti}/"), headers=bearer(b["access"]))
    assert r.status_code == 404


def test_revoke_all_logs_out_everywhere(authd):
    authd.register("alice")
    pairs = [authd.login("alice") for _ in range(3)]
    r = authd.post("/api/sessions/revoke_all/", headers=bearer(pairs[0]["access"]))
    assert (r.status_code, r.json()) == (200, {"revoked": 3})
    for p in pairs:
        r = authd.post("/api/token/refresh/", data={"refresh": p["refresh"]})
        assert (r.status_code, r.json()) == (401, BLACKLISTED)
    # Nothing of them is left: a new login's list holds that login alone. (The old access
    # tokens end too once their second has passed: test_revocation.py.)
    fresh = authd.login("alice")
    listed = authd.get("/api/sessions/", token=fresh["access"]).json()
    assert [s["jti"] for s in listed] == [claims_of(fresh["refresh"])["jti"]]


def test_password_change(authd):
    authd.register("alice")
    pair = authd.login("alice")
    other = authd.login("alice")
    h = bearer(pair["access"])

    r = authd.post("/api/password/change/", data={}, headers=h)
    assert (r.status_code, r.json()) == (400, {"old_password": ["This field is required."],
                                               "new_password": ["This field is required."]})
    r = authd.post("/api/password/change/", data={"old_password": "wrong", "new_password": NEW_PASSWORD}, headers=h)
    assert (r.status_code, r.json()) == (400, {"old_password": [
        "Your old password was entered incorrectly. Please enter it again."]})
    r = authd.post("/api/password/change/", data={"old_password": STRONG_PASSWORD, "new_password": "password"},
                   headers=h)
    assert r.status_code == 400
    assert r.json() == {"new_password": ["This password is too common."]}
    assert authd.post("/api/password/change/", data={"old_password": STRONG_PASSWORD,
                                                     "new_password": NEW_PASSWORD}).status_code == 401

    r = authd.post("/api/password/change/", json_body={"old_password": STRONG_PASSWORD,
                                                       "new_password": NEW_PASSWORD}, headers=h)
    assert (r.status_code, r.json()) == (200, {"detail": "New password has been saved."})
    # Every session of the user ended; the old password no longer works; the new one does.
    for p in (pair, other):
        r = authd.post("/api/token/refresh/", data={"refresh": p["refresh"]})
        assert (r.status_code, r.json()) == (401, BLACKLISTED)
    assert authd.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD}).status_code == 401
    assert authd.login("alice", NEW_PASSWORD)["access"]


def test_inactive_and_deleted_users_are_refused(authd):
    authd.register("alice")
    pair = authd.login("alice")
    authd.sql("UPDATE users SET is_active = FALSE WHERE username = 'alice'")
    r = authd.get("/api/sessions/", token=pair["access"])
    assert (r.status_code, r.json()) == (401, {"detail": "User is inactive", "code": "user_inactive"})
    r = authd.post("/api/token/refresh/", data={"refresh": pair["refresh"]})
    assert r.json() == {"detail": "No active account found for the given token.", "code": "no_active_account"}
    authd.sql("DELETE FROM users WHERE username = 'alice'")
    r = authd.get("/user_detail/", token=pair["access"])
    assert (r.status_code, r.json()) == (401, {"detail": "User not found", "code": "user_not_found"})
    r = authd.post("/api/token/refresh/", data={"refresh": pair["refresh"]})
    assert r.status_code == 401 and r.json()["code"] == "no_active_account"


def raw_request(server, head):
    """Sends raw head bytes (anything: raw non-ASCII too); (status, body bytes)."""
    import socket
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(head)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head_end = data.index(b"\r\n\r\n")
    return int(data.split(b" ", 2)[1]), data[head_end + 4:]


def test_user_agents_are_stored_as_valid_utf8(authd):
    # A 513-byte UTF-8 User-Agent used to be cut mid-character, and raw bytes stored as they
    # came: the session list was invalid UTF-8 JSON on SQLite, and the login a 500 on
    # PostgreSQL after the password was accepted.
    authd.register("alice")
    agents = [("x" * 511 + "é").encode(), b"curl/8 \xff\xfe raw", "ü".encode() * 300]
    for agent in agents:
        body = f"username=alice&password={STRONG_PASSWORD}".encode()
        status, answer = raw_request(authd, b"POST /api/token/ HTTP/1.1\r\nHost: x\r\n"
                                     b"User-Agent: " + agent + b"\r\nConnection: close\r\n"
                                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        assert status == 200, answer
    access = json.loads(answer)["access"]
    status, listing = raw_request(authd, b"GET /api/sessions/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                  b"Authorization: Bearer " + access.encode() + b"\r\n\r\n")
    assert status == 200
    stored = {s["user_agent"] for s in json.loads(listing.decode("utf-8"))}  # strict decode
    assert "x" * 511 in stored                      # cut before the character, not inside it
    assert "curl/8 \ufffd\ufffd raw" in stored      # raw bytes replaced
    assert "ü" * 256 in stored                      # 512 bytes of two-byte characters
    assert all(len(a.encode()) <= 512 for a in stored)


def test_a_path_that_is_not_utf8_is_refused_before_any_store(authd):
    authd.register("alice")
    access = authd.login("alice")["access"]
    for target in (b"/api/sessions/\xff/", b"/api/admin/users/\xc3/", b"/api/sessions/?current=\xff"):
        method = b"GET" if b"?" in target else b"DELETE"
        status, body = raw_request(authd, method + b" " + target + b" HTTP/1.1\r\nHost: x\r\n"
                                   b"Connection: close\r\nAuthorization: Bearer " + access.encode() + b"\r\n\r\n")
        assert status == 400, (target, status, body)
        assert json.loads(body) == {"detail": "The request target is not valid UTF-8."}
    assert authd.get("/api/sessions/", token=access).status_code == 200
