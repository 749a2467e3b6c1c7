"""Hostile input: every case gets a clean 4xx JSON answer (never a 500, never a crash), and the
server still serves normally afterwards. Tokens are forged with the server's own key, so a
refusal is about the hostile part, not the signature."""
import base64
import hashlib
import hmac
import json
import time

import pytest
import requests

from conftest import SHARED_KEY, STRONG_PASSWORD


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(signing_input, key=SHARED_KEY):
    return b64(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())


def forge(header=None, payload=None, raw_header=None, raw_payload=None, key=SHARED_KEY):
    """A token signed with `key` (HS256), whatever the header claims."""
    h = raw_header if raw_header is not None else b64(json.dumps(header if header is not None else
                                                                 {"alg": "HS256", "typ": "JWT"}))
    p = raw_payload if raw_payload is not None else b64(json.dumps(payload))
    signing_input = f"{h}.{p}"
    return f"{signing_input}.{sign(signing_input, key)}"


def claims(**overrides):
    now = int(time.time())
    c = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "a" * 32, "user_id": 1}
    c.update(overrides)
    return {k: v for k, v in c.items() if v is not DROP}


DROP = object()
HS = {"alg": "HS256", "typ": "JWT"}

# (name, token) pairs; each must be refused with 401 by /api/token/verify/ and /user_detail/.
BAD_TOKENS = [
    # Structure and encoding
    ("empty-parts", ".."),
    ("one-part", "abc"),
    ("two-parts", "abc.def"),
    ("four-parts", forge(HS, claims()) + ".extra"),
    ("header-not-base64", "!!!." + b64(json.dumps(claims())) + ".sig"),
    ("header-not-json", forge(raw_header=b64("not json"), payload=claims())),
    ("header-json-array", forge(raw_header=b64("[1,2]"), payload=claims())),
    ("header-invalid-utf8", forge(raw_header=b64(b"\xff\xfe{}"), payload=claims())),
    ("payload-not-json", forge(HS, raw_payload=b64("{not json"))),
    ("payload-json-array", forge(HS, raw_payload=b64("[]"))),
    ("payload-json-string", forge(HS, raw_payload=b64('"x"'))),
    ("padding-in-segment", forge(HS, claims()).replace(".", "==.", 1)),
    ("standard-base64-alphabet", forge(HS, claims()).replace("-", "+").replace("_", "/") + "+/"),
    ("whitespace-inside", forge(HS, claims())[:10] + " " + forge(HS, claims())[10:]),
    ("nul-byte", forge(HS, claims())[:10] + "\x00" + forge(HS, claims())[10:]),
    ("non-ascii", "é." + forge(HS, claims())),
    ("deeply-nested-payload", forge(HS, raw_payload=b64("[" * 5000 + "]" * 5000))),
    # Signature
    ("empty-signature", forge(HS, claims()).rsplit(".", 1)[0] + "."),
    ("truncated-signature", forge(HS, claims())[:-5]),
    ("flipped-signature", forge(HS, claims())[:-2] + ("A" if forge(HS, claims())[-2] != "A" else "B") + forge(HS, claims())[-1]),
    ("other-key", forge(HS, claims(), key="some-other-key-of-at-least-32-bytes!!")),
    # Algorithms and keys
    ("alg-none", forge({"alg": "none", "typ": "JWT"}, claims()).rsplit(".", 1)[0] + "."),
    ("alg-None", forge({"alg": "None"}, claims())),
    ("alg-missing", forge({"typ": "JWT"}, claims())),
    ("alg-number", forge({"alg": 256}, claims())),
    ("alg-null", forge({"alg": None}, claims())),
    ("alg-HS512", forge({"alg": "HS512"}, claims())),
    ("alg-RS256-with-hmac", forge({"alg": "RS256"}, claims())),
    ("alg-lowercase", forge({"alg": "hs256"}, claims())),
    # Header parameters that must never be followed or honoured
    ("jku", forge({**HS, "jku": "http://127.0.0.1:1/jwks.json"}, claims())),
    ("x5u", forge({**HS, "x5u": "http://127.0.0.1:1/cert.pem"}, claims())),
    ("jwk-embedded", forge({**HS, "jwk": {"kty": "oct", "k": b64("attacker")}}, claims(),
                           key="attacker")),
    ("x5c", forge({**HS, "x5c": ["MIIB"]}, claims())),
    ("crit-exp", forge({**HS, "crit": ["exp"]}, claims())),
    ("crit-unknown", forge({**HS, "crit": ["urn:example:unknown"], "urn:example:unknown": 1}, claims())),
    ("crit-empty", forge({**HS, "crit": []}, claims())),
    ("b64-false", forge({**HS, "b64": False, "crit": ["b64"]}, claims())),
    ("kid-huge-unsigned", forge({**HS, "kid": "k" * 20000}, claims(), key="wrong-key-wrong-key-wrong-key-wrong")),
    # Claims and time
    ("expired", forge(HS, claims(exp=int(time.time()) - 10))),
    ("exp-string", forge(HS, claims(exp="9999999999"))),
    ("exp-bool", forge(HS, claims(exp=True))),
    ("exp-null", forge(HS, claims(exp=None))),
    ("exp-huge", forge(HS, raw_payload=b64('{"token_type":"access","exp":1e400,"jti":"x","user_id":1}'))),
    ("exp-overflow-int", forge(HS, claims(exp=2 ** 70))),
    ("exp-negative", forge(HS, claims(exp=-1))),
    ("exp-missing", forge(HS, claims(exp=DROP))),
    ("nbf-future", forge(HS, claims(nbf=int(time.time()) + 3600))),
    ("nbf-string", forge(HS, claims(nbf="0"))),
    ("jti-missing", forge(HS, claims(jti=DROP))),
]

