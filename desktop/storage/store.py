"""The encrypted local store: create, unlock, users and keys, recovery, and the repositories.

A store is two files: the SQLCipher database and its key ring (``<file>.keys``), which holds
the database key wrapped per local user and for the county. See ``keys`` and ``keyring``.
"""

from __future__ import annotations

import json
import os
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.storage.database import Database, open_encrypted
from desktop.storage.errors import RecoveryFailed, StoreCorrupt, UnknownUser, UnlockDelayed, WrongPassphrase
from desktop.storage.keyring import Failures, KeyRing, RecoverySlot, UserSlot, failure_delay, keyring_path
from desktop.storage.keys import (
    KdfParams,
    derive_kek,
    new_database_key,
    open_with_recovery_key,
    seal_to_recovery_key,
    unwrap,
    wrap,
)
from desktop.storage.migrations import migrate
from desktop.storage.repositories import Context, Repository
from sync.hlc import HybridClock
from sync.recovery import RecoveryKeyError
from sync.schema import Forms, load_forms

MIN_PASSPHRASE = 8
ENTITIES = ("household", "person", "income", "service")


class WeakPassphrase(ValueError):
    def __init__(self) -> None:
        super().__init__(f"the passphrase must have at least {MIN_PASSPHRASE} characters")


def _secret(passphrase: str) -> bytes:
    # NFC so that the same passphrase typed through different input methods gives the same bytes.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _new_slot(ring: KeyRing, user: str, passphrase: str, key: bytes, kdf: KdfParams) -> UserSlot:
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase()
    salt = os.urandom(16)
    kek = derive_kek(_secret(passphrase), salt, kdf)
    return UserSlot(salt, kdf, wrap(kek, key, ring.user_associated_data(user)))


