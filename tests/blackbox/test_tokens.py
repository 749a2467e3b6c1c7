"""simplejwt's token views: obtain, refresh, verify; and what persists across restarts."""
import re
import statistics
import time

import jwt

from conftest import STRONG_PASSWORD, claims_of

KEY = "a-shared-signing-key-for-tests-0123456789"
NO_ACCOUNT = {"detail": "No active account found with the given credentials"}


def forge(payload, key=KEY, headers=None, algorithm="HS256"):
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def test_obtain_pair_has_simplejwt_shape(authd):
    authd.register("alice")
    r = authd.post("/api/token/", data={"username": "alice", "password": STRONG_PASSWORD})
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert list(body) == ["refresh", "access"]
    access, refresh = claims_of(body["access"]), claims_of(body["refresh"])
    assert list(access) == ["token_type", "exp", "iat", "jti", "user_id"]
    assert access["token_type"] == "access" and refresh["token_type"] == "refresh"
    assert access["exp"] - access["iat"] == 300
    assert refresh["exp"] - refresh["iat"] == 86400
    assert access["user_id"] == refresh["user_id"] == 1
    assert re.fullmatch(r"[0-9a-f]{32}", access["jti"]) and access["jti"] != refresh["jti"]
    assert body["access"].startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")


def test_wrong_unknown_and_inactive_credentials_get_one_answer(authd):
    authd.register("bob")
    authd.register("sleepy", is_active="false")
    for data in ({"username": "bob", "password": "wrong-password"},
                 {"username": "nobody", "password": STRONG_PASSWORD},
                 {"username": "sleepy", "password": STRONG_PASSWORD}):
        r = authd.post("/api/token/", data=data)
        assert r.status_code == 401
        assert r.json() == NO_ACCOUNT
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_obtain_requires_both_fields(authd):
    r = authd.post("/api/token/", data={})
    assert r.status_code == 400
    assert r.json() == {"username": ["This field is required."], "password": ["This field is required."]}


def test_refresh_accepts_refresh_and_refresh_token(authd):
    authd.register("carol")
    pair = authd.login("carol")
    for field in ("refresh", "refresh_token"):
        # The original README also sent username and password: ignored.
        r = authd.post("/api/token/refresh/", data={field: pair["refresh"], "username": "carol",
                                                   "password": "whatever"})
        assert r.status_code == 200, r.text
        assert list(r.json()) == ["access"]
        access = r.json()["access"]
        assert claims_of(access)["iat"] == claims_of(pair["refresh"])["iat"]
        assert authd.get("/user_detail/", token=access).json()["username"] == "carol"


def test_refresh_errors(authd):
    authd.register("dave")
    pair = authd.login("dave")
    r = authd.post("/api/token/refresh/", data={})
    assert r.status_code == 400 and r.json() == {"refresh": ["This field is required."]}
    r = authd.post("/api/token/refresh/", data={"refresh": ""})
    assert r.status_code == 400 and r.json() == {"refresh": ["This field may not be blank."]}
    r = authd.post("/api/token/refresh/", data={"refresh": pair["access"]})
    assert r.status_code == 401
    assert r.json() == {"detail": "Token has wrong type", "code": "token_not_valid"}
    r = authd.post("/api/token/refresh/", data={"refresh": "abc"})
    assert r.json() == {"detail": "Token is invalid", "code": "token_not_valid"}


def test_expired_tokens_say_so(start_authd):
    server = start_authd({"AUTHD_SIGNING_KEY": KEY})
    server.register("erin")
    now = int(time.time())
    old = forge({"token_type": "refresh", "exp": now - 1, "iat": now - 100, "jti": "a" * 32, "user_id": 1})
    r = server.post("/api/token/refresh/", data={"refresh": old})
    assert r.status_code == 401
    assert r.json() == {"detail": "Token is expired", "code": "token_not_valid"}


