"""A backup is one file that is the whole store; restoring puts it back.

The data file alone is not the data: beside ``village.vdd`` are its write-ahead log while it is
open (``-wal``) and its key ring (``.keys``), without which it opens with no passphrase. So a
backup is one zip file (stored, not compressed: everything in it is encrypted already) holding

- ``village.vdd``       a copy of the SQLCipher database made from one read transaction (so a
                        sync writing meanwhile is all in or all out), under the same key, in
                        rollback-journal mode (one file, no ``-wal``), checked before it is kept;
- ``village.vdd.keys``  the key ring as it was (wrapped copies of the key only: the passphrases
                        of that day, and the county recovery key, open the backup);
- ``manifest.json``     format, village, time, and the size and SHA-256 of the two.

It is written next to the target under a temporary name, flushed to the disk and renamed, so a
USB stick pulled out half-way leaves the old backup or none, never half of one. No plaintext
anywhere: the temporary copy is as encrypted as the store.

``restore_backup`` checks the manifest, sizes and digests before it touches anything, keeps the
files it replaces beside them (``village.vdd.before-restore-<time>`` with its ``.keys``, a store
that still opens) and writes the new ones atomically.
No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.storage.database import Database, open_encrypted
from desktop.storage.errors import StoreCorrupt, StoreError
from desktop.storage.filelock import StoreLock
from desktop.storage.keyring import KeyRing, keyring_path

SUFFIX = ".vddbak"
FORMAT = 1
DATA_NAME = "village.vdd"
KEYS_NAME = "village.vdd.keys"
MANIFEST_NAME = "manifest.json"
MAX_KEYS_BYTES = 1 << 20
MAX_MANIFEST_BYTES = 1 << 16
_CHUNK = 1 << 20


class BackupError(StoreError):
    """A backup file that cannot be restored (not one, damaged, or of another format)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    village_code: str
    made_at: float
    data_bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    # Windows cannot open a folder for fsync; its rename is durable enough with the file synced.
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_backup(db: Database, key: bytes | bytearray, ring: KeyRing, target: Path | str) -> BackupInfo:
    """Write the store behind ``db`` (opened with ``key``, its key ring ``ring``) to ``target``."""
    target = Path(target)
    if target.suffix.lower() != SUFFIX:
        target = target.with_name(target.name + SUFFIX)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{os.getpid()}-{time.monotonic_ns()}"
    copy = folder / f".{target.name}.{stamp}.db"
    part = folder / f".{target.name}.{stamp}.part"
    try:
        _copy_database(db, key, copy)
        keys = json.dumps({**ring.to_json(), "failures": {}}, indent=1, sort_keys=True).encode("utf-8")
        made_at = time.time()
        data_bytes = copy.stat().st_size
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "kind": "village-desk-backup",
            "village_code": ring.village_code,
            "made_at": made_at,
            "files": {
                DATA_NAME: {"bytes": data_bytes, "sha256": _sha256(copy)},
                KEYS_NAME: {"bytes": len(keys), "sha256": hashlib.sha256(keys).hexdigest()},
            },
        }
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True))
            archive.writestr(KEYS_NAME, keys)
            archive.write(copy, DATA_NAME)
        with part.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(part, target)
        _fsync_dir(folder)
        return BackupInfo(target, ring.village_code, made_at, data_bytes)
    finally:
        for leftover in (copy, part, copy.with_name(copy.name + "-journal")):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)


def _copy_database(db: Database, key: bytes | bytearray, copy: Path) -> None:
    """A checked copy of the database under the same key, from one read transaction."""
    target = open_encrypted(copy, key, create=True)
    try:
        with db.snapshot() as source:
            source.backup(target)
        # One file: no -wal beside the copy, and it opens as it is.
        target.execute("PRAGMA journal_mode = DELETE")
        row = target.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise StoreCorrupt("the copy did not pass its check")
    finally:
        target.close()


# -- restoring ----------------------------------------------------------------------------------


