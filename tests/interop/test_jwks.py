"""Asymmetric signing and JWKS, checked by an independent client: PyJWT's PyJWKClient fetches
our JWKS and verifies our EdDSA, ES256 and RS256 tokens. Also key rotation, forgeries with the
public key as an HMAC secret, unknown keys, issuer and audience."""
import base64
import hashlib
import hmac
import json
import subprocess

import jwt
import pytest
import requests

from conftest import AUTHD_BIN, SHARED_KEY, claims_of

ALGORITHMS = ["EdDSA", "ES256", "RS256"]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate(tmp_path, alg, name=None, public=False):
    path = tmp_path / (name or f"{alg}.pem")
    args = [AUTHD_BIN, "keys", "generate", "--alg", alg, "--out", str(path)]
    if public:
        args += ["--public-out", str(path) + ".pub"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert (path.stat().st_mode & 0o777) == 0o600
    return path


def signed_in(server):
    server.register("alice")
    return server.login("alice")


def thumbprint(jwk):
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}[jwk["kty"]]
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    return b64(hashlib.sha256(canonical.encode()).digest())


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_pyjwkclient_verifies_our_tokens(start_authd, tmp_path, alg):
    key = generate(tmp_path, alg)
    server = start_authd({"AUTHD_ALGORITHM": alg, "AUTHD_SIGNING_KEY_FILE": str(key)})
    pair = signed_in(server)

    r = server.get("/.well-known/jwks.json")
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=300"
    keys = r.json()["keys"]
    assert len(keys) == 1
    jwk = keys[0]
    assert (jwk["alg"], jwk["use"]) == (alg, "sig")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk), "private material published"
    assert jwk["kid"] == thumbprint(jwk)  # RFC 7638, computed independently

    client = jwt.PyJWKClient(server.url("/.well-known/jwks.json"))
    for token, kind in ((pair["access"], "access"), (pair["refresh"], "refresh")):
        header = jwt.get_unverified_header(token)
        assert header == {"alg": alg, "kid": jwk["kid"], "typ": "JWT"}
        signing_key = client.get_signing_key_from_jwt(token)
        claims = jwt.decode(token, signing_key.key, algorithms=[alg])
        assert claims["token_type"] == kind and claims["user_id"] == 1

    assert server.get("/user_detail/", token=pair["access"]).status_code == 200
    refreshed = server.post("/api/token/refresh/", data={"refresh": pair["refresh"]}).json()["access"]
    assert jwt.decode(refreshed, client.get_signing_key_from_jwt(refreshed).key, algorithms=[alg])["user_id"] == 1


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_public_key_as_hmac_secret_is_refused(start_authd, tmp_path, alg):
    key = generate(tmp_path, alg, public=True)
    server = start_authd({"AUTHD_ALGORITHM": alg, "AUTHD_SIGNING_KEY_FILE": str(key)})
    pair = signed_in(server)
    public_pem = (tmp_path / f"{alg}.pem.pub").read_bytes()
    jwk_text = json.dumps(server.get("/.well-known/jwks.json").json()["keys"][0]).encode()
    kid = jwt.get_unverified_header(pair["access"])["kid"]
    payload = b64(json.dumps(claims_of(pair["access"])).encode())
    for secret in (public_pem, jwk_text):
        for header in ({"alg": "HS256", "kid": kid, "typ": "JWT"}, {"alg": "HS256", "typ": "JWT"}):
            signing_input = b64(json.dumps(header).encode()) + "." + payload
            forged = signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
            r = server.get("/user_detail/", token=forged)
            assert r.status_code == 401, header
            assert r.json()["code"] == "token_not_valid"
            r = server.post("/api/token/verify/", data={"token": forged})
            assert r.status_code == 401


