"""After a county restore, values waiting on the township are sent again (issue 15, item 2): a field
value whose item the restore lost, a delete waiting when its record was edited since, and a value
waiting on a record the restored copy lacks (which must not pass for the lost copy of the county's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.restore_world import (
    Written,
    assert_no_echo_items,
    county_items,
    restorable,
    sync_until_settled,
)
from tests.no_value_lost import assert_no_value_lost
from tests.sync_world import VILLAGE, server_records
from tests.sync_world import assert_laptop_equals_server as equal

pytestmark = pytest.mark.slow


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

    with restorable(backend, tmp_path) as world:
        a, b = world.laptop("a"), world.laptop("b")
        w = Written()
        hids = w.fill(a, 3, "A")
        a.sync()
        b.sync()
        w.edit(a, hids[1], {"address": "早先县里的地址"})  # an item open before the backup
        w.edit(b, hids[1], {"address": "早先村里的地址"})
        a.sync()
        b.sync()
        world.take()
        w.edit(a, hids[0], {"phone": "13800000001"})
        w.edit(b, hids[0], {"phone": "13900000002"})
        a.sync()
        b.sync()
        assert {(r.field, r.my_value) for r in ReviewService(b.store).records("waiting")} == {
            ("phone", "13900000002"),
            ("address", "早先村里的地址"),
        }
        world.restore(renew=renew)
        county = world.county
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
        for lap in world.laptops:
            assert lap.service.pending_count() == 0
            equal(lap, county)
        with county.store.read() as conn:  # every waiting row knows its item on the server
            from sqlalchemy import text

            open_ids = {r[0] for r in conn.execute(text("SELECT id FROM review_items WHERE status = 'open'"))}
        known = {r[0] for r in b.store.db.query("SELECT item_id FROM review_wait WHERE status = 'waiting'")}
        assert known == open_ids


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_a_delete_waiting_on_the_township_is_sent_again_when_the_record_was_edited_since(
    backend: str, renew: bool, tmp_path: Path
) -> None:
    """After the backup c edits a household and a deletes it offline: a delete item opens and a's
    record comes back. a then edits another field of it (pending at the restore). The restore loses
    the item; a's delete must go up again beside the edit, not be dropped for it (random rounds,
    seed 21)."""
    with restorable(backend, tmp_path) as world:
        a, c = world.laptop("a"), world.laptop("c")
        w = Written()
        hid = w.fill(a, 1, "A")[0]
        a.sync()
        c.sync()
        world.take()
        w.edit(c, hid, {"category": "monitored"})
        c.sync()
        a.store.household.delete(hid)
        w.ledger.wrote("a", VILLAGE, "household", hid, {"_deleted": True})
        a.sync()
        assert [x["field"] for x in county_items(world.county)] == ["_deleted"]
        assert not a.records("household")[hid]["deleted"]  # back, waiting on the township
        w.edit(a, hid, {"phone": "13700000003"})
        world.restore(renew=renew)
        county = world.county
        sync_until_settled(world, (a, c))
        assert_no_value_lost(county.store, w.ledger.expected())
        assert_no_echo_items(county)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_a_value_waiting_on_a_record_the_restored_copy_lacks_is_no_copy_of_the_county_value(
    backend: str, renew: bool, tmp_path: Path
) -> None:
    """A household made after the backup; c sets its address to X, a sets Y on the older value: an
    item, a waits with Y. The restore loses the household. a sends it again whole, with Y (its
    waiting value) in the address: Y must not be marked as the lost copy of X's version, or c's X
    would look no newer and vanish when c re-syncs (random rounds, seed 48)."""
    with restorable(backend, tmp_path) as world:
        a, c = world.laptop("a"), world.laptop("c")
        w = Written()
        w.fill(a, 1, "A")
        a.sync()
        c.sync()
        world.take()
        hid = w.fill(a, 1, "L")[0]
        a.sync()
        c.sync()
        w.edit(c, hid, {"address": "二组2号"})
        c.sync()
        w.edit(a, hid, {"address": "三组3号"})
        a.sync()
        assert [x["field"] for x in county_items(world.county)] == ["address"]
        world.restore(renew=renew)
        county = world.county
        sync_until_settled(world, (a, c))
        assert_no_value_lost(county.store, w.ledger.expected())
        assert_no_echo_items(county)
