#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (checked in; run again after changing it).

Seeds are the shapes each target must handle: valid inputs, so the fuzzer starts from the
paths that succeed, and the hostile cases of tests/blackbox/test_hostile.py, so it starts
next to the edges. Tokens are signed with the fuzzers' key (fuzz_token.cc, fuzz_http.cc).
"""
import base64
import hashlib
import hmac
import json
import pathlib

KEY = b"fuzz-signing-key-0123456789abcdef0123456789"
ROOT = pathlib.Path(__file__).resolve().parent / "corpus"
EXP = 4102444800  # 2100-01-01


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(header, payload):
    h = b64(json.dumps(header, separators=(",", ":")).encode())
    p = b64(json.dumps(payload, separators=(",", ":")).encode())
    sig = hmac.new(KEY, f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64(sig)}"


def claims(token_type, **extra):
    return {"token_type": token_type, "exp": EXP, "iat": 1700000000, "jti": "0" * 32,
            "user_id": 1, **extra}


HS = {"alg": "HS256", "typ": "JWT"}
ACCESS = sign(HS, claims("access"))
REFRESH = sign(HS, claims("refresh"))


def write(target, seeds):
    # Files not named here stay: inputs that once found a bug are kept beside the seeds.
    d = ROOT / target
    d.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def token_seeds():
    raw = {  # mode byte 0: a token as presented
        "access": ACCESS, "refresh": REFRESH,
        "expired": sign(HS, claims("access", exp=1000)),
        "alg-none": b64(b'{"alg":"none"}') + "." + ACCESS.split(".")[1] + ".",
        "crit": sign({**HS, "crit": ["exp"]}, claims("access")),
        "two-segments": ".".join(ACCESS.split(".")[:2]),
        "padded": ACCESS + "==",
        "nested": sign(HS, {"a": [[[[[[[[1]]]]]]]]}),
    }
    seeds = {f"raw-{k}": b"\x00" + v.encode() for k, v in raw.items()}
    signed = {  # mode byte 1: header \n payload, signed by the fuzzer
        "access": (HS, claims("access")),
        "kid": ({**HS, "kid": "k1"}, claims("access")),
        "jku": ({**HS, "jku": "https://evil.example/jwks"}, claims("access")),
        "b64": ({**HS, "b64": False, "crit": ["b64"]}, claims("access")),
        "exp-string": (HS, claims("access", exp="4102444800")),
        "exp-huge": (HS, claims("access", exp=2 ** 70)),
        "nbf-future": (HS, claims("access", nbf=EXP)),
        "user-id-string": (HS, claims("access", user_id="1")),
        "aud-list": (HS, claims("access", aud=["a", "b"], iss="x")),
        "no-type": (HS, {"exp": EXP, "user_id": 1}),
    }
    for k, (h, p) in signed.items():
        seeds[f"signed-{k}"] = b"\x01" + json.dumps(h).encode() + b"\n" + json.dumps(p).encode()
    seeds["signed-duplicate-members"] = b'\x01{"alg":"HS256","alg":"none"}\n{"user_id":1,"user_id":2}'
    jwks = {  # mode byte 2: a public JWK, as an OpenID provider's JWKS lists it
        "okp": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        # RFC 7517 appendix A.1's keys.
        "ec": {"kty": "EC", "crv": "P-256", "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
               "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", "use": "sig", "kid": "1"},
        "rsa": {"kty": "RSA", "alg": "RS256", "kid": "2011-04-29", "e": "AQAB",
                "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
                     "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Q"
                     "vzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh"
                     "6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
        "oct": {"kty": "oct", "k": "c2VjcmV0"},
    }
    for k, jwk in jwks.items():
        seeds[f"jwk-{k}"] = b"\x02" + json.dumps(jwk).encode()
    return seeds


def oidc_seeds():
    jwk = {"kty": "EC", "crv": "P-256", "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
           "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", "use": "sig", "kid": "k1"}
    claims = {"iss": "https://id.example", "sub": "248289761001", "aud": "authd", "exp": 1800000300,
              "iat": 1799999990, "nonce": "n", "email": "jane@example.com", "email_verified": True,
              "preferred_username": "jane", "name": "Jane"}
    discovery = {"issuer": "https://id.example", "authorization_endpoint": "https://id.example/auth",
                 "token_endpoint": "https://id.example/token", "userinfo_endpoint": "https://id.example/me",
                 "jwks_uri": "https://id.example/jwks", "response_types_supported": ["code"],
                 "code_challenge_methods_supported": ["S256"],
                 "token_endpoint_auth_methods_supported": ["client_secret_post"],
                 "authorization_response_iss_parameter_supported": True}
    seeds = {  # mode byte 0: a JWK Set; 1: claims; 2: metadata; 3: a token answer (then 0: 200)
        "jwks": b"\x00" + json.dumps({"keys": [jwk, {"kty": "oct", "k": "c2VjcmV0"}]}).encode(),
        "jwks-empty": b'\x00{"keys": []}',
        "claims": b"\x01" + json.dumps(claims).encode(),
        "claims-aud-list": b"\x01" + json.dumps({**claims, "aud": ["a", "authd"], "azp": "authd"}).encode(),
        "claims-strings": b"\x01" + json.dumps({**claims, "exp": "1800000300", "email_verified": "true"}).encode(),
        "discovery": b"\x02" + json.dumps(discovery).encode(),
        "discovery-loopback": b"\x02" + json.dumps({**discovery, "issuer": "http://127.0.0.1:9000",
                                                      "token_endpoint": "http://127.0.0.1:9000/token"}).encode(),
        "token": b"\x03\x00" + json.dumps({"id_token": "a.b.c", "access_token": "x", "token_type": "Bearer"}).encode(),
        "token-error": b"\x03\x01" + json.dumps({"error": "invalid_grant"}).encode(),
    }
    return seeds


def body_seeds():
    return {  # byte 0 picks the Content-Type (fuzz_body.cc): 0 form, 1 JSON, ...
        "form": b"\x00username=alice&password=correct+horse%20battery&is_active=true",
        "form-repeated": b"\x00a=1&a=2&b=&c",
        "form-bad-escape": b"\x00a=%zz&b=%e2%82",
        "form-utf8": b"\x00name=%C3%A9l%C3%A8ve&x=\xc3\xa9",
        "json": b'\x01{"username":"alice","password":"pw","is_active":false,"n":1.5e3}',
        "json-nested": b'\x01{"a":{"b":[1,2,{"c":null}]}}',
        "json-escapes": b'\x02{"a":"\\u0000\\ud83d\\ude00\\n"}',
        "json-array": b"\x01[1,2,3]",
        "json-deep": b"\x01" + b"[" * 200 + b"]" * 200,
        "text": b"\x04hello",
        "multipart": b"\x05--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--",
        "timestamp": b"\x062026-11-24T01:42:23.533938+01:30",
    }


def user_input_seeds():
    return {
        "plain": "alice\ncorrect-horse-battery-staple\nalice@example.com",
        "similar": "alice\nalice12345\nalice@example.com",
        "numeric": "bob\n1234567890\n",
        "common": "carol\npassword\ncarol@example.org",
        "unicode": "Zoë.o'Brien\nпароль-пароль\nзоя@пример.рф",
        "bad-username": "al ice!\nx\nnot-an-email",
        "long": "u" * 200 + "\n" + "p" * 5000 + "\n" + "e" * 300 + "@x.io",
    }


def http_seeds():
    def req(method, path, body=b"", ctype="application/x-www-form-urlencoded", headers=()):
        lines = [f"{method} {path} HTTP/1.1", "Host: localhost"]
        if body or method == "POST":
            lines += [f"Content-Type: {ctype}", f"Content-Length: {len(body)}"]
        lines += list(headers)
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    bearer = f"Authorization: Bearer {ACCESS}"
    login = b"username=fuzzer&password=correct-horse-battery-staple"
    return {
        "register": req("POST", "/register/", b"username=neo&password=correct-horse-battery-staple&is_active=true"),
        "register-json": req("POST", "/register/", b'{"username":"trinity","password":"correct-horse-battery-staple"}', "application/json"),
        "login": req("POST", "/api/token/", login),
        "login-forwarded": req("POST", "/api/token/", b"username=fuzzer&password=nope", headers=["X-Forwarded-For: 10.0.0.1, 192.0.2.7"]),
        "refresh": req("POST", "/api/token/refresh/", f"refresh={REFRESH}".encode()),
        "refresh-alias": req("POST", "/api/token/refresh/", f"refresh_token={REFRESH}".encode()),
        "verify": req("POST", "/api/token/verify/", json.dumps({"token": ACCESS}).encode(), "application/json"),
        "blacklist": req("POST", "/api/token/blacklist/", f"refresh={REFRESH}".encode()),
        "user-detail": req("GET", "/user_detail/", headers=[bearer]),
        "sessions": req("GET", "/api/sessions/", headers=[bearer]),
        "revoke-all": req("POST", "/api/sessions/revoke_all/", headers=[bearer]),
        "session-end": req("DELETE", "/api/sessions/" + "0" * 32 + "/", headers=[bearer]),
        "password-change": req("POST", "/api/password/change/", b'{"old_password":"a","new_password":"b"}', "application/json", [bearer]),
        "admin-list": req("GET", "/api/admin/users/?page=2&page_size=5&search=fu&is_active=true", headers=[bearer]),
        "admin-user": req("PATCH", "/api/admin/users/1/", b'{"first_name":"F"}', "application/json", [bearer]),
        "admin-delete": req("DELETE", "/api/admin/users/99/", headers=[bearer]),
        "jwks": req("GET", "/.well-known/jwks.json"),
        "options": req("OPTIONS", "/api/token/"),
        "no-slash": req("GET", "/user_detail", headers=[bearer]),
        "method": req("PUT", "/register/", b"a=1"),
        "head": req("HEAD", "/user_detail/", headers=[bearer]),
        "chunked": b"POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nusern\r\n0\r\n\r\n",
        "smuggle": b"POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "pipelined": req("GET", "/user_detail/", headers=[bearer]) + req("POST", "/api/token/verify/", f"token={ACCESS}".encode()),
        "http10": b"GET /.well-known/jwks.json HTTP/1.0\r\n\r\n",
        "audit-events": req("GET", "/api/admin/events/?user=1&type=login.failed&since=2026-11-30T10:00:00.5%2B01:00&until=2027-01-01&cursor=99&page_size=3", headers=[bearer]),
        "my-events": req("GET", "/api/me/events/?since=2026-11-30", headers=[bearer]),
        # Passkeys: the options, and credentials a software authenticator made (corpus/webauthn).
        "passkey-options": req("POST", "/api/webauthn/register/options/", b"{}", "application/json", [bearer]),
        "passkey-register": req("POST", "/api/webauthn/register/", json.dumps(
            {"credential": json.loads((ROOT / "webauthn" / "registration_json").read_text()), "name": "k"}).encode(),
            "application/json", [bearer]),
        "passkey-login-options": req("POST", "/api/webauthn/login/options/", b"{}", "application/json"),
        "passkey-login": req("POST", "/api/webauthn/login/", json.dumps(
            {"credential": json.loads((ROOT / "webauthn" / "assertion_json").read_text())}).encode(), "application/json"),
        "passkey-mfa": req("POST", "/api/token/mfa/", json.dumps(
            {"mfa_token": "x" * 43, "credential": json.loads((ROOT / "webauthn" / "assertion_json").read_text())}).encode(),
            "application/json"),
    }


if __name__ == "__main__":
    write("token", token_seeds())
    write("body", body_seeds())
    write("oidc", oidc_seeds())
    write("user_input", user_input_seeds())
    write("http", http_seeds())
    for d in sorted(ROOT.iterdir()):
        print(f"{d.name}: {len(list(d.iterdir()))} seeds")
