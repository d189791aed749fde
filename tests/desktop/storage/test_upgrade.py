"""Upgrade in place: a store written by release 0.1.0 (committed files, see release_fixture.py) opens
with this build, gets every newer migration, and keeps its records, pending changes, sync state,
users and county recovery."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.storage import KdfParams, Store
from desktop.storage.migrations import MIGRATIONS, applied

from . import release_fixture as rf


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    for name in (rf.STORE, rf.STORE + ".keys"):
        shutil.copy2(rf.FOLDER / name, tmp_path / name)
    return tmp_path / rf.STORE


def test_the_fixture_is_an_encrypted_0_1_0_store() -> None:
    raw = (rf.FOLDER / rf.STORE).read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(rf.FOLDER / rf.STORE).execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_opening_an_old_store_runs_the_new_migrations_and_keeps_everything(old_store: Path) -> None:
    with Store.unlock(old_store, rf.USER, rf.PASSPHRASE) as store:
        names = applied(store.db)
        assert names == [name for name, _ in MIGRATIONS]
        assert names[: len(rf.MIGRATIONS_0_1_0)] == rf.MIGRATIONS_0_1_0
        (hid,) = store.household.ids(household_no=rf.HOUSEHOLD["household_no"])
        record = store.household.get(hid)
        assert {k: record[k] for k in rf.HOUSEHOLD} == rf.HOUSEHOLD
        persons = store.person.count()
        pending = store.pending_count()
        assert (
            persons >= 15
            and pending == store.household.count() + persons + store.income.count() + store.service.count()
        )
        assert store.state_get("server_url") == rf.SERVER_URL
        assert store.state_get("device_id") == rf.DEVICE_ID and store.state_get("cursor") == rf.CURSOR
        pid = store.person.ids()[0]
        store.person.update(pid, {"phone": "13800000000"})  # still writable, still captured
        after = store.pending_count()
        assert after >= pending
    # Reopened: nothing more to migrate, the new write kept.
    with Store.unlock(old_store, rf.USER, rf.PASSPHRASE) as store:
        assert applied(store.db) == [name for name, _ in MIGRATIONS]
        assert store.person.get(pid)["phone"] == "13800000000" and store.pending_count() == after


def test_county_recovery_still_opens_an_upgraded_store(old_store: Path) -> None:
    Store.unlock(old_store, rf.USER, rf.PASSPHRASE).close()
    private = (rf.FOLDER / "county-recovery.pem").read_bytes()
    with Store.recover(
        old_store, private, "it", "new passphrase 99", kdf=KdfParams.fast_for_tests()
    ) as store:
        assert store.household.ids(household_no=rf.HOUSEHOLD["household_no"])
    Store.unlock(old_store, rf.USER, rf.PASSPHRASE).close()  # the old user still unlocks


def test_a_wrong_passphrase_leaves_an_old_store_unmigrated(old_store: Path) -> None:
    from desktop.storage import WrongPassphrase

    before = old_store.read_bytes()
    with pytest.raises(WrongPassphrase):
        Store.unlock(old_store, rf.USER, "not the passphrase")
    assert old_store.read_bytes() == before