class Store:
    """An unlocked store. Obtain one with ``create``, ``unlock`` or ``recover``; ``close`` locks it."""

    def __init__(self, path: Path, ring: KeyRing, key: bytes, db: Database, user: str, forms: Forms) -> None:
        self.path = path
        self.user = user
        self.village_code = ring.village_code
        self.forms = forms
        self._ring = ring
        self._key = bytearray(key)
        self._db = db
        # The clock resumes past every stamp this laptop made: the one saved at close, and any in
        # the outbox (a killed process saves nothing). No scan of the entity tables at unlock.
        saved = db.query("SELECT value FROM sync_state WHERE key = 'clock'")
        pending = int(db.query("SELECT coalesce(max(hlc), 0) FROM outbox")[0][0])
        self.clock = HybridClock(last=max(pending, int(saved[0][0]) if saved else 0))
        ctx = Context(db, forms, self.clock, ring.village_code, user)
        self.household = Repository(ctx, "household")
        self.person = Repository(ctx, "person")
        self.income = Repository(ctx, "income")
        self.service = Repository(ctx, "service")

    # -- opening ----------------------------------------------------------------------------------

    @staticmethod
    def exists(path: Path | str) -> bool:
        path = Path(path)
        return path.exists() and keyring_path(path).exists()

    @classmethod
    def create(
        cls,
        path: Path | str,
        user: str,
        passphrase: str,
        village_code: str,
        recovery_public_key: bytes | None = None,
        kdf: KdfParams | None = None,
        forms: Forms | None = None,
    ) -> Store:
        path = Path(path)
        if path.exists():
            raise FileExistsError("a data file already exists there")
        kdf = kdf or KdfParams.tuned()
        key = new_database_key()
        ring = KeyRing(store_id=os.urandom(16), village_code=village_code)
        ring.users[user] = _new_slot(ring, user, passphrase, key, kdf)
        if recovery_public_key is not None:
            ephemeral, wrapped = seal_to_recovery_key(
                recovery_public_key, key, ring.recovery_associated_data()
            )
            ring.recovery = RecoverySlot(ephemeral, wrapped)
        path.parent.mkdir(parents=True, exist_ok=True)
        ring.save(keyring_path(path))
        return cls._open(path, ring, key, user, forms)

    @classmethod
    def unlock(
        cls,
        path: Path | str,
        user: str,
        passphrase: str,
        *,
        forms: Forms | None = None,
        now: Callable[[], float] = time.time,
    ) -> Store:
        """Open with a local user's passphrase.

        Raises UnknownUser, WrongPassphrase (with the delay before the next try),
        UnlockDelayed (tried again before that delay ran out) or StoreCorrupt.
        """
        path = Path(path)
        ring_path = keyring_path(path)
        if not path.exists():
            raise StoreCorrupt("the data file is missing")
        try:
            ring = KeyRing.load(ring_path)
        except FileNotFoundError as exc:
            raise StoreCorrupt("the key ring beside the data file is missing") from exc
        slot = ring.users.get(user)
        if slot is None:
            raise UnknownUser()
        failures = ring.failures.get(user, Failures())
        wait = failure_delay(failures.count) - (now() - failures.last)
        if wait > 0:
            raise UnlockDelayed(wait)
        kek = derive_kek(_secret(passphrase), slot.salt, slot.kdf)
        key = unwrap(kek, slot.wrapped, ring.user_associated_data(user))
        if key is None:
            ring.failures[user] = Failures(failures.count + 1, now())
            ring.save(ring_path)
            raise WrongPassphrase(failure_delay(failures.count + 1))
        if failures.count:
            ring.failures.pop(user, None)
            ring.save(ring_path)
        return cls._open(path, ring, key, user, forms)

    @classmethod
    def recover(
        cls,
        path: Path | str,
        recovery_private_key_pem: bytes,
        new_user: str,
        new_passphrase: str,
        *,
        key_passphrase: bytes | None = None,
        kdf: KdfParams | None = None,
        forms: Forms | None = None,
    ) -> Store:
        """County IT opens a laptop whose passphrase was lost and sets a new one for ``new_user``.

        ``key_passphrase`` opens the county's private key file when it is encrypted (it should be).
        """
        path = Path(path)
        ring = KeyRing.load(keyring_path(path))
        if ring.recovery is None:
            raise RecoveryFailed("this store was made without a county recovery key")
        try:
            key = open_with_recovery_key(
                recovery_private_key_pem,
                ring.recovery.ephemeral_public,
                ring.recovery.wrapped,
                ring.recovery_associated_data(),
                key_passphrase,
            )
        except RecoveryKeyError as exc:
            raise RecoveryFailed(str(exc)) from exc
        if key is None:
            raise RecoveryFailed("the county key given does not open this store")
        ring.users[new_user] = _new_slot(ring, new_user, new_passphrase, key, kdf or KdfParams.tuned())
        ring.failures.pop(new_user, None)
        ring.save(keyring_path(path))
        store = cls._open(path, ring, key, new_user, forms)
        store.audit("recovered", "passphrase reset with the county recovery key")
        return store

    @classmethod
    def _open(cls, path: Path, ring: KeyRing, key: bytes, user: str, forms: Forms | None) -> Store:
        conn = open_encrypted(path, key)
        db = Database(conn)
        try:
            migrate(db)
        except Exception:
            db.close()
            raise
        return cls(path, ring, key, db, user, forms or load_forms())

    # -- users and keys ---------------------------------------------------------------------------

    def users(self) -> list[str]:
        return sorted(self._ring.users)

    def add_user(self, user: str, passphrase: str, kdf: KdfParams | None = None) -> None:
        if user in self._ring.users:
            raise ValueError("that local user already exists")
        self._ring.users[user] = _new_slot(
            self._ring, user, passphrase, bytes(self._key), kdf or KdfParams.tuned()
        )
        self._ring.save(keyring_path(self.path))
        self.audit("user_added", user)

    def change_passphrase(self, user: str, old: str, new: str, kdf: KdfParams | None = None) -> None:
        """Re-wrap the database key under a new passphrase. The data is not re-encrypted."""
        slot = self._ring.users.get(user)
        if slot is None:
            raise UnknownUser()
        kek = derive_kek(_secret(old), slot.salt, slot.kdf)
        if unwrap(kek, slot.wrapped, self._ring.user_associated_data(user)) is None:
            raise WrongPassphrase(0)
        self._ring.users[user] = _new_slot(self._ring, user, new, bytes(self._key), kdf or slot.kdf)
        self._ring.save(keyring_path(self.path))
        self.audit("passphrase_changed", user)

    def set_recovery_key(self, recovery_public_key: bytes) -> None:
        """Seal the database key to a (new) county recovery public key, replacing the old copy."""
        ephemeral, wrapped = seal_to_recovery_key(
            recovery_public_key, bytes(self._key), self._ring.recovery_associated_data()
        )
        self._ring.recovery = RecoverySlot(ephemeral, wrapped)
        self._ring.save(keyring_path(self.path))
        self.audit("recovery_key_set", "database key sealed to the county recovery key")

    # -- state ------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._db.conn is not None

    @property
    def db(self) -> Database:
        return self._db

    def close(self) -> None:
        """Lock: close the connection and forget the key."""
        if self._db.conn is not None:
            self.state_set("clock", self.clock.last)
            self._db.close()
        for i in range(len(self._key)):
            self._key[i] = 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[Any]:
        with self._db.atomic() as conn:
            yield conn

    def repository(self, entity: str) -> Repository:
        if entity not in ENTITIES:
            raise KeyError(entity)
        repo: Repository = getattr(self, entity)
        return repo

    def pending_count(self) -> int:
        """Local changes not yet acknowledged by the county server."""
        return int(self._db.query("SELECT count(*) FROM outbox")[0][0])

    def state_get(self, key: str, default: Any = None) -> Any:
        rows = self._db.query("SELECT value FROM sync_state WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def state_set(self, key: str, value: Any) -> None:
        with self._db.atomic() as conn:
            conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def audit(self, action: str, detail: str = "") -> None:
        """Record an action that matters (an export, a recovery). Detail must hold no personal data."""
        with self._db.atomic() as conn:
            conn.execute(
                "INSERT INTO audit_log (at, user, action, detail) VALUES (?, ?, ?, ?)",
                (time.time(), self.user, action, detail),
            )
