"""First run: read the county's provisioning file, make the local store, list its users. No Qt.

The provisioning file's format, checks and signature are in ``sync.provisioning`` (import them from
there); where an installer's file is found, and importing one later, in
``desktop.services.provisioning``. A server URL may also be typed by hand (then without a CA bundle:
the system's trust store is not used for the county, so plain ``http`` works only on loopback).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sync.provisioning import (
    VILLAGE_CODE,
    Provisioning,
    ProvisioningError,
    check_server_url,
)

if TYPE_CHECKING:
    from desktop.storage import KdfParams, Store

# Kept light at import (no cryptography, no SQLCipher): the unlock screen is the first thing a
# person sees, and it should appear fast on an old laptop.

# sync_state keys written here and read by the sync service and the provisioning import.
STATE_SERVER_URL = "server_url"
STATE_CA_BUNDLE = "ca_bundle_pem"
STATE_SIGNING_KEY = "provisioning_signing_key"
STATE_RECOVERY_KEY = "recovery_public_key"


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
    if prov.signing_key:  # pinned: later imports must carry this key's signature
        store.state_set(STATE_SIGNING_KEY, prov.signing_key)
    if prov.recovery_public_key:
        store.state_set(STATE_RECOVERY_KEY, prov.recovery_public_key)
    store.audit("created", "first run")
    return store
