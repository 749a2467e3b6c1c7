"""A software WebAuthn authenticator and the browser around it, for the passkey tests: keys from
python3-cryptography (ES256 and Ed25519), CBOR from python3-cbor2, authenticator data laid out
as WebAuthn section 6.1 draws it. It answers the JSON options authd hands out with the JSON a
browser's PublicKeyCredential.toJSON() posts back, and can be told to misbehave (another
origin or RP id, no user verification, a counter that goes back, a tampered signature)."""
import base64
import copy
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

UP, UV, AT = 0x01, 0x04, 0x40


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Credential:
    def __init__(self, alg, rp_id, user_handle):
        self.id = os.urandom(16)
        self.alg = alg
        self.rp_id = rp_id
        self.user_handle = user_handle
        self.count = 0
        if alg == "ES256":
            self.key = ec.generate_private_key(ec.SECP256R1())
        elif alg == "Ed25519":
            self.key = ed25519.Ed25519PrivateKey.generate()
        else:
            raise ValueError(alg)

    def cose_key(self) -> bytes:
        if self.alg == "ES256":
            n = self.key.public_key().public_numbers()
            return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: n.x.to_bytes(32, "big"), -3: n.y.to_bytes(32, "big")})
        raw = self.key.public_key().public_bytes_raw() if hasattr(self.key.public_key(), "public_bytes_raw") \
            else _ed25519_raw(self.key.public_key())
        return cbor2.dumps({1: 1, 3: -8, -1: 6, -2: raw})

    def cose_alg(self) -> int:
        return -7 if self.alg == "ES256" else -8

    def sign(self, data: bytes) -> bytes:
        if self.alg == "ES256":
            return self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        return self.key.sign(data)


def _ed25519_raw(public_key):
    from cryptography.hazmat.primitives import serialization
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class Authenticator:
    """One device holding credentials, used from pages at `origin`."""

    def __init__(self, origin="https://auth.example.test", alg="ES256"):
        self.origin = origin
        self.alg = alg
        self.credentials = []

    def _client_data(self, kind, challenge, origin):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options, origin=None, rp_id=None, fmt="none", uv=True):
        """navigator.credentials.create(): RegistrationResponseJSON for `options`."""
        rp_id = rp_id or options["rp"]["id"]
        cred = Credential(self.alg, rp_id, unb64u(options["user"]["id"]))
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        flags = UP | AT | (UV if uv else 0)
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", cred.count)
                     + bytes(16) + struct.pack(">H", len(cred.id)) + cred.id + cred.cose_key())
        statement = {}
        if fmt == "packed":
            statement = {"alg": cred.cose_alg(),
                         "sig": cred.sign(auth_data + hashlib.sha256(client_data).digest())}
        attestation = cbor2.dumps({"fmt": fmt, "authData": auth_data, "attStmt": statement})
        self.credentials.append(cred)
        return {"id": b64u(cred.id), "rawId": b64u(cred.id), "type": "public-key",
                "response": {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation),
                             "transports": ["internal"]},
                "clientExtensionResults": {}, "authenticatorAttachment": "platform"}

    def get(self, options, origin=None, rp_id=None, uv=True, count_step=1, tamper=False, credential=None):
        """navigator.credentials.get(): AuthenticationResponseJSON for `options`, signed by the
        first credential the options allow (any, for a discoverable request)."""
        if credential is None:
            allowed = {c["id"] for c in options.get("allowCredentials", [])}
            usable = [c for c in self.credentials if not allowed or b64u(c.id) in allowed]
            assert usable, "no credential of this authenticator is allowed"
            credential = usable[0]
        credential.count += count_step
        rp_id = rp_id or options["rpId"]
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        flags = UP | (UV if uv else 0)
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", credential.count)
        signature = credential.sign(auth_data + hashlib.sha256(client_data).digest())
        if tamper:
            auth_data = auth_data[:-1] + bytes([auth_data[-1] ^ 1])  # signed bytes no longer match
        return {"id": b64u(credential.id), "rawId": b64u(credential.id), "type": "public-key",
                "response": {"clientDataJSON": b64u(client_data), "authenticatorData": b64u(auth_data),
                             "signature": b64u(signature), "userHandle": b64u(credential.user_handle)},
                "clientExtensionResults": {}}

    def clone(self):
        """Another device with copies of this one's keys and counters (a cloned authenticator)."""
        twin = Authenticator(self.origin, self.alg)
        twin.credentials = [copy.copy(c) for c in self.credentials]
        return twin