# Refused only where an access token is required (verify accepts any valid token type).
BAD_BEARERS = [
    ("refresh-as-access", forge(HS, claims(token_type="refresh"))),
    ("token-type-number", forge(HS, claims(token_type=1))),
    ("token-type-missing", forge(HS, claims(token_type=DROP))),
    ("user-id-object", forge(HS, claims(user_id={"id": 1}))),
    ("user-id-missing", forge(HS, claims(user_id=DROP))),
    ("user-id-unknown", forge(HS, claims(user_id=987654))),
    ("user-id-huge", forge(HS, claims(user_id=2 ** 70))),
]


# Where the documented answer is not 401: DRF refuses a NUL in a form field with 400, and the
# HTTP layer refuses a NUL in a header (400) or a head over 8 KiB (431) before any handler runs.
EXPECTED = {("verify", "nul-byte"): 400, ("bearer", "nul-byte"): 400,
            ("bearer", "deeply-nested-payload"): 431, ("bearer", "kid-huge-unsigned"): 431}

# Odd but valid, and accepted as simplejwt and PyJWT accept them (documented in docs/security.md):
# with HS256 a kid never selects anything (so it cannot name a file or reach a query), verify
# takes any token type (simplejwt's UntypedToken), a numeric string user_id is the same user (as
# Django's ORM reads it), and a repeated member is read last-wins (RFC 7519 section 4 allows it).
ACCEPTED = [
    ("verify", "kid-path-traversal", forge({**HS, "kid": "../../../../etc/passwd"}, claims())),
    ("verify", "kid-sql", forge({**HS, "kid": "' OR '1'='1"}, claims())),
    ("verify", "token-type-missing", forge(HS, claims(token_type=DROP))),
    ("verify", "duplicate-member", forge(HS, raw_payload=b64(
        '{"user_id":1,"user_id":1,"exp":9999999999,"token_type":"access","jti":"x"}'))),
    ("bearer", "user-id-numeric-string", forge(HS, claims(user_id="1"))),
]


def assert_clean_refusal(r, status=401):
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == "application/json"
    assert "detail" in r.json() or r.status_code == 400, r.text[:300]


def assert_still_serving(server):
    r = requests.get(server.url("/user_detail/"), headers={"Authorization": f"Bearer {server.good}"},
                     timeout=10)
    assert r.status_code == 200 and r.json()["username"] == "alice", r.text


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import Authd
    s = Authd(tmp_path_factory.mktemp("hostile"), {"AUTHD_SIGNING_KEY": SHARED_KEY}).start()
    s.register("alice")
    s.good = s.login("alice")["access"]
    yield s
    s.stop()


@pytest.mark.parametrize("name,token", BAD_TOKENS, ids=[n for n, _ in BAD_TOKENS])
def test_hostile_token_at_verify(server, name, token):
    r = requests.post(server.url("/api/token/verify/"), data={"token": token}, timeout=10)
    assert_clean_refusal(r, EXPECTED.get(("verify", name), 401))
    assert_still_serving(server)


@pytest.mark.parametrize("name,token", BAD_TOKENS + BAD_BEARERS,
                         ids=[n for n, _ in BAD_TOKENS + BAD_BEARERS])
