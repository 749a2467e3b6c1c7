"""A hostile OpenID provider for the attack tests: discovery and keys like a real one, then a
token endpoint that answers each sign-in with the attack its code names (a wrong nonce, an
HS256 token keyed with the public key, garbage, silence...). Not a stand-in for a provider a
user runs (those tests use oidc-provider): an attacker's, which authd must refuse."""
import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "authd-test"
SUBJECT = "victim-1"


def b64(n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class HostileProvider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.key.public_key().public_numbers()
        self.jwk = {"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
                    "n": b64(numbers.n), "e": b64(numbers.e)}
        self.public_pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.nonce = ""
        self.token_requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self.answer(200, provider.discovery())
                elif self.path == "/jwks":
                    self.answer(200, {"keys": [provider.jwk]})
                elif self.path == "/userinfo":
                    mode = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    sub = "someone-else" if mode == "userinfo_other_sub" else SUBJECT
                    self.answer(200, {"sub": sub, "email": "victim@corp.example", "email_verified": True})
                else:
                    self.answer(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                provider.token_requests.append({"form": form, "authorization": self.headers.get("Authorization")})
                mode = form.get("code", [""])[0]
                if mode == "slow":
                    time.sleep(8)  # beyond authd's 5-second deadline
                if mode == "garbage":
                    return self.answer(200, b"<html>not json", "text/html")
                if mode == "refused":
                    return self.answer(400, {"error": "invalid_grant"})
                self.answer(200, {"access_token": mode, "token_type": "Bearer",
                                  "id_token": provider.id_token(mode)})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self):
        return {"issuer": self.issuer, "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token", "jwks_uri": self.issuer + "/jwks",
                "userinfo_endpoint": self.issuer + "/userinfo", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]}

    def id_token(self, mode):
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": SUBJECT, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": self.nonce}
        headers = {"kid": "k1"}
        if mode == "wrong_nonce":
            claims["nonce"] = "another-sign-in"
        elif mode == "wrong_aud":
            claims["aud"] = "some-other-client"
        elif mode == "wrong_azp":
            claims["aud"], claims["azp"] = [CLIENT_ID, "other"], "other"
        elif mode == "wrong_iss":
            claims["iss"] = "https://impostor.example"
        elif mode == "expired":
            claims["iat"], claims["exp"] = now - 900, now - 600
        elif mode == "unknown_kid":
            headers["kid"] = "k-made-up"
        elif mode == "alg_none":
            header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "k1"}).encode()).rstrip(b"=")
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
            return (header + b"." + body + b".").decode()
        elif mode == "hs256_public_key":
            # The classic: HMAC keyed with the public key a careless verifier also holds.
            header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": "k1"}).encode()).rstrip(b"=")
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
            import hashlib
            import hmac
            mac = hmac.new(self.public_pem, header + b"." + body, hashlib.sha256).digest()
            return (header + b"." + body + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
        return jwt.encode(claims, self.key, algorithm="RS256", headers=headers)

    def setting(self, id="evil"):
        return {"id": id, "name": "Hostile", "issuer": self.issuer, "client_id": CLIENT_ID,
                "client_secret": "hostile-secret"}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
