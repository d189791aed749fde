"""The encrypted local store (SQLCipher): keys, migrations, repositories, change capture. No Qt."""

from desktop.storage.errors import (
    RecoveryFailed,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreInUse,
    StoreLocked,
    StoreUnavailable,
    UnknownUser,
    UnlockDelayed,
    UnlockError,
    ValidationFailed,
    WrongPassphrase,
)
from desktop.storage.keys import KdfParams, generate_recovery_keypair
from desktop.storage.store import ENTITIES, Store, WeakPassphrase

__all__ = [
    "ENTITIES",
    "KdfParams",
    "RecoveryFailed",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreFull",
    "StoreInUse",
    "StoreLocked",
    "StoreUnavailable",
    "UnknownUser",
    "UnlockDelayed",
    "UnlockError",
    "ValidationFailed",
    "WeakPassphrase",
    "WrongPassphrase",
    "generate_recovery_keypair",
]
