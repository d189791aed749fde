"""A backup is one encrypted file that is the whole store, and restoring it gives the store back
(issue 15): it opens with the passphrase, holds the data, shows no plaintext, is one consistent
state even while a write is in progress, and a bad file changes nothing."""

from __future__ import annotations

import threading
import time
import zipfile
from pathlib import Path

import pytest

from desktop.storage import KdfParams, Store, StoreInUse
from desktop.storage.backup import BackupError, read_manifest, restore_backup
from tests.desktop.storage.conftest import PASS, VILLAGE, household, person
from tests.desktop.storage.test_readers import HeldWrite


def _fill(store: Store) -> str:
    hid = store.household.create(household("001", "欧阳明远"))
    store.person.create(person(hid, "欧阳明远"))
    return store.person.get(store.person.ids()[0])["resident_id"]


def test_the_backup_opens_with_the_passphrase_and_holds_the_data(store: Store, tmp_path: Path) -> None:
    _fill(store)
    info = store.backup(tmp_path / "usb" / "村备份")
    assert info.path == tmp_path / "usb" / "村备份.vddbak"
    assert sorted(p.name for p in info.path.parent.iterdir()) == ["村备份.vddbak"]  # no temp files left
    assert read_manifest(info.path)["village_code"] == VILLAGE

    elsewhere = tmp_path / "new laptop" / "village.vdd"
    assert restore_backup(info.path, elsewhere) == []
    with Store.unlock(elsewhere, "wang", PASS) as again:
        assert again.household.count() == 1 and again.person.count() == 1
        assert again.person.get(again.person.ids()[0])["name"] == "欧阳明远"
        assert again.pending_count() == store.pending_count()
    assert not elsewhere.with_name("village.vdd-wal").exists()


def test_the_backup_holds_no_plaintext(store: Store, tmp_path: Path) -> None:
    rid = _fill(store)
    raw = store.backup(tmp_path / "b.vddbak").path.read_bytes()
    for secret in ("欧阳明远", rid, "一组12号"):
        assert secret.encode("utf-8") not in raw
    assert b"SQLite format 3" not in raw


def test_a_backup_taken_during_a_write_is_one_committed_state(store: Store, tmp_path: Path) -> None:
    _fill(store)
    target = tmp_path / "during.vddbak"
    writer = HeldWrite(store, "uncommitted").start()
    done: list[object] = []
    backing_up = threading.Thread(target=lambda: done.append(store.backup(target)))
    try:
        backing_up.start()
        # The copy is not held up by the write in progress (only the audit line after it waits).
        deadline = time.monotonic() + 60
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert target.exists()
    finally:
        writer.finish(commit=True)
        backing_up.join(60)
    assert done
    restored = tmp_path / "r" / "village.vdd"
    restore_backup(target, restored)
    with Store.unlock(restored, "wang", PASS) as again:
        assert [r["address"] for r in again.household.iter_all()] == ["一组12号"]
        assert again.db.query("PRAGMA integrity_check") == [("ok",)]
    assert [r["address"] for r in store.household.iter_all()] == ["uncommitted"]
    assert store.db.query("SELECT action FROM audit_log WHERE action = 'backup'") == [("backup",)]


def test_restoring_keeps_the_replaced_store_beside_it(tmp_path: Path, store: Store) -> None:
    _fill(store)
    backup = store.backup(tmp_path / "b").path
    target = tmp_path / "laptop" / "village.vdd"
    with Store.create(target, "li", "another pass 1", VILLAGE, kdf=KdfParams.fast_for_tests()) as other:
        other.household.create(household("999", "李四"))
    kept = restore_backup(backup, target)
    assert [p.name.split(".before-restore-")[0] for p in kept] == ["village.vdd", "village.vdd"]
    with Store.unlock(target, "wang", PASS) as again:
        assert again.household.count() == 1
    aside = next(p for p in kept if not p.name.endswith(".keys"))
    with Store.unlock(aside, "li", "another pass 1") as old:
        assert old.household.get(old.household.ids()[0])["head_name"] == "李四"


def test_an_open_store_is_not_replaced(store: Store, tmp_path: Path) -> None:
    backup = store.backup(tmp_path / "b").path
    with pytest.raises(StoreInUse):
        restore_backup(backup, store.path)
    assert store.household.count() == 0


@pytest.mark.parametrize("damage", ["flip a byte", "not a zip", "extra member", "truncated"])
def test_a_bad_backup_changes_nothing(store: Store, tmp_path: Path, damage: str) -> None:
    _fill(store)
    good = store.backup(tmp_path / "b").path
    bad = tmp_path / "bad.vddbak"
    raw = bytearray(good.read_bytes())
    if damage == "flip a byte":
        with zipfile.ZipFile(good) as archive:
            data = archive.getinfo("village.vdd")
        at = data.header_offset + 30 + len(data.filename) + 5000  # inside the data file
        raw[at] ^= 0xFF
        bad.write_bytes(raw)
    elif damage == "not a zip":
        bad.write_bytes(b"hello" * 100)
    elif damage == "truncated":
        bad.write_bytes(raw[: len(raw) // 2])
    else:
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item))
            dst.writestr("extra.txt", "x")
    target = tmp_path / "laptop" / "village.vdd"
    with Store.create(target, "li", "another pass 1", VILLAGE, kdf=KdfParams.fast_for_tests()):
        pass
    before = sorted(p.name for p in target.parent.iterdir())
    with pytest.raises(BackupError):
        restore_backup(bad, target)
    assert sorted(p.name for p in target.parent.iterdir()) == before
    Store.unlock(target, "li", "another pass 1").close()
