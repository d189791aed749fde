"""Readers and writers on the laptop (issue 15): a reader on one thread sees only what another
thread committed, and one read sees one state of the file, while the sync writes from its thread."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from desktop.services.excel_export import export_village
from desktop.storage import Store
from tests.desktop.storage.conftest import household

ROWS = 60


class HeldWrite:
    """A writer thread inside ``atomic()`` with every household's address changed, not committed,
    until ``finish`` says commit or roll back."""

    def __init__(self, store: Store, address: str) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()
        self.commit = False
        self.error: BaseException | None = None
        self._store = store
        self._address = address
        self.thread = threading.Thread(target=self._run, name="sync-writer")

    def _run(self) -> None:
        try:
            with self._store.atomic() as conn:
                conn.execute("UPDATE household SET address = ?", (self._address,))
                self.inside.set()
                self.release.wait(30)
                if not self.commit:
                    raise _RolledBack
        except _RolledBack:
            pass
        except BaseException as exc:
            self.error = exc
        finally:
            self.inside.set()

    def start(self) -> HeldWrite:
        self.thread.start()
        assert self.inside.wait(30)
        return self

    def finish(self, commit: bool) -> None:
        self.commit = commit
        self.release.set()
        self.thread.join(30)
        assert self.error is None, self.error


class _RolledBack(Exception):
    pass


def _fill(store: Store, n: int = ROWS) -> None:
    for i in range(n):
        store.household.create({**household(f"{i:03d}"), "address": "committed"})


def test_a_streamed_read_never_sees_another_threads_uncommitted_change(store: Store) -> None:
    _fill(store)
    stream = iter(store.household.iter_all())
    first = next(stream)
    writer = HeldWrite(store, "uncommitted").start()
    try:
        rest = list(stream)
    finally:
        writer.finish(commit=False)
    seen = [first["address"], *(r["address"] for r in rest)]
    assert len(seen) == ROWS
    assert seen.count("uncommitted") == 0
    assert store.household.count() == ROWS


def test_a_reader_is_not_held_up_by_a_write_in_progress(store: Store) -> None:
    _fill(store, 5)
    writer = HeldWrite(store, "uncommitted").start()
    try:
        got: list[list[str]] = []
        reader = threading.Thread(
            target=lambda: got.append([r["address"] for r in store.household.iter_all()])
        )
        reader.start()
        reader.join(30)
        assert not reader.is_alive(), "the reader waited for the writer"
        assert got == [["committed"] * 5]
    finally:
        writer.finish(commit=True)
    assert {r["address"] for r in store.household.iter_all()} == {"uncommitted"}


def test_a_reader_inside_its_own_write_sees_that_write(store: Store) -> None:
    _fill(store, 3)
    with store.atomic() as conn:
        conn.execute("UPDATE household SET address = 'mine'")
        assert {r["address"] for r in store.household.iter_all()} == {"mine"}
        assert store.household.get(store.household.ids()[0])["address"] == "mine"


def test_rows_of_a_query_are_the_committed_ones(store: Store) -> None:
    # A query's cursor read on after another thread began a write on the shared connection.
    _fill(store, 20)
    cursor = store.db.execute("SELECT address FROM household ORDER BY id")
    first = cursor.fetchone()
    writer = HeldWrite(store, "uncommitted").start()
    try:
        rest = cursor.fetchall()
    finally:
        writer.finish(commit=False)
    assert [first[0], *(r[0] for r in rest)] == ["committed"] * 20


def test_single_reads_wait_for_a_write_in_progress_and_see_its_outcome(store: Store) -> None:
    _fill(store, 3)
    ids = store.household.ids()
    writer = HeldWrite(store, "uncommitted").start()
    got: list[object] = []
    reader = threading.Thread(
        target=lambda: got.extend(
            [store.household.get(ids[0])["address"], [r["address"] for r in store.household.get_many(ids)]]
        )
    )
    reader.start()
    writer.finish(commit=False)
    reader.join(30)
    assert got == ["committed", ["committed"] * 3]


def test_the_export_reads_every_table_in_one_state(store: Store, tmp_path: Path) -> None:
    # Between the households and the persons, the sync (another thread) commits a new household
    # with a member and an income: the export shows all of it or none of it.
    from tests.desktop.storage.conftest import person

    hid = store.household.create(household("001"))
    store.person.create(person(hid))

    def sync_commits() -> None:
        new = store.household.create(household("002", "李四"))
        store.person.create(person(new, "李四", seq=7))
        store.income.create({"household_id": new, "year": 2024, "source": "wages", "amount_fen": 100})

    def progress(done: int, _total: int, _text: str) -> None:
        if done == 1:
            t = threading.Thread(target=sync_commits)
            t.start()
            t.join(30)

    out = tmp_path / "out.xlsx"
    counts = export_village(store, out, year=2024, today=date(2025, 3, 1), progress=progress)
    # The state when the export began (before the fix: 1 household, 2 persons, 1 income).
    assert counts == {"household": 1, "person": 1, "income": 0, "service": 0}
    sheets = load_workbook(out)
    assert sheets["家庭成员"].max_row == 2  # header and one person
    assert store.household.count() == 2


def test_closing_after_reads_leaves_one_file(tmp_path: Path) -> None:
    from desktop.storage import KdfParams

    path = tmp_path / "village.vdd"
    store = Store.create(path, "wang", "correct horse 42", "110101001001", kdf=KdfParams.fast_for_tests())
    _fill(store, 30)
    stream = iter(store.household.iter_all())
    next(stream)  # a read left half-way, as a closed page may leave one
    assert path.with_name("village.vdd-wal").stat().st_size > 0
    store.close()
    wal = path.with_name("village.vdd-wal")
    assert not wal.exists() or wal.stat().st_size == 0