def test_refresh_is_refused_for_inactive_and_deleted_users(authd):
    authd.register("frank")
    authd.register("gina")
    frank, gina = authd.login("frank"), authd.login("gina")
    authd.sql("UPDATE users SET is_active = FALSE WHERE username = 'frank'")
    authd.sql("DELETE FROM users WHERE username = 'gina'")
    for pair in (frank, gina):
        r = authd.post("/api/token/refresh/", data={"refresh": pair["refresh"]})
        assert r.status_code == 401
        assert r.json() == {"detail": "No active account found for the given token.",
                            "code": "no_active_account"}


def test_verify(authd):
    authd.register("hank")
    pair = authd.login("hank")
    for token in (pair["access"], pair["refresh"]):
        r = authd.post("/api/token/verify/", data={"token": token})
        assert r.status_code == 200 and r.json() == {}
    r = authd.post("/api/token/verify/", data={"token": "abc"})
    assert r.status_code == 401
    assert r.json() == {"detail": "Token is invalid", "code": "token_not_valid"}
    r = authd.post("/api/token/verify/", json_body={})
    assert r.status_code == 400 and r.json() == {"token": ["This field is required."]}


def test_lifetimes_are_configurable(start_authd):
    server = start_authd({"AUTHD_ACCESS_TOKEN_LIFETIME": "60", "AUTHD_REFRESH_TOKEN_LIFETIME": "600"})
    server.register("ivy")
    pair = server.login("ivy")
    assert claims_of(pair["access"])["exp"] - claims_of(pair["access"])["iat"] == 60
    assert claims_of(pair["refresh"])["exp"] - claims_of(pair["refresh"])["iat"] == 600


def test_generated_signing_key_is_kept_across_restarts(start_authd, tmp_path):
    first = start_authd()
    first.register("jane")
    pair = first.login("jane")
    first.stop()
    again = start_authd(db=first.db)
    assert again.post("/api/token/verify/", data={"token": pair["access"]}).status_code == 200
    other = start_authd(db=tmp_path / "other.db")
    assert other.post("/api/token/verify/", data={"token": pair["access"]}).status_code == 401


def test_login_updates_last_login_and_rehashes_weaker_hashes(start_authd):
    weak = start_authd()  # FAST_HASHING: m=1024, t=1
    weak.register("kate")
    weak.stop()
    strong = start_authd({"AUTHD_ARGON2_MEMORY_KIB": "19456", "AUTHD_ARGON2_ITERATIONS": "2"}, db=weak.db)
    before = strong.sql("SELECT password FROM users")[0][0]
    assert before.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    strong.login("kate")
    after = strong.sql("SELECT password FROM users")[0][0]
    assert after.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    detail = strong.get("/user_detail/", token=strong.login("kate")["access"]).json()
    assert detail["last_login"] is not None


def test_unknown_users_take_as_long_as_wrong_passwords(start_authd):
    # Fourteen failures from one address would be throttled; timing is what is tested here.
    server = start_authd({"AUTHD_ARGON2_MEMORY_KIB": "19456", "AUTHD_ARGON2_ITERATIONS": "2",
                          "AUTHD_LOGIN_THROTTLE": "off"})
    server.register("lena")

    def seconds(username):
        t0 = time.perf_counter()
        r = server.post("/api/token/", data={"username": username, "password": "wrong-password"})
        assert r.status_code == 401
        return time.perf_counter() - t0

    server.post("/api/token/", data={"username": "nobody", "password": "warm-up"})
    # Interleaved, so a burst of load from elsewhere on a shared machine (a database
    # checkpoint, another test) falls on both sides alike instead of on one side's samples.
    samples = {"lena": [], "nobody": []}
    for _ in range(9):
        for username in samples:
            samples[username].append(seconds(username))
    wrong_password = statistics.median(samples["lena"])
    unknown_user = statistics.median(samples["nobody"])
    # Both pay for one Argon2id verification; without the dummy hash an unknown user would
    # answer in well under a tenth of the time.
    assert 0.5 < unknown_user / wrong_password < 2.0, (unknown_user, wrong_password)
