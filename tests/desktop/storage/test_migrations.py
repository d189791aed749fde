"""Schema migrations: named, ordered, recorded in the file, and an older file is brought forward."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.storage import Store
from desktop.storage.database import Database, open_encrypted
from desktop.storage.keyring import KeyRing, keyring_path
from desktop.storage.keys import derive_kek, unwrap
from desktop.storage.migrations import MIGRATIONS, applied, migrate
from tests.desktop.storage.conftest import PASS, household


def _raw_database(path: Path) -> Database:
    ring = KeyRing.load(keyring_path(path))
    slot = ring.users["wang"]
    key = unwrap(
        derive_kek(PASS.encode(), slot.salt, slot.kdf), slot.wrapped, ring.user_associated_data("wang")
    )
    assert key is not None
    return Database(open_encrypted(path, key))


def test_new_store_records_every_migration_in_order(store: Store) -> None:
    assert applied(store.db) == [name for name, _ in MIGRATIONS]
    assert migrate(store.db) == []  # running again does nothing


def test_older_file_is_migrated_forward_keeping_its_data(store: Store, db_path: Path) -> None:
    hid = store.household.create(household())
    store.close()
    # Make it look like a file written by the first release: later tables gone, only 0001 recorded.
    db = _raw_database(db_path)
    with db.atomic() as conn:
        conn.execute("DROP TABLE audit_log")
        conn.execute("DROP TABLE rejection")
        conn.execute("DELETE FROM _migrations WHERE name != '0001_initial'")
    db.close()
    with Store.unlock(db_path, "wang", PASS) as s:
        assert applied(s.db) == [name for name, _ in MIGRATIONS]
        assert s.household.get(hid)["head_name"] == "张三"
        s.audit("export", "test")  # the table 0002 adds is there


def test_failed_migration_leaves_the_file_as_it_was(store: Store) -> None:
    def broken(db) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("bug in migration")

    with pytest.raises(RuntimeError):
        migrate(store.db, [*MIGRATIONS, ("0099_broken", broken)])
    assert "0099_broken" not in applied(store.db)
    assert not store.db.query("SELECT name FROM sqlite_master WHERE name = 'half_done'")
