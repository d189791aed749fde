"""A damaged, emptied, cut or full data file: a clear StoreError, nothing created or overwritten.

Every test works on the real encrypted store: bytes are damaged in the file itself, the disk is
filled for real (a small tmpfs, when this machine lets the tests mount one) and by SQLite's own
page limit (same SQLITE_FULL path, everywhere)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlcipher3

from desktop.storage import Store, StoreCorrupt, StoreFull, StoreLocked
from tests.desktop.storage.conftest import PASS, VILLAGE, household, person

PAGE = 4096


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def _filled(db_path: Path, kdf, persons: int = 60) -> None:
    with Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf) as s:
        s.state_set("server_url", "https://county.example")
        with s.atomic():
            hid = s.household.create(household())
            for i in range(persons):
                s.person.create(person(hid, "张三", seq=10 + i, relation="child"))


def _root_page(db_path: Path, table: str) -> int:
    with Store.unlock(db_path, "wang", PASS) as s:
        return int(s.db.query("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))[0][0])


def _damage_page(db_path: Path, page: int) -> None:
    with open(db_path, "r+b") as f:
        f.seek((page - 1) * PAGE + 200)
        f.write(os.urandom(64))


# -- item 3: an empty or cut file ---------------------------------------------------------------------


def test_an_empty_data_file_does_not_unlock_as_a_new_store(db_path: Path, kdf) -> None:
    _filled(db_path, kdf)
    db_path.write_bytes(b"")  # a crash of the disk, a bad copy, a sync tool: 0 bytes left
    before = _snapshot(db_path.parent)
    with pytest.raises(StoreCorrupt) as err:
        Store.unlock(db_path, "wang", PASS)
    assert "empty" in str(err.value)
    assert db_path.stat().st_size == 0  # nothing was written into it
    assert _snapshot(db_path.parent) == before  # no -wal, no -shm, key ring (failure count, …) unchanged


@pytest.mark.parametrize("cut", ["half_first_page", "one_page", "mid_page", "last_page"])
def test_a_cut_data_file_is_refused_and_left_as_it_was(db_path: Path, kdf, cut: str) -> None:
    _filled(db_path, kdf, persons=200)
    size = db_path.stat().st_size
    assert size >= 6 * PAGE
    keep = {
        "half_first_page": PAGE // 2,
        "one_page": PAGE,
        "mid_page": size // 2 + PAGE // 3,
        "last_page": size - PAGE,
    }[cut]
    with open(db_path, "r+b") as f:
        f.truncate(keep)
    before = db_path.read_bytes()
    with pytest.raises(StoreCorrupt), Store.unlock(db_path, "wang", PASS) as s:
        # Opening may succeed when the cut spares every page read at unlock: the first read of
        # a missing page must then say so, never answer "no rows".
        s.person.count()
        list(s.person.iter_all())
    assert db_path.read_bytes() == before


def test_a_missing_data_file_is_not_created(db_path: Path, kdf) -> None:
    _filled(db_path, kdf)
    db_path.unlink()
    with pytest.raises(StoreCorrupt):
        Store.unlock(db_path, "wang", PASS)
    assert not db_path.exists()


# -- item 9: damaged pages --------------------------------------------------------------------------


def test_a_damaged_page_read_after_unlock_is_store_corrupt(db_path: Path, kdf) -> None:
    _filled(db_path, kdf, persons=200)
    _damage_page(db_path, _root_page(db_path, "person"))
    with Store.unlock(db_path, "wang", PASS) as s:  # the pages read at unlock are intact
        assert s.household.count() == 1
        for read in (
            lambda: s.person.count(),
            lambda: list(s.person.iter_all()),
            lambda: s.person.ids(),
        ):
            with pytest.raises(StoreCorrupt) as err:
                read()
            assert not isinstance(err.value, sqlcipher3.DatabaseError)
            assert isinstance(err.value.__cause__, sqlcipher3.DatabaseError)
        with pytest.raises(StoreCorrupt):
            s.person.create(person(s.household.ids()[0], seq=901))
        assert s.household.count() == 1  # the store stays usable for what is intact


def test_closing_a_damaged_store_closes_it_and_drops_the_key(db_path: Path, kdf) -> None:
    _filled(db_path, kdf)
    page = _root_page(db_path, "sync_state")
    s = Store.unlock(db_path, "wang", PASS)
    conn = s.db.conn
    _damage_page(db_path, page)
    conn.execute("PRAGMA shrink_memory")  # forget the cached copy: the next use reads the disk
    s.close()  # saving the clock fails on the damaged page; the store closes all the same
    assert not s.is_open
    assert bytes(s._key) == bytes(len(s._key))
    with pytest.raises(sqlcipher3.ProgrammingError):
        conn.execute("SELECT 1")  # the connection itself is closed, not just forgotten
    with pytest.raises(StoreLocked):
        s.household.count()
    s.close()  # twice is harmless


# -- item 9: a full disk ----------------------------------------------------------------------------


def _fill_until_full(s: Store, hid: str, most: int = 20_000) -> StoreFull:
    counts = (s.person.count(), s.pending_count())
    for i in range(most):
        before = (s.person.count(), s.pending_count())
        try:
            birth = date(1980, 1, 1) + timedelta(days=i // 800)
            s.person.create(person(hid, "张三" * 10, seq=100 + i % 800, relation="child", birth=birth))
        except StoreFull as exc:
            # Nothing of the refused save was kept: not the row, not its outbox entry.
            assert (s.person.count(), s.pending_count()) == before
            assert before[0] > counts[0] or i == 0
            return exc
    raise AssertionError("the disk never filled up")


def test_a_full_disk_by_sqlite_page_limit_is_store_full(db_path: Path, kdf) -> None:
    _filled(db_path, kdf, persons=5)
    with Store.unlock(db_path, "wang", PASS) as s:
        hid = s.household.ids()[0]
        pages = int(s.db.query("PRAGMA page_count")[0][0])
        s.db.query(f"PRAGMA max_page_count = {pages + 3}")
        exc = _fill_until_full(s, hid)
        assert "disk is full" in str(exc)
        assert s.person.count() >= 5  # reading goes on
        s.db.query("PRAGMA max_page_count = 1000000")
        s.person.create(person(hid, "李四", seq=999))  # room again: saving works again


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB filesystem (tmpfs); needs the right to mount (root in CI containers)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("mounts a tmpfs: Linux only (Windows has no small filesystem to mount)")
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip("this machine does not let the tests mount a small filesystem")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_really_full_disk_is_store_full_and_nothing_half_written(small_disk: Path, kdf) -> None:
    db_path = small_disk / "village.db"
    s = Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf)
    hid = s.household.create(household())
    free = shutil.disk_usage(small_disk).free
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"\0" * max(free - 48 * 1024, 0))  # leave 48 KiB: a few saves
    _fill_until_full(s, hid)
    saved = s.person.count()
    ballast.unlink()  # the official frees some space
    s.person.create(person(hid, "王五", seq=777))
    s.close()
    with Store.unlock(db_path, "wang", PASS) as again:
        assert again.person.count() == saved + 1
        assert again.db.query("PRAGMA integrity_check")[0][0] == "ok"


# Windows forbids "?" in a file name; the other URI characters are tried there too.
ODD_NAME = "odd#name&x=1%20" if sys.platform == "win32" else "odd#name?&x=1%20"


@pytest.mark.parametrize("folder", ["村 数据", ODD_NAME, "Program Files (x86)"])
def test_the_data_file_opens_wherever_it_is(tmp_path: Path, kdf, folder: str) -> None:
    """The file is opened through a SQLite URI (``mode=rw``): names with spaces, Chinese, ``#``,
    ``?`` or ``%`` must still name that very file."""
    db_path = tmp_path / folder / "village.db"
    with Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf) as s:
        s.household.create(household())
    with Store.unlock(db_path, "wang", PASS) as s:
        assert s.household.count() == 1
    assert sorted(p.name for p in db_path.parent.iterdir()) == [
        "village.db",
        "village.db.keys",
        "village.db.lock",
    ]
