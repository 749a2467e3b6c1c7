"""djangorestframework-simplejwt itself (Debian's 5.2.2), in process, as a Django service that
already verifies simplejwt tokens would use it."""
import time

import django
import pytest
from django.conf import settings

from conftest import SHARED_KEY as KEY  # noqa: E402

settings.configure(
    SECRET_KEY=KEY, USE_TZ=True,
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "rest_framework"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    SIMPLE_JWT={"SIGNING_KEY": KEY, "ALGORITHM": "HS256"},
)
django.setup()

from rest_framework_simplejwt.exceptions import TokenError  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken  # noqa: E402



def test_simplejwt_accepts_our_tokens(keyed_authd):
    pair = keyed_authd.login("alice")
    access = AccessToken(pair["access"])
    assert access["user_id"] == 1 and access["token_type"] == "access"
    refresh = RefreshToken(pair["refresh"])
    assert refresh["user_id"] == 1
    # simplejwt derives an access token from our refresh token, and we accept it.
    derived = str(refresh.access_token)
    assert keyed_authd.get("/user_detail/", token=derived).json()["username"] == "alice"
    with pytest.raises(TokenError):
        AccessToken(pair["refresh"])  # wrong type, as simplejwt sees it too


def test_we_accept_tokens_simplejwt_makes(keyed_authd):
    refresh = RefreshToken()
    refresh["user_id"] = 1
    assert keyed_authd.get("/user_detail/", token=str(refresh.access_token)).status_code == 200
    r = keyed_authd.post("/api/token/refresh/", data={"refresh": str(refresh)})
    assert r.status_code == 200
    assert AccessToken(r.json()["access"])["user_id"] == 1
    r = keyed_authd.post("/api/token/verify/", data={"token": str(refresh)})
    assert r.status_code == 200 and r.json() == {}
    assert int(time.time()) < refresh["exp"]