def test_key_rotation_without_downtime(start_authd, tmp_path):
    old = generate(tmp_path, "EdDSA", "old.pem", public=True)
    new = generate(tmp_path, "ES256", "new.pem")
    stranger = generate(tmp_path, "EdDSA", "stranger.pem")
    db = tmp_path / "rotation.db"

    first = start_authd({"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(old)}, db=db)
    old_pair = signed_in(first)
    old_kid = jwt.get_unverified_header(old_pair["access"])["kid"]
    first.stop()

    # The new key signs; the old one (here only its public half) still verifies and is published.
    second = start_authd({"AUTHD_ALGORITHM": "ES256", "AUTHD_SIGNING_KEY_FILE": str(new),
                          "AUTHD_VERIFYING_KEY_FILES": f"{old}.pub"}, db=db)
    assert second.get("/user_detail/", token=old_pair["access"]).status_code == 200
    assert second.post("/api/token/refresh/", data={"refresh": old_pair["refresh"]}).status_code == 200
    new_pair = second.login("alice")
    new_kid = jwt.get_unverified_header(new_pair["access"])["kid"]
    keys = second.get("/.well-known/jwks.json").json()["keys"]
    assert [(k["kid"], k["alg"]) for k in keys] == [(new_kid, "ES256"), (old_kid, "EdDSA")]
    client = jwt.PyJWKClient(second.url("/.well-known/jwks.json"))
    for token in (old_pair["access"], new_pair["access"]):
        jwt.decode(token, client.get_signing_key_from_jwt(token).key, algorithms=["EdDSA", "ES256"])

    # A key that was never configured: refused, with or without its kid.
    third = start_authd({"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(stranger)},
                        db=tmp_path / "stranger.db")
    foreign = signed_in(third)["access"]
    r = second.get("/user_detail/", token=foreign)
    assert r.status_code == 401 and r.json()["code"] == "token_not_valid"
    header, payload, sig = foreign.split(".")
    no_kid = b64(json.dumps({"alg": "EdDSA", "typ": "JWT"}).encode())
    assert second.get("/user_detail/", token=f"{no_kid}.{payload}.{sig}").status_code == 401
    # The kid of the old key with another algorithm: refused.
    wrong_alg = b64(json.dumps({"alg": "ES256", "kid": old_kid, "typ": "JWT"}).encode())
    h, p, s = old_pair["access"].split(".")
    assert second.get("/user_detail/", token=f"{wrong_alg}.{p}.{s}").status_code == 401


def test_hs256_publishes_no_keys(start_authd):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY})
    assert server.get("/.well-known/jwks.json").json() == {"keys": []}


def test_issuer_and_audience(start_authd):
    server = start_authd({"AUTHD_SIGNING_KEY": SHARED_KEY, "AUTHD_ISSUER": "https://auth.example",
                          "AUTHD_AUDIENCE": "orders-api"})
    pair = signed_in(server)
    claims = jwt.decode(pair["access"], SHARED_KEY, algorithms=["HS256"], audience="orders-api",
                        issuer="https://auth.example")
    assert claims["user_id"] == 1
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(pair["access"], SHARED_KEY, algorithms=["HS256"], audience="other")
    base = {k: v for k, v in claims.items() if k not in ("iss", "aud")}
    for extra in ({}, {"iss": "https://auth.example"}, {"aud": "orders-api"},
                  {"iss": "https://evil.example", "aud": "orders-api"},
                  {"iss": "https://auth.example", "aud": "other"}):
        forged = jwt.encode({**base, **extra}, SHARED_KEY, algorithm="HS256")
        assert server.get("/user_detail/", token=forged).status_code == 401, extra
    good = jwt.encode({**base, "iss": "https://auth.example", "aud": ["x", "orders-api"]}, SHARED_KEY,
                      algorithm="HS256")
    assert server.get("/user_detail/", token=good).status_code == 200


def test_bad_key_settings_stop_startup(tmp_path):
    ed = generate(tmp_path, "EdDSA")
    (tmp_path / "junk.pem").write_text("not a key")
    cases = [
        ({"AUTHD_ALGORITHM": "EdDSA"}, "AUTHD_SIGNING_KEY_FILE"),
        ({"AUTHD_ALGORITHM": "PS256"}, "AUTHD_ALGORITHM"),
        ({"AUTHD_ALGORITHM": "ES256", "AUTHD_SIGNING_KEY_FILE": str(ed)}, "not AUTHD_ALGORITHM=ES256"),
        ({"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(tmp_path / "junk.pem")}, "AUTHD_SIGNING_KEY_FILE"),
        ({"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(ed),
          "AUTHD_VERIFYING_KEY_FILES": str(tmp_path / "missing.pem")}, "AUTHD_VERIFYING_KEY_FILES"),
        ({"AUTHD_ALGORITHM": "EdDSA", "AUTHD_SIGNING_KEY_FILE": str(ed),
          "AUTHD_VERIFYING_KEY_FILES": str(ed)}, "same key"),
    ]
    for env, message in cases:
        full = {"PATH": "/usr/bin:/bin", "AUTHD_DATABASE_URL": f"sqlite://{tmp_path}/k.db",
                "AUTHD_LISTEN": "127.0.0.1:0", **env}
        r = subprocess.run([AUTHD_BIN, "serve"], env=full, capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, (env, r.stderr)
        assert message in r.stderr, (env, r.stderr)
