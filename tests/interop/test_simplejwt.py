"""djangorestframework-simplejwt itself (Debian's 5.2.2), in process, as a Django service that
already verifies simplejwt tokens would use it."""
import time

import django
import pytest
from django.conf import settings

KEY = "interop-shared-signing-key-0123456789abcdef"

settings.configure(
    SECRET_KEY=KEY, USE_TZ=True,
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "rest_framework"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    SIMPLE_JWT={"SIGNING_KEY": KEY, "ALGORITHM": "HS256"},
)
django.setup()

from rest_framework_simplejwt.exceptions import TokenError  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken  # noqa: E402


@pytest.fixture
def server(start_authd):
    s = start_authd({"AUTHD_SIGNING_KEY": KEY})
    s.register("alice")
    return s


def test_simplejwt_accepts_our_tokens(server):
    pair = server.login("alice")
    access = AccessToken(pair["access"])
    assert access["user_id"] == 1 and access["token_type"] == "access"
    refresh = RefreshToken(pair["refresh"])
    assert refresh["user_id"] == 1
    # simplejwt derives an access token from our refresh token, and we accept it.
    derived = str(refresh.access_token)
    assert server.get("/user_detail/", token=derived).json()["username"] == "alice"
    with pytest.raises(TokenError):
        AccessToken(pair["refresh"])  # wrong type, as simplejwt sees it too


def test_we_accept_tokens_simplejwt_makes(server):
    refresh = RefreshToken()
    refresh["user_id"] = 1
    assert server.get("/user_detail/", token=str(refresh.access_token)).status_code == 200
    r = server.post("/api/token/refresh/", data={"refresh": str(refresh)})
    assert r.status_code == 200
    assert AccessToken(r.json()["access"])["user_id"] == 1
    r = server.post("/api/token/verify/", data={"token": str(refresh)})
    assert r.status_code == 200 and r.json() == {}
    assert int(time.time()) < refresh["exp"]
