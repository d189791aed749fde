"""Schema migrations: named, ordered, recorded in the file, and an older file is brought forward."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.storage import Store
from desktop.storage.database import Database, open_encrypted
from desktop.storage.keyring import KeyRing, keyring_path
from desktop.storage.keys import derive_kek, unwrap
from desktop.storage.migrations import MIGRATIONS, applied, migrate
from tests.desktop.storage.conftest import PASS, VILLAGE


def _raw_database(path: Path, *, create: bool = False) -> Database:
    ring = KeyRing.load(keyring_path(path))
    slot = ring.users["wang"]
    key = unwrap(
        derive_kek(PASS.encode(), slot.salt, slot.kdf), slot.wrapped, ring.user_associated_data("wang")
    )
    assert key is not None
    return Database(open_encrypted(path, key, create=create))


def test_new_store_records_every_migration_in_order(store: Store) -> None:
    assert applied(store.db) == [name for name, _ in MIGRATIONS]
    assert migrate(store.db) == []  # running again does nothing


def test_older_file_is_migrated_forward_keeping_its_data(db_path: Path, kdf) -> None:
    # A file as the first release wrote it: made with a key ring, but only migration 0001 applied.
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf).close()
    db_path.unlink()
    db = _raw_database(db_path, create=True)  # same key ring, so the same key: a new, empty file
    assert migrate(db, MIGRATIONS[:1]) == ["0001_initial"]
    with db.atomic() as conn:
        conn.execute(
            "INSERT INTO household (id, village_code, household_no, head_name, address, category, status)"
            " VALUES (?, ?, '001', '张三', '一组', 'ordinary', 'active')",
            ("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", VILLAGE),
        )
    db.close()
    with Store.unlock(db_path, "wang", PASS) as s:
        assert applied(s.db) == [name for name, _ in MIGRATIONS]
        assert s.household.get("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")["head_name"] == "张三"
        s.audit("export", "test")  # the table 0002 adds is there


def test_failed_migration_leaves_the_file_as_it_was(store: Store) -> None:
    def broken(db) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("bug in migration")

    with pytest.raises(RuntimeError):
        migrate(store.db, [*MIGRATIONS, ("0099_broken", broken)])
    assert "0099_broken" not in applied(store.db)
    assert not store.db.query("SELECT name FROM sqlite_master WHERE name = 'half_done'")