def test_hostile_bearer_at_user_detail(server, name, token):
    try:
        r = requests.get(server.url("/user_detail/"), headers={"Authorization": f"Bearer {token}"}, timeout=10)
    except (ValueError, requests.exceptions.InvalidHeader):
        pytest.skip("the client library refuses to send this header")
    assert_clean_refusal(r, EXPECTED.get(("bearer", name), 401))
    assert_still_serving(server)


@pytest.mark.parametrize("where,name,token", ACCEPTED, ids=[n for _, n, _ in ACCEPTED])
def test_odd_but_valid_tokens_are_accepted_as_simplejwt_does(server, where, name, token):
    if where == "verify":
        r = requests.post(server.url("/api/token/verify/"), data={"token": token}, timeout=10)
    else:
        r = requests.get(server.url("/user_detail/"), headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.json()["username"] == "alice"
    assert r.status_code == 200, r.text


def test_the_forger_itself_makes_valid_tokens(server):
    # Guards the suite: a refusal above must come from the hostile part, not from forge().
    r = requests.post(server.url("/api/token/verify/"), data={"token": forge(HS, claims())}, timeout=10)
    assert r.status_code == 200, r.text


LOGIN_CASES = [
    ("nul-in-username", {"username": "ali\x00ce", "password": STRONG_PASSWORD}),
    ("sql-shaped-username", {"username": "' OR '1'='1' --", "password": STRONG_PASSWORD}),
    ("sql-shaped-password", {"username": "alice", "password": "' OR '1'='1' --"}),
    ("unicode-lookalike-username", {"username": "аlice", "password": STRONG_PASSWORD}),  # Cyrillic а
    ("huge-password", {"username": "alice", "password": "x" * 100_000}),
    ("huge-username", {"username": "a" * 100_000, "password": STRONG_PASSWORD}),
    ("empty-both", {"username": "", "password": ""}),
]


@pytest.mark.parametrize("name,form", LOGIN_CASES, ids=[n for n, _ in LOGIN_CASES])
def test_hostile_logins_are_refused_cleanly(server, name, form):
    r = requests.post(server.url("/api/token/"), data=form, timeout=30)
    assert r.status_code in (400, 401), (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == "application/json"
    assert_still_serving(server)


def test_unknown_user_and_wrong_password_look_the_same(server):
    unknown = requests.post(server.url("/api/token/"), data={"username": "nobody", "password": "x" * 12})
    wrong = requests.post(server.url("/api/token/"), data={"username": "alice", "password": "x" * 12})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


REGISTER_CASES = [
    ("nul-in-username", {"username": "bob\x00", "password": STRONG_PASSWORD}),
    ("sql-shaped-username", {"username": "x'); DROP TABLE users; --", "password": STRONG_PASSWORD}),
    ("huge-password", {"username": "bob", "password": "y" * 100_000}),
    ("control-characters", {"username": "bob\r\nX-Injected: 1", "password": STRONG_PASSWORD}),
    ("is-active-garbage", {"username": "bob2", "password": STRONG_PASSWORD, "is_active": "maybe"}),
]


@pytest.mark.parametrize("name,form", REGISTER_CASES, ids=[n for n, _ in REGISTER_CASES])
def test_hostile_registrations_are_refused_cleanly(server, name, form):
    r = requests.post(server.url("/register/"), data=form, timeout=30)
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == "application/json"
    assert_still_serving(server)
    # And the table is still there, with alice in it.
    assert requests.post(server.url("/api/token/"), data={"username": "alice", "password": STRONG_PASSWORD}
                         ).status_code == 200


BODY_CASES = [
    ("json-array", "application/json", "[]"),
    ("json-deep-nesting", "application/json", "[" * 100_000 + "]" * 100_000),
    ("json-invalid", "application/json", '{"username": '),
    ("json-nul", "application/json", '{"username": "a\\u0000", "password": "p"}'),
    ("form-bad-percent", "application/x-www-form-urlencoded", "username=%zz&password=%"),
    ("form-invalid-utf8", "application/x-www-form-urlencoded", "username=%ff%fe&password=x"),
    ("unsupported-type", "text/xml", "<a/>"),
]


@pytest.mark.parametrize("name,ctype,body", BODY_CASES, ids=[n for n, _, _ in BODY_CASES])
def test_hostile_bodies_are_refused_cleanly(server, name, ctype, body):
    r = requests.post(server.url("/api/token/"), data=body.encode(), headers={"Content-Type": ctype}, timeout=30)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"] == "application/json"
    assert_still_serving(server)
