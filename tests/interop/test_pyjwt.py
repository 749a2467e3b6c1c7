"""PyJWT (Debian python3-jwt), an independent implementation, reads our tokens and we read its."""
import time

import jwt
import pytest

from conftest import SHARED_KEY as KEY


def test_pyjwt_verifies_our_tokens(keyed_authd):
    pair = keyed_authd.login("alice")
    assert jwt.get_unverified_header(pair["access"]) == {"alg": "HS256", "typ": "JWT"}
    for token, kind in ((pair["access"], "access"), (pair["refresh"], "refresh")):
        claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"require": ["exp", "iat", "jti"]})
        assert claims["token_type"] == kind and claims["user_id"] == 1
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(pair["access"], "some-other-key-0123456789abcdef0123", algorithms=["HS256"])


def test_we_accept_tokens_pyjwt_makes(keyed_authd):
    now = int(time.time())
    access = jwt.encode({"token_type": "access", "exp": now + 60, "iat": now, "jti": "c" * 32,
                         "user_id": 1}, KEY, algorithm="HS256")
    assert keyed_authd.get("/user_detail/", token=access).json()["username"] == "alice"
    refresh = jwt.encode({"token_type": "refresh", "exp": now + 60, "iat": now, "jti": "d" * 32,
                          "user_id": 1}, KEY, algorithm="HS256")
    r = keyed_authd.post("/api/token/refresh/", data={"refresh": refresh})
    assert r.status_code == 200
    assert jwt.decode(r.json()["access"], KEY, algorithms=["HS256"])["user_id"] == 1
