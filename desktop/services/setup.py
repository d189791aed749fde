"""First run: read the county's provisioning file, make the local store, list its users. No Qt.

Provisioning file (JSON, made by county IT and often pre-seeded by the installer)::

    {"server_url": "https://county.example/", "ca_bundle": "-----BEGIN CERTIFICATE-----...",
     "recovery_public_key": "-----BEGIN PUBLIC KEY-----...", "village_code": "110101001001"}

``village_code`` is optional. A server URL may also be typed by hand (then without a CA bundle: the
system's trust store is not used for the county, so plain ``http`` works only on loopback).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from desktop.storage import KdfParams, Store

# Kept light at import (no cryptography, no SQLCipher): the unlock screen is the first thing a
# person sees, and it should appear fast on an old laptop.

VILLAGE_CODE = re.compile(r"\d{12}")
MAX_PROVISIONING_BYTES = 256 * 1024

# sync_state keys written here and read by the sync service.
STATE_SERVER_URL = "server_url"
STATE_CA_BUNDLE = "ca_bundle_pem"


class ProvisioningError(ValueError):
    """``reason`` is one of: unreadable, not_json, server_url, ca_bundle, recovery_key, village_code."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"provisioning file: bad {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Provisioning:
    server_url: str | None = None
    ca_bundle: str | None = None
    recovery_public_key: str | None = None
    village_code: str | None = None


def check_server_url(url: str) -> str:
    """The URL cleaned up; raises ProvisioningError("server_url") if it cannot be a county server."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ProvisioningError("server_url")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ProvisioningError("server_url")
    return url


def parse_provisioning(data: Any) -> Provisioning:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    if not isinstance(data, dict):
        raise ProvisioningError("not_json")
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
    return Provisioning(check_server_url(url), ca, key, village)


def load_provisioning(path: str | Path) -> Provisioning:
    try:
        raw = Path(path).read_bytes()[: MAX_PROVISIONING_BYTES + 1]
    except OSError as exc:
        raise ProvisioningError("unreadable") from exc
    if len(raw) > MAX_PROVISIONING_BYTES:
        raise ProvisioningError("unreadable")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProvisioningError("not_json") from exc
    return parse_provisioning(data)


def passphrase_strength(passphrase: str) -> int:
    """0 (very weak) .. 4 (strong): length and variety, with common patterns marked down."""
    if not passphrase:
        return 0
    classes = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isascii() for c in passphrase),
            any(c.isascii() and not c.isalnum() for c in passphrase),
        )
    )
    unique = len(set(passphrase))
    score = 0
    if len(passphrase) >= 8:
        score += 1
    if len(passphrase) >= 12:
        score += 1
    if len(passphrase) >= 16:
        score += 1
    if classes >= 3:
        score += 1
    lowered = passphrase.lower()
    if unique <= 3 or lowered in ("password", "12345678", "123456789", "qwertyuiop", "88888888"):
        score = 0
    if passphrase.isdigit() and len(passphrase) < 16:
        score = min(score, 1)
    return max(0, min(score, 4))


def _keyring(store_path: str | Path) -> Path:
    path = Path(store_path)
    return path.with_name(path.name + ".keys")  # as desktop.storage.keyring.keyring_path


def store_exists(store_path: str | Path) -> bool:
    """Same answer as ``Store.exists`` without loading the store's libraries."""
    return Path(store_path).exists() and _keyring(store_path).exists()


def local_users(store_path: str | Path) -> list[str]:
    """Names of the local users of a store, without unlocking it (empty if it cannot be read).

    Reads only the user names from the key ring (JSON, ``users`` object); nothing secret."""
    try:
        users = json.loads(_keyring(store_path).read_text("utf-8")).get("users", {})
        return sorted(u for u in users if isinstance(u, str))
    except (OSError, ValueError, AttributeError):  # a damaged key ring shows up when unlocking
        return []


def create_store(
    path: str | Path,
    user: str,
    passphrase: str,
    village_code: str,
    *,
    provisioning: Provisioning | None = None,
    server_url: str | None = None,
    kdf: KdfParams | None = None,
) -> Store:
    """Make the encrypted store and record where the county server is (if known)."""
    if not VILLAGE_CODE.fullmatch(village_code or ""):
        raise ProvisioningError("village_code")
    from desktop.storage import Store

    prov = provisioning or Provisioning()
    recovery = prov.recovery_public_key.encode("ascii") if prov.recovery_public_key else None
    store = Store.create(path, user, passphrase, village_code, recovery_public_key=recovery, kdf=kdf)
    url = server_url or prov.server_url
    if url:
        store.state_set(STATE_SERVER_URL, check_server_url(url))
    if prov.ca_bundle:
        store.state_set(STATE_CA_BUNDLE, prov.ca_bundle)
    store.audit("created", "first run")
    return store
