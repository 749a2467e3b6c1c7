"""The original system (../shared/peers/django_seed, gunicorn + Django + simplejwt) beside authd:
tokens cross both ways, and the same requests get the same answers where the original is right."""
import pytest
import requests

from conftest import PEER_DIR, SHARED_KEY as KEY, STRONG_PASSWORD

pytestmark = pytest.mark.skipif(not (PEER_DIR / "run.sh").exists(),
                                reason=f"the original system is not at {PEER_DIR}")


@pytest.fixture
def peer(start_peer):
    return start_peer()


@pytest.fixture
def ours(start_authd):
    return start_authd({"AUTHD_SIGNING_KEY": KEY})


def register_both(peer, ours, username):
    r = requests.post(peer + "/register/", data={"username": username, "password": STRONG_PASSWORD,
                                                "is_active": "true"})
    assert r.status_code == 201, r.text
    ours.register(username)
    assert r.json()["id"] == 1  # the same id on both sides, so user_id claims line up


def test_the_original_accepts_our_tokens(peer, ours):
    register_both(peer, ours, "alice")
    pair = ours.login("alice")
    for token in pair.values():
        r = requests.post(peer + "/api/token/verify/", data={"token": token})
        assert r.status_code == 200 and r.json() == {}
    r = requests.get(peer + "/user_detail/", headers={"Authorization": f"Bearer {pair['access']}"})
    assert r.status_code == 200 and r.json()["username"] == "alice"
    r = requests.post(peer + "/api/token/refresh/", data={"refresh": pair["refresh"]})
    assert r.status_code == 200
    assert ours.get("/user_detail/", token=r.json()["access"]).json()["username"] == "alice"


def test_we_accept_the_originals_tokens(peer, ours):
    register_both(peer, ours, "bob")
    pair = requests.post(peer + "/api/token/", data={"username": "bob", "password": STRONG_PASSWORD}).json()
    for token in pair.values():
        r = ours.post("/api/token/verify/", data={"token": token})
        assert r.status_code == 200 and r.json() == {}
    assert ours.get("/user_detail/", token=pair["access"]).json()["username"] == "bob"
    assert ours.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).status_code == 200


def test_same_requests_same_answers(peer, ours):
    register_both(peer, ours, "carol")
    peer_pair = requests.post(peer + "/api/token/", data={"username": "carol", "password": STRONG_PASSWORD}).json()
    json_type = {"Content-Type": "application/json"}
    cases = [
        ("POST", "/api/token/", {}, {}),
        ("POST", "/api/token/", {"username": "carol", "password": "wrong"}, {}),
        ("POST", "/api/token/", {"username": "", "password": ""}, {}),
        ("POST", "/register/", {"username": "carol", "password": STRONG_PASSWORD}, {}),
        ("POST", "/register/", {"password": STRONG_PASSWORD}, {}),
        ("POST", "/register/", {"username": "a b!", "password": STRONG_PASSWORD}, {}),
        ("POST", "/register/", '{"username": 5, "password": true, "is_active": "maybe"}', json_type),
        ("POST", "/register/", "x", {"Content-Type": "text/plain"}),
        ("GET", "/register/", None, {}),
        ("GET", "/user_detail/", None, {}),
        ("GET", "/user_detail/", None, {"Authorization": "Bearer"}),
        ("GET", "/user_detail/", None, {"Authorization": "Basic YTpi"}),
        ("GET", "/user_detail/", None, {"Authorization": f"Bearer {peer_pair['refresh']}"}),
        ("POST", "/api/token/refresh/", {}, {}),
        ("POST", "/api/token/refresh/", {"refresh": ""}, {}),
        ("POST", "/api/token/refresh/", {"refresh": peer_pair["access"]}, {}),
        ("POST", "/api/token/verify/", {}, {}),
    ]
    for method, path, data, headers in cases:
        theirs = requests.request(method, peer + path, data=data, headers=headers)
        mine = requests.request(method, ours.url(path), data=data, headers=headers)
        label = f"{method} {path} {data!r} {headers!r}"
        assert mine.status_code == theirs.status_code, label
        assert mine.json() == theirs.json(), label
        for header in ("WWW-Authenticate", "Allow"):
            assert mine.headers.get(header) == theirs.headers.get(header), (label, header)


def test_blacklist_answers_like_the_original(peer, ours):
    register_both(peer, ours, "dave")

    def steps(base):
        pair = requests.post(base + "/api/token/", data={"username": "dave", "password": STRONG_PASSWORD}).json()
        out = []
        for path, data in [("/api/token/blacklist/", {}),
                           ("/api/token/blacklist/", {"refresh": pair["access"]}),
                           ("/api/token/blacklist/", {"refresh": pair["refresh"]}),
                           ("/api/token/refresh/", {"refresh": pair["refresh"]}),
                           ("/api/token/blacklist/", {"refresh": pair["refresh"]})]:
            r = requests.post(base + path, data=data)
            out.append((path, r.status_code, r.json()))
        return out

    assert steps(ours.url("")) == steps(peer)
