"""Keys and unlocking: wrong passphrase, two users, passphrase change, recovery, corrupt files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop.storage import (
    RecoveryFailed,
    Store,
    StoreCorrupt,
    StoreLocked,
    UnknownUser,
    UnlockDelayed,
    WeakPassphrase,
    WrongPassphrase,
    generate_recovery_keypair,
)
from desktop.storage.keyring import keyring_path
from tests.desktop.storage.conftest import PASS, VILLAGE, household, person


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_create_then_unlock_reads_the_same_data(db_path: Path, kdf) -> None:
    with Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf) as s:
        hid = s.household.create(household())
    with Store.unlock(db_path, "wang", PASS) as s:
        assert s.household.get(hid)["head_name"] == "张三"
        assert s.village_code == VILLAGE


def test_wrong_passphrase_opens_nothing_and_delay_grows(db_path: Path, kdf) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf).close()
    data_before = db_path.read_bytes()
    clock = Clock()
    delays = []
    for _ in range(4):
        with pytest.raises(WrongPassphrase) as err:
            Store.unlock(db_path, "wang", "not the passphrase", now=clock)
        delays.append(err.value.delay_seconds)
        # Trying again before the delay ran out is refused without even deriving a key.
        if err.value.delay_seconds:
            with pytest.raises(UnlockDelayed):
                Store.unlock(db_path, "wang", PASS, now=clock)
        clock.t += err.value.delay_seconds
    assert delays == [1, 2, 4, 8]
    assert db_path.read_bytes() == data_before
    assert "not the passphrase" not in str(err.value)
    # The right passphrase after the wait opens it and clears the count.
    Store.unlock(db_path, "wang", PASS, now=clock).close()
    ring = json.loads(keyring_path(db_path).read_text())
    assert ring["failures"] == {}


def test_unknown_user(store: Store, db_path: Path) -> None:
    store.close()  # one store open at a time (test_store_lock)
    with pytest.raises(UnknownUser):
        Store.unlock(db_path, "li", PASS)


def test_short_passphrase_refused(db_path: Path, kdf) -> None:
    with pytest.raises(WeakPassphrase):
        Store.create(db_path, "wang", "short", VILLAGE, kdf=kdf)
    assert not db_path.exists()


def test_two_users_open_the_same_store(store: Store, db_path: Path, kdf) -> None:
    hid = store.household.create(household())
    store.add_user("li", "another passphrase", kdf=kdf)
    store.close()
    with Store.unlock(db_path, "li", "another passphrase") as s:
        assert s.household.get(hid) is not None
        assert s.users() == ["li", "wang"]
    with pytest.raises(WrongPassphrase):
        Store.unlock(db_path, "li", PASS)  # one user's passphrase does not open another's slot
    Store.unlock(db_path, "wang", PASS).close()


def test_passphrase_change_rewraps_without_reencrypting(store: Store, db_path: Path, tmp_path: Path) -> None:
    hid = store.household.create(household())
    store.close()
    old_copy = tmp_path / "old.db"
    shutil.copy(db_path, old_copy)
    with Store.unlock(db_path, "wang", PASS) as s:
        with pytest.raises(WrongPassphrase):
            s.change_passphrase("wang", "wrong old one", "new passphrase!")
        s.change_passphrase("wang", PASS, "new passphrase!")
    # The data file from before the change opens with the new key ring: same database key.
    shutil.copy(keyring_path(db_path), keyring_path(old_copy))
    with Store.unlock(old_copy, "wang", "new passphrase!") as s:
        assert s.household.get(hid) is not None
    with pytest.raises(WrongPassphrase):
        Store.unlock(db_path, "wang", PASS)


def test_county_recovery(db_path: Path, kdf) -> None:
    private_pem, public_pem = generate_recovery_keypair()
    other_private, _ = generate_recovery_keypair()
    with Store.create(db_path, "wang", PASS, VILLAGE, recovery_public_key=public_pem, kdf=kdf) as s:
        hid = s.household.create(household())
    with pytest.raises(RecoveryFailed):
        Store.recover(db_path, other_private, "wang", "reset by county", kdf=kdf)
    with Store.recover(db_path, private_pem, "wang", "reset by county", kdf=kdf) as s:
        assert s.household.get(hid) is not None
        assert s.db.query("SELECT action FROM audit_log")[-1][0] == "recovered"
    Store.unlock(db_path, "wang", "reset by county").close()


def test_recovery_needs_a_provisioned_key(store: Store, db_path: Path, kdf) -> None:
    private_pem, _ = generate_recovery_keypair()
    store.close()
    with pytest.raises(RecoveryFailed):
        Store.recover(db_path, private_pem, "wang", "reset by county", kdf=kdf)


def test_damaged_key_ring_is_reported_not_crashed(store: Store, db_path: Path) -> None:
    store.close()
    keyring_path(db_path).write_text("{not json")
    with pytest.raises(StoreCorrupt):
        Store.unlock(db_path, "wang", PASS)


def test_damaged_data_file_is_reported_quietly(store: Store, db_path: Path, capfd) -> None:
    store.household.create(household())
    store.close()
    raw = bytearray(db_path.read_bytes())
    raw[100:4000] = b"\x00" * 3900  # inside page 1: its HMAC no longer matches
    db_path.write_bytes(bytes(raw))
    with pytest.raises(StoreCorrupt) as err:
        Store.unlock(db_path, "wang", PASS)
    assert "damaged" in str(err.value)
    out, errout = capfd.readouterr()
    assert "hmac" not in (out + errout).lower()  # SQLCipher's own logging stays silent


def test_key_ring_of_another_store_does_not_open_this_one(db_path: Path, tmp_path: Path, kdf) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf).close()
    other = tmp_path / "other.db"
    Store.create(other, "wang", PASS, VILLAGE, kdf=kdf).close()
    shutil.copy(keyring_path(other), keyring_path(db_path))
    with pytest.raises(StoreCorrupt):
        Store.unlock(db_path, "wang", PASS)


def test_no_personal_data_in_the_files_at_rest(store: Store, db_path: Path) -> None:
    hid = store.household.create(household(head="欧阳明辉"))
    record = person(hid, "欧阳明辉", seq=57)
    store.person.create(record)
    store.person.create(person(hid, "司马秀英", seq=62, relation="spouse"))
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the write is in the WAL while the store is open
    secrets = ["欧阳明辉", "司马秀英", record["resident_id"], "一组12号"]
    for path in (db_path, wal, keyring_path(db_path)):
        raw = path.read_bytes()
        for s in secrets:
            assert s.encode("utf-8") not in raw, f"{s!r} readable in {path.name}"
            assert s.encode("utf-16-le") not in raw
    assert not list(db_path.parent.glob("*.tmp")) and not list(db_path.parent.glob("etilqs_*"))


def test_a_locked_store_says_so(store: Store) -> None:
    hid = store.household.create(household())
    store.close()
    assert not store.is_open
    with pytest.raises(StoreLocked):
        store.household.get(hid)
    with pytest.raises(StoreLocked):
        store.household.create(household("002"))


def test_recovery_with_a_passphrase_protected_county_key(db_path: Path, kdf) -> None:
    private_pem, public_pem = generate_recovery_keypair(b"county vault phrase")
    Store.create(db_path, "wang", PASS, VILLAGE, recovery_public_key=public_pem, kdf=kdf).close()
    with pytest.raises(RecoveryFailed, match="passphrase"):
        Store.recover(db_path, private_pem, "wang", "reset by county", key_passphrase=b"nope", kdf=kdf)
    Store.unlock(db_path, "wang", PASS).close()  # a failed recovery changed nothing
    with Store.recover(
        db_path, private_pem, "wang", "reset by county", key_passphrase=b"county vault phrase", kdf=kdf
    ):
        pass
    Store.unlock(db_path, "wang", "reset by county").close()


def test_the_raw_key_never_passes_through_sql_text(db_path: Path, kdf, monkeypatch) -> None:
    """The key is handed to SQLCipher by sqlite3_key from a zeroed bytearray, never as the text of
    a PRAGMA (an immutable str, kept by the sqlite3 module's statement cache for the connection's
    life). Every statement of every connection the store opens is traced."""
    import sqlcipher3

    from desktop.storage import database

    statements: list[str] = []
    real_connect = sqlcipher3.connect

    def traced_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(database.sqlcipher3, "connect", traced_connect)
    with Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf) as s:
        key_hex = bytes(s._key).hex()
        s.household.create(household())
    with Store.unlock(db_path, "wang", PASS) as s:
        assert s.household.count() == 1
        assert s.db.query("PRAGMA cipher_memory_security")[0][0] == ("1" if database.MEMORY_SECURITY else "0")
    assert statements and not [q for q in statements if "key" in q.lower() and "x'" in q.lower()]
    assert not [q for q in statements if key_hex in q.lower()]
