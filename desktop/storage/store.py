"""The encrypted local store: create, unlock, users and keys, recovery, and the repositories.

A store is two files: the SQLCipher database and its key ring (``<file>.keys``), which holds
the database key wrapped per local user and for the county. See ``keys`` and ``keyring``. Beside
them, ``<file>.lock`` (empty) carries the OS lock that keeps a store to one holder (``filelock``).
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import desktop.storage.sync_state as sync_state
from desktop.storage.database import Database, open_encrypted
from desktop.storage.errors import (
    RecoveryFailed,
    StoreCorrupt,
    StoreError,
    UnknownUser,
    UnlockDelayed,
    WrongPassphrase,
)
from desktop.storage.filelock import StoreLock
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
from desktop.storage.migrations import follow_forms, migrate
from desktop.storage.repositories import Context, Repository
from sync.form_versions import BUILTIN_VERSION, builtin_document, effective_forms
from sync.hlc import HybridClock
from sync.recovery import RecoveryKeyError
from sync.schema import Forms, load_forms

if TYPE_CHECKING:
    from desktop.storage.backup import BackupInfo

MIN_PASSPHRASE = 8
ENTITIES = ("household", "person", "income", "service")
LOCK_WAIT_SECONDS = 3.0
"""How long an unlock waits for a try of a passphrase in another window to finish (a try takes
about half a second); a store held open there for longer is reported as StoreInUse."""


class WeakPassphrase(ValueError):
    def __init__(self) -> None:
        super().__init__(f"the passphrase must have at least {MIN_PASSPHRASE} characters")


def _secret(passphrase: str) -> bytes:
    # NFC so that the same passphrase typed through different input methods gives the same bytes.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _new_slot(ring: KeyRing, user: str, passphrase: str, key: bytes | bytearray, kdf: KdfParams) -> UserSlot:
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakPassphrase()
    salt = os.urandom(16)
    kek = derive_kek(_secret(passphrase), salt, kdf)
    # The bytearray itself is wrapped (cryptography reads any buffer): no bytes copy of the key.
    return UserSlot(salt, kdf, wrap(kek, cast(bytes, key), ring.user_associated_data(user)))


FORMS_STATE = "form_documents"
"""sync_state key: every county form version this store took, the built-in one first (JSON)."""


class Store:
    """An unlocked store. Obtain one with ``create``, ``unlock`` or ``recover``; ``close`` locks it."""

    def __init__(
        self,
        path: Path,
        ring: KeyRing,
        key: bytes | bytearray,
        db: Database,
        user: str,
        forms: Forms,
        lock: StoreLock | None = None,
    ) -> None:
        self.path = path
        self.user = user
        self.village_code = ring.village_code
        self.forms = forms
        self._ring = ring
        # The one copy of the database key this object keeps: a bytearray, zeroed by close().
        self._key = key if isinstance(key, bytearray) else bytearray(key)
        self._db = db
        self._lock = lock
        # The clock resumes past every stamp this laptop made: the one saved at close, and any in
        # the outbox (a killed process saves nothing). No scan of the entity tables at unlock.
        saved = int(sync_state.read(db, "clock", 0))
        pending = int(db.query("SELECT coalesce(max(hlc), 0) FROM outbox")[0][0])
        self.clock = HybridClock(last=max(pending, saved))
        self._pinned: dict[int, tuple[Forms, dict[str, Repository]]] = {}
        self._repositories(forms, self._taken_version())

    def _repositories(self, forms: Forms, version: int) -> None:
        ctx = Context(self._db, forms, self.clock, self.village_code, self.user, version)
        self.forms = forms
        self._forms_version = version
        self.household = Repository(ctx, "household")
        self.person = Repository(ctx, "person")
        self.income = Repository(ctx, "income")
        self.service = Repository(ctx, "service")

    def _taken_version(self) -> int:
        documents = self.state_get(FORMS_STATE)
        return int(documents[-1]["version"]) if documents else BUILTIN_VERSION

    # -- county form versions (issue 17) ----------------------------------------------------------

    @property
    def forms_version(self) -> int:
        """The county form version this store works with (1: the forms built into the app)."""
        return self._forms_version

    def pinned_repository(self, entity: str, forms: Forms, version: int) -> Repository:
        """A repository that validates and writes with ``forms``, an earlier version this store
        worked with (``version``): a record opened in a dialog before a newer version was taken is
        saved with the version it was opened with, and its outbox rows name that version, so the
        server validates its push against it. The current version: the store's own repository."""
        if version == self._forms_version and forms is self.forms:
            return self.repository(entity)
        kept = self._pinned.get(version)
        if kept is None or kept[0] is not forms:
            ctx = Context(self._db, forms, self.clock, self.village_code, self.user, version)
            kept = (forms, {e: Repository(ctx, e) for e in ENTITIES})
            self._pinned[version] = kept
        return kept[1][entity]

    def take_forms(self, document: dict[str, Any]) -> Forms:
        """Work with a newer county form version from now on (its signature already checked by the
        caller): its new fields get their columns (no rewrite of the records), fields it leaves out
        stay hidden with their values. Call at a clean point: no record open for editing."""
        documents = self.state_get(FORMS_STATE) or [builtin_document()]
        documents = [*documents, document]
        forms = effective_forms(documents)
        follow_forms(self._db, forms)
        self.state_set(FORMS_STATE, documents)
        self._repositories(forms, int(document["version"]))
        return forms

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
        key = bytearray(new_database_key())
        ring = KeyRing(store_id=os.urandom(16), village_code=village_code)
        ring.users[user] = _new_slot(ring, user, passphrase, key, kdf)
        if recovery_public_key is not None:
            ephemeral, wrapped = seal_to_recovery_key(
                recovery_public_key, cast(bytes, key), ring.recovery_associated_data()
            )
            ring.recovery = RecoverySlot(ephemeral, wrapped)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = StoreLock(path).acquire()
        try:
            if path.exists():  # made by another window while we derived the key
                raise FileExistsError("a data file already exists there")
            ring.save(keyring_path(path))
            return cls._open(path, ring, key, user, forms, lock, create=True)
        except BaseException:
            lock.release()
            raise

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
        if path.stat().st_size == 0:  # told before a passphrase is spent on it (open_encrypted checks too)
            raise StoreCorrupt("the data file is empty (damaged or replaced)")
        # Held from before the try until the store is closed: tries from several windows or
        # threads run one after the other, each counted, and an open store is nobody else's.
        lock = StoreLock(path).acquire(LOCK_WAIT_SECONDS)
        try:
            ring, key = cls._try_passphrase(ring_path, user, passphrase, now)
            return cls._open(path, ring, key, user, forms, lock)
        except BaseException:
            lock.release()
            raise

    @staticmethod
    def _try_passphrase(
        ring_path: Path, user: str, passphrase: str, now: Callable[[], float]
    ) -> tuple[KeyRing, bytearray]:
        """The key ring and the database key, or WrongPassphrase / UnlockDelayed with the failure
        counted. Called with the store's lock held."""
        try:
            ring = KeyRing.load(ring_path)
        except FileNotFoundError as exc:
            raise StoreCorrupt("the key ring beside the data file is missing") from exc
        slot = ring.users.get(user)
        if slot is None:
            raise UnknownUser()
        failures = ring.failures.get(user, Failures())
        delay = failure_delay(failures.count)
        at = now()
        if delay > 0 and at < failures.last:
            # The clock went back (a dead CMOS battery, a manual fix): count the wait from now, so
            # a jump of a day costs at most one delay, not the day.
            ring.failures[user] = failures = Failures(failures.count, at)
            ring.save(ring_path)
        wait = delay - (at - failures.last)
        if wait > 0:
            raise UnlockDelayed(min(wait, delay))
        kek = derive_kek(_secret(passphrase), slot.salt, slot.kdf)
        key = unwrap(kek, slot.wrapped, ring.user_associated_data(user))
        if key is None:
            ring.failures[user] = Failures(failures.count + 1, now())
            ring.save(ring_path)
            raise WrongPassphrase(failure_delay(failures.count + 1))
        if failures.count:
            ring.failures.pop(user, None)
            ring.save(ring_path)
        return ring, bytearray(key)

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
        lock = StoreLock(path).acquire(LOCK_WAIT_SECONDS)
        try:
            return cls._recover(
                path, lock, recovery_private_key_pem, new_user, new_passphrase, key_passphrase, kdf, forms
            )
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _recover(
        cls,
        path: Path,
        lock: StoreLock,
        recovery_private_key_pem: bytes,
        new_user: str,
        new_passphrase: str,
        key_passphrase: bytes | None,
        kdf: KdfParams | None,
        forms: Forms | None,
    ) -> Store:
        if not path.exists():
            raise StoreCorrupt("the data file is missing")
        ring = KeyRing.load(keyring_path(path))
        if ring.recovery is None:
            raise RecoveryFailed("this store was made without a county recovery key")
        try:
            opened = open_with_recovery_key(
                recovery_private_key_pem,
                ring.recovery.ephemeral_public,
                ring.recovery.wrapped,
                ring.recovery_associated_data(),
                key_passphrase,
            )
        except RecoveryKeyError as exc:
            raise RecoveryFailed(str(exc)) from exc
        if opened is None:
            raise RecoveryFailed("the county key given does not open this store")
        key = bytearray(opened)
        ring.users[new_user] = _new_slot(ring, new_user, new_passphrase, key, kdf or KdfParams.tuned())
        ring.failures.pop(new_user, None)
        # Opened before the new slot is written: a damaged file changes nothing in the key ring.
        store = cls._open(path, ring, key, new_user, forms, lock)
        try:
            ring.save(keyring_path(path))
            store.audit("recovered", "passphrase reset with the county recovery key")
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _open(
        cls,
        path: Path,
        ring: KeyRing,
        key: bytearray,
        user: str,
        forms: Forms | None,
        lock: StoreLock,
        *,
        create: bool = False,
    ) -> Store:
        conn = open_encrypted(path, key, create=create)
        # The reader connection (Database.snapshot) opens with the same key when first needed;
        # ``key`` is the bytearray the store keeps and wipes at close.
        db = Database(conn, reopen=lambda: open_encrypted(path, key))
        try:
            migrate(db)
            if forms is None:  # the county's version taken at an earlier sync, else the built-in one
                taken = sync_state.read(db, FORMS_STATE)
                forms = effective_forms(taken) if taken else load_forms()
            follow_forms(db, forms)  # the forms state the record columns (a field added -> its column)
            return cls(path, ring, key, db, user, forms, lock)
        except BaseException:
            db.close()
            key[:] = bytes(len(key))
            raise

    # -- users and keys ---------------------------------------------------------------------------

    def users(self) -> list[str]:
        return sorted(self._ring.users)

    def add_user(self, user: str, passphrase: str, kdf: KdfParams | None = None) -> None:
        if user in self._ring.users:
            raise ValueError("that local user already exists")
        self._ring.users[user] = _new_slot(self._ring, user, passphrase, self._key, kdf or KdfParams.tuned())
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
        self._ring.users[user] = _new_slot(self._ring, user, new, self._key, kdf or slot.kdf)
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

    def backup(self, target: Path | str) -> BackupInfo:
        """Write the whole store (data and key ring) to one encrypted backup file (see ``backup``);
        it opens with the passphrases of today and the county recovery key."""
        from desktop.storage.backup import write_backup  # hashlib and zipfile: not at every unlock

        info = write_backup(self._db, self._key, self._ring, target)
        self.audit("backup", f"{info.data_bytes} bytes")
        return info

    # -- state ------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._db.conn is not None

    @property
    def db(self) -> Database:
        return self._db

    def close(self) -> None:
        """Lock: close the connection and forget the key, whatever state the file is in."""
        try:
            if self._db.conn is not None:
                # Only a shortcut for the next unlock (the outbox keeps every stamp): a damaged
                # page or a full disk must not keep the store open with its key in memory.
                with suppress(StoreError):
                    self.state_set("clock", self.clock.last)
        finally:
            try:
                self._db.close()
            finally:
                self._key[:] = bytes(len(self._key))
                if self._lock is not None:
                    self._lock.release()

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

    def pending_records(self) -> int:
        """Records with local changes not yet acknowledged: what a sync run counts as it sends."""
        query = "SELECT count(*) FROM (SELECT DISTINCT entity, record_id FROM outbox)"
        return int(self._db.query(query)[0][0])

    def state_get(self, key: str, default: Any = None) -> Any:
        return sync_state.read(self._db, key, default)

    def state_set(self, key: str, value: Any) -> None:
        with self._db.atomic() as conn:
            sync_state.write(conn, key, value)

    def audit(self, action: str, detail: str = "") -> None:
        """Record an action that matters (an export, a recovery). Detail must hold no personal data."""
        with self._db.atomic() as conn:
            conn.execute(
                "INSERT INTO audit_log (at, user, action, detail) VALUES (?, ?, ?, ?)",
                (time.time(), self.user, action, detail),
            )
