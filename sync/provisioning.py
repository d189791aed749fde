"""The provisioning file county IT gives each laptop: its format, checks and county signature.

JSON, UTF-8, at most 256 KiB::

    {"server_url": "https://county.example/", "ca_bundle": "-----BEGIN CERTIFICATE-----...",
     "recovery_public_key": "-----BEGIN PUBLIC KEY-----...", "village_code": "110101001001",
     "signature": {"alg": "ed25519", "key": "<base64 public key>", "value": "<base64 signature>"}}

Only ``server_url`` is required; any other field name is refused (a typo must not pass silently).
The signature is Ed25519 by the county's provisioning signing key over the canonical JSON of every
other field (keys sorted, no spaces, UTF-8): ``county-server provision-sign`` writes it. The laptop
checks it whenever present and pins the key (see ``desktop.services.provisioning`` for the trust
rules). Shared by the app (reading) and the county command line (making and signing). No Qt.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sync.messages import defined, text

VILLAGE_CODE = re.compile(r"[0-9]{12}")  # ASCII digits only: \d also matches full-width ones
MAX_PROVISIONING_BYTES = 256 * 1024
FIELDS = frozenset({"server_url", "ca_bundle", "recovery_public_key", "village_code", "signature"})


class ProvisioningError(ValueError):
    """A provisioning file that cannot be used. ``reason`` names its message (``provision.<reason>``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"provisioning file: bad {reason}")
        self.reason = reason

    def message(self, lang: str = "zh") -> str:
        code = f"provision.{self.reason}"
        if defined(code):
            return text(code, lang)
        return text("provision.unusable", lang, reason=self.reason)


@dataclass(frozen=True)
class Provisioning:
    server_url: str | None = None
    ca_bundle: str | None = None
    recovery_public_key: str | None = None
    village_code: str | None = None
    signing_key: str | None = None
    """Base64 of the raw Ed25519 public key whose signature was verified; None when unsigned."""


def check_server_url(url: str) -> str:
    """The URL cleaned up; raises ProvisioningError("server_url") if it cannot be a county server.

    The URL is parsed as requests will (``urllib3.util.parse_url``) and as the standard library does;
    anything the two could read differently is refused: a backslash (``http://evil.cn\\@127.0.0.1``
    is 127.0.0.1 to one and evil.cn to the other), user info (``@``), spaces, controls, non-ASCII.
    """
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    url = url.strip().rstrip("/")
    if (
        not url.isascii()
        or any(c in url for c in "\\@")
        or any(c.isspace() or not c.isprintable() for c in url)
    ):
        raise ProvisioningError("server_url")
    try:
        parts, parsed = urlsplit(url), parse_url(url)
        port = parts.port
    except (ValueError, LocationParseError) as exc:
        raise ProvisioningError("server_url") from exc
    host = (parsed.host or "").strip("[]").lower()
    if parts.scheme not in ("https", "http") or not parts.hostname or parsed.auth:
        raise ProvisioningError("server_url")
    if (parsed.scheme, host, parsed.port) != (parts.scheme, parts.hostname, port):
        raise ProvisioningError("server_url")
    if parts.scheme == "http" and host not in ("127.0.0.1", "localhost", "::1"):
        raise ProvisioningError("server_url")
    return url


def canonical_bytes(data: dict[str, Any]) -> bytes:
    """What the signature covers: every field but ``signature``, keys sorted, compact, UTF-8."""
    payload = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _b64(text: Any, size: int) -> bytes:
    if not isinstance(text, str):
        raise ProvisioningError("signature")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ProvisioningError("signature") from exc
    if len(raw) != size:
        raise ProvisioningError("signature")
    return raw


