"""Schema migrations: named, ordered, recorded in the file, and an older file is brought forward."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.storage import Store
from desktop.storage.database import Database, open_encrypted
from desktop.storage.keyring import KeyRing, keyring_path
from desktop.storage.keys import derive_kek, unwrap
from desktop.storage.migrations import MIGRATIONS, applied, migrate
from tests.desktop.storage.conftest import PASS, VILLAGE, household


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


def _insert_all_then_commit(db) -> None:
    db["half_done"].insert_all([{"x": i} for i in range(3)])
    db.conn.commit()  # what sqlite-utils 3.x's helpers do inside (``with self.db.conn:``)


def _with_connection_block(db) -> None:
    with db.conn:  # sqlite3's own "commit on leaving the block"
        db.execute("CREATE TABLE half_done (x)")


def _executescript(db) -> None:
    db.conn.executescript("CREATE TABLE half_done (x); INSERT INTO half_done VALUES (1);")


def _sqlite_utils_commit(db) -> None:
    db["half_done"].insert({"x": 1})
    db.commit()


def _sqlite_utils_rollback(db) -> None:
    db["half_done"].insert({"x": 1})
    db.rollback()


def _raw_commit(db) -> None:
    db.execute("CREATE TABLE half_done (x)")
    db.execute("COMMIT")


def _cursor_commit(db) -> None:
    db.execute("CREATE TABLE half_done (x)")
    db.conn.cursor().execute("COMMIT")  # past every guard: at least it must not be recorded


@pytest.mark.parametrize(
    "step",
    [
        _insert_all_then_commit,
        _with_connection_block,
        _executescript,
        _sqlite_utils_commit,
        _sqlite_utils_rollback,
        _raw_commit,
    ],
)
def test_a_migration_stays_all_or_nothing_when_a_helper_commits_inside(store: Store, step) -> None:
    """Whatever commits a step attempts, a failure after it (or the attempt itself) leaves the
    file exactly as it was: no half-made table, no record of the migration."""

    def failing(db) -> None:
        step(db)
        db["other_half"].insert({"y": 1})
        raise RuntimeError("bug in migration")

    before = store.db.query("SELECT name FROM sqlite_master ORDER BY name")
    with pytest.raises(Exception):  # noqa: B017 - the step's own error or the refused commit
        migrate(store.db, [*MIGRATIONS, ("0099_broken", failing)])
    assert "0099_broken" not in applied(store.db)
    assert store.db.query("SELECT name FROM sqlite_master ORDER BY name") == before
    store.household.create(household())  # the connection is usable: no transaction left open
    assert not store.db.conn.in_transaction


def test_a_migration_using_sqlite_utils_helpers_still_applies(store: Store) -> None:
    def good(db) -> None:
        db["extra"].insert_all([{"id": i, "label": f"n{i}"} for i in range(5)], pk="id")
        db["extra"].create_index(["label"])
        db["extra"].transform(types={"label": str})
        db.executescript("CREATE TABLE extra2 (a); INSERT INTO extra2 VALUES (1);")

    assert migrate(store.db, [*MIGRATIONS, ("0099_good", good)]) == ["0099_good"]
    assert store.db.query("SELECT count(*) FROM extra")[0][0] == 5
    assert store.db.query("SELECT a FROM extra2")[0][0] == 1


def test_a_step_that_commits_through_a_raw_cursor_is_not_recorded(store: Store) -> None:
    def sneaky(db) -> None:
        _cursor_commit(db)

    with pytest.raises(Exception):  # noqa: B017
        migrate(store.db, [*MIGRATIONS, ("0099_sneaky", sneaky)])
    assert "0099_sneaky" not in applied(store.db)  # so it runs again, on a fixed release
    assert not store.db.conn.in_transaction
