"""Request signatures: a laptop signs every request with its Ed25519 device key.

The signed text binds method, path (with query), time, a one-time nonce, the device id and the body
digest, so a captured request can be neither altered, nor replayed, nor passed off as another
device's. Both ends build it with ``signed_text``.

Protocol 2 signs the device id (``X-Device-Id``) and names its version in ``X-Protocol-Version``;
protocol 1 (laptops not yet updated: no version header) signed everything but the device id. The
server accepts both (``sync.protocol.SUPPORTED_VERSIONS``); since one public key can belong to one
device only, a protocol 1 signature still verifies for exactly one device.
"""

from __future__ import annotations

import base64
import os
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol import PROTOCOL_VERSION, body_digest

HEADER_DEVICE = "X-Device-Id"
HEADER_TIME = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
HEADER_PROTOCOL = "X-Protocol-Version"
"""The protocol version the request speaks; absent means 1 (sent by every laptop since version 2)."""
MAX_SKEW_SECONDS = 300
"""Requests whose time is further than this from the server's clock are refused as stale."""


def signed_text(
    method: str,
    path: str,
    timestamp: int,
    nonce: str,
    body: bytes,
    *,
    device_id: str = "",
    version: int = PROTOCOL_VERSION,
) -> bytes:
    """The bytes a request's signature covers, for protocol ``version`` (1 or 2)."""
    if version == 1:
        lines = [method.upper(), path, str(timestamp), nonce, body_digest(body)]
    else:
        # The first line keeps a version 2 text from ever reading as a version 1 one (and back).
        lines = [f"vdd-request-{version}", method.upper(), path, str(timestamp), nonce, device_id]
        lines.append(body_digest(body))
    # A header value outside ASCII would not survive HTTP; refusing it here keeps both ends equal.
    return "\n".join(lines).encode("ascii")


def sign_headers(
    key: Ed25519PrivateKey,
    device_id: str,
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
    version: int = PROTOCOL_VERSION,
) -> dict[str, str]:
    """Headers that authenticate one request from ``device_id``."""
    timestamp = int(time.time() if now is None else now)
    nonce = os.urandom(16).hex()
    text = signed_text(method, path, timestamp, nonce, body, device_id=device_id, version=version)
    headers = {
        HEADER_DEVICE: device_id,
        HEADER_TIME: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: base64.b64encode(key.sign(text)).decode("ascii"),
    }
    if version != 1:
        headers[HEADER_PROTOCOL] = str(version)
    return headers


def verify(
    public_key: Ed25519PublicKey,
    method: str,
    path: str,
    timestamp: int,
    nonce: str,
    body: bytes,
    signature_b64: str,
    *,
    device_id: str = "",
    version: int = PROTOCOL_VERSION,
) -> bool:
    """True when the signature is valid. Time and nonce freshness are the caller's to check."""
    try:
        text = signed_text(method, path, timestamp, nonce, body, device_id=device_id, version=version)
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, text)
    except (InvalidSignature, ValueError):  # UnicodeEncodeError is a ValueError
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
