"""The county restores its database from a backup: laptops whose cursor is ahead of the restored copy
re-sync from a snapshot (a new server epoch, or the counter behind their cursor) and send again
what the copy lacks; nothing acknowledged is lost, nothing is duplicated, pending edits survive."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest

from desktop.services.sync_service import http_remote
from sync.server import cli, embedded
from sync.server.store import Store as CountyStore
from tests.no_value_lost import Ledger, assert_no_value_lost
from tests.sync_world import (
    PG_ADMIN,
    VILLAGE,
    County,
    Laptop,
    postgres_database,
    server_records,
    start_county,
)
from tests.sync_world import assert_laptop_equals_server as equal

pytestmark = pytest.mark.slow


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


@contextmanager
def restorable(backend: str, tmp_path: Path) -> Iterator[Backups]:
    with postgres_database() if backend == "postgres" else _nothing(str(tmp_path / "county.db")) as database:
        county = start_county(database)
        backups = Backups(county, database)
        try:
            yield backups
        finally:
            backups.county.stop()
            backups.drop()


@contextmanager
def _nothing(value: str) -> Iterator[str]:
    yield value


def _fill(lap: Laptop, households: int, tag: str) -> list[str]:
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


def _open_conflicts(county: County) -> list[dict]:
    return county.staff().conflicts()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_restore_from_backup_loses_nothing(backend: str, renew: bool, tmp_path: Path) -> None:
    with restorable(backend, tmp_path) as backups:
        county = backups.county
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", county, name))
            return made[-1]

        try:
            a, b = laptop("a"), laptop("b")
            early = _fill(a, 20, "A")
            a.sync()
            b.sync()
            backups.take()  # the county's nightly backup
            # After the backup: a edits and creates, the server acknowledges, b pulls it all.
            late = _fill(a, 10, "L")
            for hid in early[:5]:
                a.store.household.update(hid, {"address": f"改后 {hid[-4:]}"})
            a.sync()
            assert a.service.pending_count() == 0
            b.sync()
            b.store.household.update(early[5], {"phone": "13800138000"})  # acknowledged, then lost
            b.sync()
            # Pending on a when the restore happens: an edit of a lost value and a new record.
            a.store.household.update(early[0], {"head_name": "新户主"})
            a.store.household.update(late[0], {"address": "未同步的新地址"})
            pending_new = _fill(a, 1, "P")[0]
            expected_a = {hid: r for hid, r in a.records("household").items()}
            expected_phone = b.records("household")[early[5]]["phone"]

            backups.restore(renew=renew)
            county = backups.county
            assert len(server_records(county)) == 20  # the copy lacks everything after the backup

            # A laptop enrolled after the restore changes something that a also has.
            c = laptop("c")
            c.sync()
            c.store.household.update(early[10], {"phone": "13900139000"})
            c_new = _fill(c, 3, "C")
            c.sync()

            report = a.sync()
            assert report.resynced
            assert a.service.pending_count() == 0
            server = server_records(county)
            for hid, row in expected_a.items():  # everything a had, pending edits included
                assert hid in server
                for name in ("household_no", "head_name", "address", "phone"):
                    if (hid, name) == (early[10], "phone"):
                        continue  # c changed it since
                    assert server[hid]["data"].get(name) == row[name], (hid, name)
            assert server[early[0]]["data"]["head_name"] == "新户主"
            assert server[late[0]]["data"]["address"] == "未同步的新地址"
            assert pending_new in server
            assert server[early[10]]["data"]["phone"] == "13900139000"  # c's change reached a...
            assert all(cid in a.records("household") for cid in c_new)  # ...and c's new records
            equal(a, county)

            assert b.sync().resynced
            assert server_records(county)[early[5]]["data"]["phone"] == expected_phone
            equal(b, county)
            c.sync()
            equal(c, county)
            a.sync()
            equal(a, county)
            # Nothing duplicated, nothing turned into a conflict with itself.
            assert len(server_records(county)) == 20 + 10 + 1 + 3
            conf = _open_conflicts(county)
            assert conf == [], [(x.get("field"), x.get("values"), x) for x in conf]
            assert not a.sync().resynced  # settled: the next run is an ordinary one
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


def test_a_push_under_an_old_epoch_is_refused_whole(county: County, laptops: Callable[..., Laptop]) -> None:
    """A batch naming another epoch stores nothing; one naming none (an older laptop) is taken."""
    from sync import protocol
    from sync.errors import RejectedError
    from sync.laptop.engine import CancelToken

    a = laptops("a")
    _fill(a, 2, "A")
    a.sync()
    epoch = a.service.replica.epoch()
    assert epoch  # learned from the pull
    remote = http_remote(a.service._config(CancelToken()))
    change = a.service.replica.pending_changes(10).changes
    assert change == []
    before = server_records(county)
    hid = next(iter(before))
    edit = protocol.Change(
        entity="household",
        id=hid,
        village_code=VILLAGE,
        fields={"phone": "13700137000"},
        base={},
        base_values={},
        base_seq=0,
        deleted=False,
        hlc=1,
        user="wang",
    )
    stale = protocol.PushRequest(batch_id="old-epoch-batch", changes=[edit], epoch="an-older-epoch")
    with pytest.raises(RejectedError) as err:
        remote.push(protocol.encode(stale))
    assert err.value.code == "epoch_changed" and err.value.status == 409
    assert server_records(county) == before  # nothing stored
    fresh = protocol.PushRequest(batch_id="this-epoch-batch", changes=[edit], epoch=epoch)
    assert remote.push(protocol.encode(fresh)).epoch == epoch
    older = protocol.PushRequest(batch_id="no-epoch-batch", changes=[edit])
    assert remote.push(protocol.encode(older)).results[0].status == "unchanged"
    assert remote.pull(0, 10).epoch == epoch
    assert remote.status()["epoch"] == epoch
    remote.close()


# --------------------------------------------------------------------------------------------------
# Issue 15: restores where a laptop pushes first, values waiting on the township, no value lost


class _Written:
    """Laptop edits through the repositories, noted in a ``Ledger`` (what must not be lost)."""

    def __init__(self) -> None:
        self.ledger = Ledger()

    def fill(self, lap: Laptop, households: int, tag: str) -> list[str]:
        ids = _fill(lap, households, tag)
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


def _no_echo_items(county: County) -> None:
    """No open item whose village value equals the county value (issue 15, item 4)."""
    server = server_records(county)
    for row in county.staff().conflicts():
        if row["field"] == "_deleted":
            now = server[row["record_id"]]["deleted"]
        else:
            now = server[row["record_id"]]["data"].get(row["field"])
        assert row["village_value"] != now, row


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
@pytest.mark.parametrize("first", ["push", "pull"], ids=["pushes-first", "pulls-first"])
def test_a_restore_where_a_laptop_syncs_first_loses_no_value(
    backend: str, renew: bool, first: str, tmp_path: Path
) -> None:
    """Issue 15, items 3 and 4: after the backup laptops sync changes the restored copy lacks; after
    the restore a laptop with many pending edits pushes first (or one with none pulls first). The
    server must notice it went back from what the laptop knew, and every value ends applied, open,
    or in the history; the first push refuses nothing and opens no item against itself."""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, b, c = laptop("a"), laptop("b"), laptop("c")
            w = _Written()
            early = w.fill(a, 30, "A")
            for lap in (a, b, c):
                lap.sync()
            backups.take()
            # After the backup: acknowledged changes the copy will lack.
            late = w.fill(a, 8, "L")
            for hid in early[:6]:
                w.edit(a, hid, {"address": f"改后 {hid[-4:]}"})
            a.sync()
            b.sync()
            for i, hid in enumerate(early[6:10]):
                w.edit(b, hid, {"phone": f"1380013{i:04d}"})
            b_new = w.fill(b, 3, "B")
            b.sync()
            c.sync()
            # A conflict after the backup: a and b on one field.
            w.edit(a, early[12], {"phone": "13911110000"})
            w.edit(b, early[12], {"phone": "13922220000"})
            a.sync()
            b.sync()
            c.sync()
            # Pending when the restore happens: many edits on a (lost values and copy values).
            for hid in early[13:28] + late[:4]:
                w.edit(a, hid, {"head_name": f"新户主{hid[-3:]}"})
            w.edit(a, early[0], {"category": "low_income"})
            pending_new = w.fill(a, 5, "P")

            backups.restore(renew=renew)
            county = backups.county

            if first == "push":
                report = a.sync()
                assert report.resynced and not report.rejected, report.rejected
                _no_echo_items(county)
                order = (b, c, a)
            else:
                assert c.sync().resynced
                order = (a, b, c)
            for _ in range(2):
                for lap in order:
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            for lap in made:
                assert lap.service.pending_count() == 0
                assert not lap.sync().resynced  # settled
                equal(lap, county)
            server = server_records(county)
            assert set(early + late + b_new + pending_new) == set(server)
            assert_no_value_lost(county.store, w.ledger.expected())
            _no_echo_items(county)
            open_fields = [(x["record_id"], x["field"]) for x in county.staff().conflicts()]
            assert set(open_fields) <= {(early[12], "phone")}
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
@pytest.mark.parametrize("first", ["push", "pull"], ids=["waiting-first", "author-first"])
def test_values_waiting_on_the_township_are_sent_again_after_a_restore(
    backend: str, renew: bool, first: str, tmp_path: Path
) -> None:
    """Issue 15, item 2: back up; a sets phone X, b sets Y, both sync (an item opens with Y);
    restore; sync. X is sent again by a and Y by b, so the item opens again with Y; b's waiting
    list names that item (it does not wait forever on one the county no longer has). A value
    waiting since before the backup is not sent twice into its item."""
    from desktop.services.review import ReviewService

    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, b = laptop("a"), laptop("b")
            w = _Written()
            hids = w.fill(a, 3, "A")
            a.sync()
            b.sync()
            w.edit(a, hids[1], {"address": "早先县里的地址"})  # an item open before the backup
            w.edit(b, hids[1], {"address": "早先村里的地址"})
            a.sync()
            b.sync()
            backups.take()
            w.edit(a, hids[0], {"phone": "13800000001"})
            w.edit(b, hids[0], {"phone": "13900000002"})
            a.sync()
            b.sync()
            assert {(r.field, r.my_value) for r in ReviewService(b.store).records("waiting")} == {
                ("phone", "13900000002"),
                ("address", "早先村里的地址"),
            }
            backups.restore(renew=renew)
            county = backups.county
            for _ in range(2):
                for lap in (b, a) if first == "push" else (a, b):
                    report = lap.sync()
                    assert not report.rejected, report.rejected
            items = {(x["record_id"], x["field"]): x for x in county.staff().conflicts()}
            assert set(items) == {(hids[0], "phone"), (hids[1], "address")}
            rows = county.staff().conflicts()
            assert sorted(x["village_value"] for x in rows) == ["13900000002", "早先村里的地址"]
            assert server_records(county)[hids[0]]["data"]["phone"] == "13800000001"
            assert_no_value_lost(county.store, w.ledger.expected())
            waiting = ReviewService(b.store).records("waiting")
            assert {(r.field, r.my_value) for r in waiting} == {
                ("phone", "13900000002"),
                ("address", "早先村里的地址"),
            }
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
            with county.store.read() as conn:  # every waiting row knows its item on the server
                from sqlalchemy import text

                open_ids = {
                    r[0] for r in conn.execute(text("SELECT id FROM review_items WHERE status = 'open'"))
                }
            known = {
                r[0] for r in b.store.db.query("SELECT item_id FROM review_wait WHERE status = 'waiting'")
            }
            assert known == open_ids
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("first", ["older", "newer"], ids=["older-copy-first", "newer-edit-first"])
def test_an_older_copy_of_a_lost_value_sent_first_does_not_overtake_the_newer(
    backend: str, first: str, tmp_path: Path
) -> None:
    """After the backup a sets the address to X, b pulls X, a edits it to Y (on X); the restore loses
    both. Whichever laptop re-syncs first, the county ends with Y (a's newer word), b's older copy X
    takes Y, and no item opens: the numbers a restore lost still say which of the two was newer."""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, b = laptop("a"), laptop("b")
            w = _Written()
            hid = w.fill(a, 1, "A")[0]
            a.sync()
            b.sync()
            backups.take()
            w.edit(a, hid, {"address": "一组1号"})
            a.sync()
            b.sync()  # b's copy: X, above the restore point
            w.edit(a, hid, {"address": "二组2号"})
            a.sync()  # b does not pull Y before the restore
            backups.restore()
            county = backups.county
            order = (b, a) if first == "older" else (a, b)
            for _ in range(2):
                for lap in order:
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            assert server_records(county)[hid]["data"]["address"] == "二组2号"
            assert_no_value_lost(county.store, w.ledger.expected())
            assert county.staff().conflicts() == []
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_a_lost_value_meets_an_ordinary_edit_made_since_the_restore(
    backend: str, renew: bool, tmp_path: Path
) -> None:
    """After the backup c sets the address to X and syncs; b, offline, sets Y on the older value.
    The restore loses X; b syncs first and Y is written, an ordinary edit that never saw X. When c
    re-syncs, X must not vanish under Y: it goes up as an item for the township (random rounds,
    seed 21). (b also synced a new household after the backup: a restore without ``restored`` is
    noticed only by a laptop that knew a later counter.)"""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            b, c = laptop("b"), laptop("c")
            w = _Written()
            hid = w.fill(b, 1, "A")[0]
            b.sync()
            c.sync()
            backups.take()
            w.fill(b, 1, "B")
            b.sync()  # b knows a counter the restored copy never reached (so it is noticed)
            w.edit(c, hid, {"address": "二组2号"})
            c.sync()  # acknowledged, then lost
            w.edit(b, hid, {"address": "一组1号"})  # b never saw X
            backups.restore(renew=renew)
            county = backups.county
            for _ in range(2):
                for lap in (b, c):
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            assert_no_value_lost(county.store, w.ledger.expected())
            items = county.staff().conflicts()
            assert [(x["record_id"], x["field"], x["village_value"]) for x in items] == [
                (hid, "address", "二组2号")
            ]
            _no_echo_items(county)
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("first", ["editor", "holder"], ids=["editor-first", "holder-first"])
def test_an_edit_made_on_a_lost_value_is_no_item_for_a_laptop_holding_that_value(
    backend: str, first: str, tmp_path: Path
) -> None:
    """After the backup a sets the address to X, b pulls X, then a edits it to Y on X offline; the
    restore loses X. Whichever re-syncs first, Y (made on X) is the county's value and b's copy X
    takes it: no item opens, since Y's author saw X."""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, b = laptop("a"), laptop("b")
            w = _Written()
            hid = w.fill(a, 1, "A")[0]
            a.sync()
            b.sync()
            backups.take()
            w.edit(a, hid, {"address": "一组1号"})
            a.sync()
            b.sync()  # b's copy: X, lost by the restore
            w.edit(a, hid, {"address": "二组2号"})  # pending on a: Y made on X
            backups.restore()
            county = backups.county
            for _ in range(2):
                for lap in (a, b) if first == "editor" else (b, a):
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            assert server_records(county)[hid]["data"]["address"] == "二组2号"
            assert_no_value_lost(county.store, w.ledger.expected())
            assert county.staff().conflicts() == []
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_a_delete_waiting_on_the_township_is_sent_again_when_the_record_was_edited_since(
    backend: str, renew: bool, tmp_path: Path
) -> None:
    """After the backup c edits a household and a deletes it offline: a delete item opens and a's
    record comes back. a then edits another field of it (pending at the restore). The restore loses
    the item; a's delete must go up again beside the edit, not be dropped for it (random rounds,
    seed 21)."""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, c = laptop("a"), laptop("c")
            w = _Written()
            hid = w.fill(a, 1, "A")[0]
            a.sync()
            c.sync()
            backups.take()
            w.edit(c, hid, {"category": "monitored"})
            c.sync()
            a.store.household.delete(hid)
            w.ledger.wrote("a", VILLAGE, "household", hid, {"_deleted": True})
            a.sync()
            assert [x["field"] for x in county_items(backups.county)] == ["_deleted"]
            assert not a.records("household")[hid]["deleted"]  # back, waiting on the township
            w.edit(a, hid, {"phone": "13700000003"})
            backups.restore(renew=renew)
            county = backups.county
            for _ in range(2):
                for lap in (a, c):
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            assert_no_value_lost(county.store, w.ledger.expected())
            _no_echo_items(county)
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_mark_of_an_earlier_restore_does_not_order_the_values_a_second_one_lost(
    backend: str, tmp_path: Path
) -> None:
    """A restore; a sends its lost address X0 again (version 6 of the history that restore lost:
    the server marks it). The county backs up again; c edits X0 to X1 (version 3 now) and b, offline,
    edits X0 to Y. A second restore loses X1; b syncs first and Y is written over X0. The old mark
    (lost version 6, of the first history) must not make c's X1 (version 3 of the second) look
    older: X1 goes up as an item, not lost."""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, b, c = laptop("a"), laptop("b"), laptop("c")
            w = _Written()
            hid = w.fill(a, 1, "A")[0]
            for lap in (a, b, c):
                lap.sync()
            backups.take()
            for i in range(4):  # lost by the first restore: the address at a high version
                w.edit(a, hid, {"address": f"旧址{i}"})
                a.sync()
            w.edit(a, hid, {"address": "一组1号"})
            a.sync()
            backups.restore()
            for lap in (a, b, c):
                report = lap.sync()
                assert not report.rejected, (lap.name, report.rejected)
            assert server_records(backups.county)[hid]["data"]["address"] == "一组1号"
            backups.take()
            w.edit(c, hid, {"address": "二组2号"})
            c.sync()  # acknowledged, then lost by the second restore
            w.edit(b, hid, {"address": "三组3号"})  # b never saw X1
            backups.restore()
            county = backups.county
            for _ in range(2):
                for lap in (b, c, a):
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            assert_no_value_lost(county.store, w.ledger.expected())
            items = county.staff().conflicts()
            assert [(x["record_id"], x["field"], x["village_value"]) for x in items] == [
                (hid, "address", "二组2号")
            ]
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_a_value_waiting_on_a_record_the_restored_copy_lacks_is_no_copy_of_the_county_value(
    backend: str, renew: bool, tmp_path: Path
) -> None:
    """A household made after the backup; c sets its address to X, a sets Y on the older value: an
    item, a waits with Y. The restore loses the household. a sends it again whole, with Y (its
    waiting value) in the address: Y must not be marked as the lost copy of X's version, or c's X
    would look no newer and vanish when c re-syncs (random rounds, seed 48)."""
    with restorable(backend, tmp_path) as backups:
        made: list[Laptop] = []

        def laptop(name: str) -> Laptop:
            made.append(Laptop(tmp_path / f"{name}.db", backups.county, name))
            return made[-1]

        try:
            a, c = laptop("a"), laptop("c")
            w = _Written()
            w.fill(a, 1, "A")
            a.sync()
            c.sync()
            backups.take()
            hid = w.fill(a, 1, "L")[0]
            a.sync()
            c.sync()
            w.edit(c, hid, {"address": "二组2号"})
            c.sync()
            w.edit(a, hid, {"address": "三组3号"})
            a.sync()
            assert [x["field"] for x in county_items(backups.county)] == ["address"]
            backups.restore(renew=renew)
            county = backups.county
            for _ in range(2):
                for lap in (a, c):
                    report = lap.sync()
                    assert not report.rejected, (lap.name, report.rejected)
            assert_no_value_lost(county.store, w.ledger.expected())
            _no_echo_items(county)
            for lap in made:
                assert lap.service.pending_count() == 0
                equal(lap, county)
        finally:
            for lap in made:
                if lap.store.is_open:
                    lap.close()


def county_items(county: County) -> list[dict]:
    return county.staff().conflicts()
