"""A county that takes a backup and later restores it, with the laptops enrolled with it: the world of
the restore tests (``test_sync_restore*.py``) and of the random rounds.

``restorable(backend, tmp_path)`` starts the county (SQLite file or a throwaway PostgreSQL database)
and yields a ``Restorable``: ``.laptop(name)`` enrols one, ``.take()`` and ``.restore(renew=...)``
do what county IT does, ``.county`` is the server running now (a restore starts a new one). On exit,
failed test or not, every laptop still open is closed, the county stopped and the backup dropped.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg

from sync.server import cli, embedded
from sync.server.store import Store as CountyStore
from tests.no_value_lost import Ledger, assert_no_value_lost
from tests.sync_world import (
    PG_ADMIN,
    VILLAGE,
    County,
    Laptop,
    assert_laptop_equals_server,
    postgres_database,
    server_records,
    start_county,
)


class Backups:
    """Take a copy of the county database and put it back, as county IT would."""

    def __init__(self, county: County, database: str) -> None:
        self.county = county
        self.database = database
        self.port = int(county.url.rsplit(":", 1)[1])

    def _restart(self) -> None:
        store = CountyStore(self.database)
        server = embedded.start(store, migrate=False, port=self.port)
        server._owns_store = True
        self.county.server = server

    def take(self) -> None:
        if self.database.startswith("postgresql"):
            self.county.stop()  # a template copy needs the database idle
            name = self.database.rsplit("/", 1)[1]
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}_bak"')  # an earlier backup
                conn.execute(f'CREATE DATABASE "{name}_bak" TEMPLATE "{name}"')
            self._restart()
        else:  # the online backup API: a consistent copy while the server runs
            # Closed here, not left to the collector: an open copy may still hold pages in its WAL.
            src, dst = sqlite3.connect(self.database), sqlite3.connect(self.database + ".bak")
            with closing(src), closing(dst):
                src.backup(dst)

    def restore(self, *, renew: bool = True) -> None:
        self.county.stop()
        if self.database.startswith("postgresql"):
            name = self.database.rsplit("/", 1)[1]
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_bak"')
        else:
            for suffix in ("-wal", "-shm"):
                Path(self.database + suffix).unlink(missing_ok=True)
            shutil.copyfile(self.database + ".bak", self.database)
        if renew:
            assert cli.main(["--db", self.database, "restored"]) == 0
        self._restart()

    def drop(self) -> None:
        if self.database.startswith("postgresql"):
            name = self.database.rsplit("/", 1)[1]
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}_bak" WITH (FORCE)')


class Restorable:
    """The county, its backups and the laptops enrolled with it (each a file in ``directory``)."""

    def __init__(self, backups: Backups, directory: Path) -> None:
        self.backups = backups
        self.directory = directory
        self.laptops: list[Laptop] = []
        """Every laptop enrolled, in order."""

    @property
    def county(self) -> County:
        """The county server running now (a restore starts a new one)."""
        return self.backups.county

    def laptop(self, name: str) -> Laptop:
        self.laptops.append(Laptop(self.directory / f"{name}.db", self.county, name))
        return self.laptops[-1]

    def take(self) -> None:
        """The county's backup."""
        self.backups.take()

    def restore(self, *, renew: bool = True) -> None:
        """Put the backup back; ``renew``: and run ``county-server restored``, as county IT should."""
        self.backups.restore(renew=renew)

    def close_laptops(self) -> None:
        for lap in self.laptops:
            if lap.store.is_open:
                lap.close()


@contextmanager
def restorable(backend: str, tmp_path: Path) -> Iterator[Restorable]:
    with postgres_database() if backend == "postgres" else _nothing(str(tmp_path / "county.db")) as database:
        county = start_county(database)
        backups = Backups(county, database)
        world = Restorable(backups, tmp_path)
        try:
            yield world
        finally:
            try:
                world.close_laptops()
            finally:
                backups.county.stop()
                backups.drop()


@contextmanager
def _nothing(value: str) -> Iterator[str]:
    yield value


def fill_households(lap: Laptop, households: int, tag: str) -> list[str]:
    """``households`` new households on ``lap`` in one transaction (numbers ``tag0000`` on)."""
    ids = []
    with lap.store.atomic():
        for i in range(households):
            ids.append(
                lap.store.household.create(
                    {
                        "household_no": f"{tag}{i:04d}",
                        "head_name": f"户主{tag}{i}",
                        "address": f"{tag} 村道 {i} 号",
                        "category": "ordinary",
                        "status": "active",
                    }
                )
            )
    return ids


class Written:
    """Laptop edits through the repositories, noted in a ``Ledger`` (what must not be lost)."""

    def __init__(self) -> None:
        self.ledger = Ledger()

    def fill(self, lap: Laptop, households: int, tag: str) -> list[str]:
        ids = fill_households(lap, households, tag)
        for hid in ids:
            row = lap.store.household.get(hid)
            fields = {k: row[k] for k in ("household_no", "head_name", "address", "category", "status")}
            self.ledger.wrote(lap.name, VILLAGE, "household", hid, fields)
        return ids

    def edit(self, lap: Laptop, hid: str, fields: dict[str, object]) -> None:
        before = lap.store.household.get(hid)
        for name in fields:
            self.ledger.replaced(hid, name, before.get(name))
        lap.store.household.update(hid, fields)
        self.ledger.wrote(lap.name, VILLAGE, "household", hid, fields)


def county_items(county: County) -> list[dict]:
    """The county's open items (conflict rows), as township staff see them."""
    return county.staff().conflicts()


def assert_no_echo_items(county: County) -> None:
    """No open item whose village value equals the county value (issue 15, item 4)."""
    server = server_records(county)
    for row in county.staff().conflicts():
        if row["field"] == "_deleted":
            now = server[row["record_id"]]["deleted"]
        else:
            now = server[row["record_id"]]["data"].get(row["field"])
        assert row["village_value"] != now, row


def sync_until_settled(world: Restorable, order: Sequence[Laptop], *, rounds: int = 2) -> None:
    """Every laptop in ``order`` syncs ``rounds`` times, none refused; then each has nothing
    pending, needs no re-sync more and holds what the county holds."""
    for _ in range(rounds):
        for lap in order:
            report = lap.sync()
            assert not report.rejected, (lap.name, report.rejected)
    for lap in world.laptops:
        assert lap.service.pending_count() == 0
        assert not lap.sync().resynced  # settled
        assert_laptop_equals_server(lap, world.county)


def assert_every_value_kept(county: County, written: Written, records: Iterable[str]) -> None:
    """The county holds exactly ``records``, every value written is applied, open or in the history,
    and no item opens on a value the county already holds."""
    assert set(records) == set(server_records(county))
    assert_no_value_lost(county.store, written.ledger.expected())
    assert_no_echo_items(county)
