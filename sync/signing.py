"""Request signatures: a laptop signs every request with its Ed25519 device key.

The signed text binds method, path (with query), time, a one-time nonce and the body digest, so
a captured request can be neither altered nor replayed. Both ends build it with ``signed_text``.
"""

from __future__ import annotations

import base64
import os
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol import body_digest

HEADER_DEVICE = "X-Device-Id"
HEADER_TIME = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
MAX_SKEW_SECONDS = 300
"""Requests whose time is further than this from the server's clock are refused as stale."""


def signed_text(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, str(timestamp), nonce, body_digest(body)]).encode("ascii")


def sign_headers(
    key: Ed25519PrivateKey,
    device_id: str,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
) -> dict[str, str]:
    """Headers that authenticate one request from ``device_id``."""
    timestamp = int(time.time() if now is None else now)
    nonce = os.urandom(16).hex()
    signature = key.sign(signed_text(method, path, timestamp, nonce, body))
    return {
        HEADER_DEVICE: device_id,
        HEADER_TIME: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: base64.b64encode(signature).decode("ascii"),
    }


def verify(
    public_key: Ed25519PublicKey,
    method: str,
    path: str,
    timestamp: int,
    nonce: str,
    body: bytes,
    signature_b64: str,
) -> bool:
    """True when the signature is valid. Time and nonce freshness are the caller's to check."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, signed_text(method, path, timestamp, nonce, body))
    except (InvalidSignature, ValueError):
        return False
    return True


def public_key_b64(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key_b64(text: str) -> Ed25519PublicKey:
    """Raises ValueError for anything that is not a raw 32-byte Ed25519 key in base64."""
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("device public key must be 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)
