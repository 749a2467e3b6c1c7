"""GET /user_detail/ and JWTAuthentication's answers, including hostile tokens."""
import time

import jwt

from conftest import claims_of

KEY = "a-shared-signing-key-for-tests-0123456789"
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}
TWO_VALUES = {"detail": "Authorization header must contain two space-delimited values",
              "code": "bad_authorization_header"}


def invalid(message):
    return {"detail": "Given token not valid for any token type", "code": "token_not_valid",
            "messages": [{"token_class": "AccessToken", "token_type": "access", "message": message}]}


def access_claims(**overrides):
    now = int(time.time())
    claims = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "b" * 32, "user_id": 1}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def test_user_detail_answers_the_users_fields(authd):
    authd.register("alice", email="alice@example.com", first_name="Al")
    pair = authd.login("alice")
    r = authd.get("/user_detail/", token=pair["access"])
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["id", "username", "email", "first_name", "last_name", "is_active",
                          "is_staff", "is_superuser", "date_joined", "last_login"]
    assert body["username"] == "alice" and body["email"] == "alice@example.com"
    assert body["is_staff"] is False and body["is_superuser"] is False
    assert body["date_joined"].endswith("Z") and body["last_login"].endswith("Z")
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_missing_or_foreign_credentials(authd):
    for headers in ({}, {"Authorization": "Basic YTpi"}, {"Authorization": ""}):
        r = authd.get("/user_detail/", headers=headers)
        assert r.status_code == 401 and r.json() == NOT_PROVIDED
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    for value in ("Bearer", "Bearer a b"):
        r = authd.get("/user_detail/", headers={"Authorization": value})
        assert r.status_code == 401 and r.json() == TWO_VALUES


def test_refresh_and_garbage_tokens(authd):
    authd.register("bob")
    pair = authd.login("bob")
    r = authd.get("/user_detail/", token=pair["refresh"])
    assert r.status_code == 401 and r.json() == invalid("Token has wrong type")
    for garbage in ("abc", "a.b.c", pair["access"] + "x", pair["access"][:-2], "\u00e9.\u00e9.\u00e9"):
        r = authd.get("/user_detail/", headers={"Authorization": f"Bearer {garbage}".encode()})
        assert r.status_code == 401, garbage
        assert r.json() == invalid("Token is invalid")


def test_deleted_and_inactive_users_are_refused_at_once(authd):
    authd.register("carol")
    authd.register("dave")
    carol, dave = authd.login("carol"), authd.login("dave")
    authd.sql("UPDATE users SET is_active = FALSE WHERE username = 'carol'")
    authd.sql("DELETE FROM users WHERE username = 'dave'")
    r = authd.get("/user_detail/", token=carol["access"])
    assert r.status_code == 401 and r.json() == {"detail": "User is inactive", "code": "user_inactive"}
    r = authd.get("/user_detail/", token=dave["access"])
    assert r.status_code == 401 and r.json() == {"detail": "User not found", "code": "user_not_found"}


def test_hostile_tokens_get_clean_401s(start_authd):
    server = start_authd({"AUTHD_SIGNING_KEY": KEY})
    server.register("eve")
    good = jwt.encode(access_claims(), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=good).status_code == 200

    cases = {
        "alg none": jwt.encode(access_claims(), None, algorithm="none"),
        "HS512": jwt.encode(access_claims(), KEY, algorithm="HS512"),
        "unknown crit": jwt.encode(access_claims(), KEY, algorithm="HS256",
                                   headers={"crit": ["exp"], "exp": 1}),
        "embedded jwk": jwt.encode(access_claims(), KEY, algorithm="HS256", headers={"jwk": {"kty": "oct"}}),
        "jku": jwt.encode(access_claims(), KEY, algorithm="HS256", headers={"jku": "http://127.0.0.1/k"}),
        "wrong key": jwt.encode(access_claims(), "another-key-entirely-0123456789abcdef", algorithm="HS256"),
        "string exp": jwt.encode(access_claims(exp="soon"), KEY, algorithm="HS256"),
        "bool exp": jwt.encode(access_claims(exp=True), KEY, algorithm="HS256"),
        "huge exp": jwt.encode(access_claims(exp=10**30), KEY, algorithm="HS256"),
        "future nbf": jwt.encode(access_claims(nbf=int(time.time()) + 3600), KEY, algorithm="HS256"),
        "list jti": jwt.encode(access_claims(jti=["x"]), KEY, algorithm="HS256"),
    }
    for name, token in cases.items():
        r = server.get("/user_detail/", token=token)
        assert r.status_code == 401, name
        assert r.json() == invalid("Token is invalid"), name

    expired = jwt.encode(access_claims(exp=int(time.time()) - 1), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=expired).json() == invalid("Token is expired")
    no_exp = jwt.encode(access_claims(exp=None), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=no_exp).json() == invalid("Token has no 'exp' claim")
    no_jti = jwt.encode(access_claims(jti=None), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=no_jti).json() == invalid("Token has no id")
    no_type = jwt.encode(access_claims(token_type=None), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=no_type).json() == invalid("Token has no type")
    no_user = jwt.encode(access_claims(user_id=None), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=no_user).json() == {
        "detail": "Token contained no recognizable user identification", "code": "token_not_valid"}
    bad_user = jwt.encode(access_claims(user_id="not-a-number"), KEY, algorithm="HS256")
    assert server.get("/user_detail/", token=bad_user).status_code == 401
    # And it still serves normally afterwards.
    assert server.get("/user_detail/", token=good).status_code == 200


def test_head_and_options(authd):
    authd.register("fay")
    token = authd.login("fay")["access"]
    import requests
    r = requests.head(authd.url("/user_detail/"), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.text == "" and int(r.headers["Content-Length"]) > 0
    r = requests.options(authd.url("/api/token/"))
    assert r.status_code == 200 and r.headers["Allow"] == "POST, OPTIONS"
    assert claims_of(token)["user_id"] == 1