def read_manifest(backup: Path | str) -> dict[str, Any]:
    """The manifest of a backup file, checked against the files it names (sizes and digests).
    Raises BackupError."""
    backup = Path(backup)
    try:
        with zipfile.ZipFile(backup) as archive:
            return _checked(archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError("not a Village Data Desk backup, or a damaged one") from exc


def _checked(archive: zipfile.ZipFile) -> dict[str, Any]:
    names = sorted(info.filename for info in archive.infolist())
    if names != sorted((DATA_NAME, KEYS_NAME, MANIFEST_NAME)):
        raise BackupError("not a Village Data Desk backup (other files inside)")
    info = archive.getinfo(MANIFEST_NAME)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupError("the backup's description is too large")
    try:
        manifest = json.loads(archive.read(MANIFEST_NAME))
        files = manifest["files"]
        if manifest.get("kind") != "village-desk-backup" or manifest.get("format") != FORMAT:
            raise BackupError("a backup of another format (made by a newer version?)")
        for name in (DATA_NAME, KEYS_NAME):
            expected = int(files[name]["bytes"])
            if archive.getinfo(name).file_size != expected:
                raise BackupError("the backup is damaged (a file has the wrong size)")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("the backup's description is damaged") from exc
    if archive.getinfo(KEYS_NAME).file_size > MAX_KEYS_BYTES:
        raise BackupError("the backup's key ring is too large")
    for name in (DATA_NAME, KEYS_NAME):
        digest = hashlib.sha256()
        with archive.open(name) as f:
            while block := f.read(_CHUNK):
                digest.update(block)
        if digest.hexdigest() != files[name]["sha256"]:
            raise BackupError("the backup is damaged (a file does not match its checksum)")
    try:
        KeyRing.from_json(json.loads(archive.read(KEYS_NAME)))
    except (StoreCorrupt, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError("the backup's key ring is damaged") from exc
    return dict(manifest)


def restore_backup(backup: Path | str, store_path: Path | str) -> list[Path]:
    """Put the store in ``backup`` at ``store_path``. The files it replaces (data file, its -wal,
    key ring) are kept beside it as the store ``<name>.before-restore-<time>``; returns them.

    The store must not be open (StoreInUse otherwise). Raises BackupError for a file that is not a
    good backup, having changed nothing."""
    backup, store_path = Path(backup), Path(store_path)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    lock = StoreLock(store_path).acquire()
    try:
        with zipfile.ZipFile(backup) as archive:
            _checked(archive)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            data_tmp = store_path.with_name(f".{store_path.name}.restoring")
            keys_tmp = store_path.with_name(f".{store_path.name}.keys.restoring")
            try:
                for name, tmp in ((DATA_NAME, data_tmp), (KEYS_NAME, keys_tmp)):
                    with archive.open(name) as src, tmp.open("wb") as dst:
                        while block := src.read(_CHUNK):
                            dst.write(block)
                        dst.flush()
                        os.fsync(dst.fileno())
                kept = _set_aside(store_path, stamp)
                # The key ring last: until it is in place the old ring does not open the new file,
                # and an unlock says "damaged" rather than opening half of a restore.
                os.replace(data_tmp, store_path)
                os.replace(keys_tmp, keyring_path(store_path))
                _fsync_dir(store_path.parent)
            finally:
                data_tmp.unlink(missing_ok=True)
                keys_tmp.unlink(missing_ok=True)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise BackupError("not a Village Data Desk backup, or a damaged one") from exc
    finally:
        lock.release()
    return kept


def _set_aside(store_path: Path, stamp: str) -> list[Path]:
    """Rename the store's files so they still form a store (``<aside>``, ``<aside>-wal``,
    ``<aside>.keys``) that opens with its own passphrase; the -shm index is rebuilt, not kept."""
    aside = store_path.with_name(f"{store_path.name}.before-restore-{stamp}")
    kept = []
    for path, new in (
        (store_path, aside),
        (store_path.with_name(store_path.name + "-wal"), aside.with_name(aside.name + "-wal")),
        (keyring_path(store_path), keyring_path(aside)),
    ):
        if path.exists():
            os.replace(path, new)
            kept.append(new)
    store_path.with_name(store_path.name + "-shm").unlink(missing_ok=True)
    return kept