def verify_signature(data: dict[str, Any]) -> str | None:
    """The signing key (base64) when ``data`` carries a valid signature; None when unsigned.

    Raises:
        ProvisioningError: ``signature`` when the block is malformed or does not verify.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    block = data.get("signature")
    if block is None:
        return None
    if not isinstance(block, dict) or block.get("alg") != "ed25519" or set(block) != {"alg", "key", "value"}:
        raise ProvisioningError("signature")
    key = _b64(block["key"], 32)
    value = _b64(block["value"], 64)
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(value, canonical_bytes(data))
    except (InvalidSignature, ValueError) as exc:
        raise ProvisioningError("signature") from exc
    return str(block["key"])


def parse_provisioning(data: Any) -> Provisioning:
    """Check every field of a decoded provisioning file (and its signature when present)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    if not isinstance(data, dict):
        raise ProvisioningError("not_json")
    if not set(data) <= FIELDS or "server_url" not in data:
        raise ProvisioningError("fields")
    url = data.get("server_url")
    if not isinstance(url, str) or not url.strip():
        raise ProvisioningError("server_url")
    ca = data.get("ca_bundle")
    if ca is not None:
        if not isinstance(ca, str):
            raise ProvisioningError("ca_bundle")
        try:
            if not x509.load_pem_x509_certificates(ca.encode("ascii")):
                raise ProvisioningError("ca_bundle")
        except (ValueError, UnicodeEncodeError) as exc:
            raise ProvisioningError("ca_bundle") from exc
    key = data.get("recovery_public_key")
    if key is not None:
        try:
            public = serialization.load_pem_public_key(str(key).encode("ascii"))
        except (ValueError, UnicodeEncodeError, TypeError) as exc:
            raise ProvisioningError("recovery_key") from exc
        if not isinstance(public, X25519PublicKey):
            raise ProvisioningError("recovery_key")
    village = data.get("village_code")
    if village is not None and (not isinstance(village, str) or not VILLAGE_CODE.fullmatch(village)):
        raise ProvisioningError("village_code")
    signer = verify_signature(data)
    return Provisioning(check_server_url(url), ca, key, village, signer)


def read_provisioning_json(path: str | Path) -> Any:
    """The decoded JSON of a provisioning file (size-capped), unchecked."""
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_PROVISIONING_BYTES + 1)  # never more: the file may be huge
    except OSError as exc:
        raise ProvisioningError("unreadable") from exc
    if len(raw) > MAX_PROVISIONING_BYTES:
        raise ProvisioningError("too_large")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProvisioningError("not_json") from exc
    except RecursionError as exc:
        raise ProvisioningError("too_deep") from exc


def load_provisioning(path: str | Path) -> Provisioning:
    return parse_provisioning(read_provisioning_json(path))


# -- county IT's side: keys and signing --------------------------------------------------------------


def generate_signing_keypair(passphrase: bytes) -> tuple[bytes, bytes]:
    """A county provisioning signing key: (private PEM encrypted under ``passphrase``, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def sign_provisioning(data: dict[str, Any], private_pem: bytes, passphrase: bytes | None) -> dict[str, Any]:
    """``data`` checked, with a fresh signature block by the Ed25519 key in ``private_pem``.

    Raises:
        ProvisioningError: when ``data`` is not a valid provisioning file.
        ValueError: when the key cannot be read (wrong passphrase, not an Ed25519 key).
    """
    unsigned = {k: v for k, v in data.items() if k != "signature"}
    parse_provisioning(unsigned)
    return {**unsigned, "signature": signature_block(unsigned, private_pem, passphrase)}


def signature_block(unsigned: dict[str, Any], private_pem: bytes, passphrase: bytes | None) -> dict[str, str]:
    """The ``signature`` block of ``unsigned`` (its canonical bytes) by the county signing key: the
    same key and scheme sign provisioning files and published form versions.

    Raises:
        ValueError: when the key cannot be read (wrong passphrase, not an Ed25519 key).
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        private = serialization.load_pem_private_key(private_pem, passphrase)
    except (TypeError, ValueError) as exc:
        raise ValueError("the signing key cannot be read (wrong passphrase or not a key file)") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError("the signing key is not an Ed25519 key (make one with provision-keygen)")
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signature = private.sign(canonical_bytes(unsigned))
    return {
        "alg": "ed25519",
        "key": base64.b64encode(public).decode("ascii"),
        "value": base64.b64encode(signature).decode("ascii"),
    }
