"""Values from the history a county restore lost, sent again by the laptops that hold them: the lost
versions the server keeps order them against each other and against edits made since the restore
(an older copy does not overtake the newer, a lost value meeting an ordinary edit goes up as an item,
an edit made on a lost value is none), and a mark of an earlier restore orders nothing a later one
lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.restore_world import Written, assert_no_echo_items, restorable, sync_until_settled
from tests.no_value_lost import assert_no_value_lost
from tests.sync_world import server_records

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("first", ["older", "newer"], ids=["older-copy-first", "newer-edit-first"])
def test_an_older_copy_of_a_lost_value_sent_first_does_not_overtake_the_newer(
    backend: str, first: str, tmp_path: Path
) -> None:
    """After the backup a sets the address to X, b pulls X, a edits it to Y (on X); the restore loses
    both. Whichever laptop re-syncs first, the county ends with Y (a's newer word), b's older copy X
    takes Y, and no item opens: the numbers a restore lost still say which of the two was newer."""
    with restorable(backend, tmp_path) as world:
        a, b = world.laptop("a"), world.laptop("b")
        w = Written()
        hid = w.fill(a, 1, "A")[0]
        a.sync()
        b.sync()
        world.take()
        w.edit(a, hid, {"address": "一组1号"})
        a.sync()
        b.sync()  # b's copy: X, above the restore point
        w.edit(a, hid, {"address": "二组2号"})
        a.sync()  # b does not pull Y before the restore
        world.restore()
        county = world.county
        order = (b, a) if first == "older" else (a, b)
        sync_until_settled(world, order)
        assert server_records(county)[hid]["data"]["address"] == "二组2号"
        assert_no_value_lost(county.store, w.ledger.expected())
        assert county.staff().conflicts() == []


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
    with restorable(backend, tmp_path) as world:
        b, c = world.laptop("b"), world.laptop("c")
        w = Written()
        hid = w.fill(b, 1, "A")[0]
        b.sync()
        c.sync()
        world.take()
        w.fill(b, 1, "B")
        b.sync()  # b knows a counter the restored copy never reached (so it is noticed)
        w.edit(c, hid, {"address": "二组2号"})
        c.sync()  # acknowledged, then lost
        w.edit(b, hid, {"address": "一组1号"})  # b never saw X
        world.restore(renew=renew)
        county = world.county
        sync_until_settled(world, (b, c))
        assert_no_value_lost(county.store, w.ledger.expected())
        items = county.staff().conflicts()
        assert [(x["record_id"], x["field"], x["village_value"]) for x in items] == [
            (hid, "address", "二组2号")
        ]
        assert_no_echo_items(county)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("first", ["editor", "holder"], ids=["editor-first", "holder-first"])
def test_an_edit_made_on_a_lost_value_is_no_item_for_a_laptop_holding_that_value(
    backend: str, first: str, tmp_path: Path
) -> None:
    """After the backup a sets the address to X, b pulls X, then a edits it to Y on X offline; the
    restore loses X. Whichever re-syncs first, Y (made on X) is the county's value and b's copy X
    takes it: no item opens, since Y's author saw X."""
    with restorable(backend, tmp_path) as world:
        a, b = world.laptop("a"), world.laptop("b")
        w = Written()
        hid = w.fill(a, 1, "A")[0]
        a.sync()
        b.sync()
        world.take()
        w.edit(a, hid, {"address": "一组1号"})
        a.sync()
        b.sync()  # b's copy: X, lost by the restore
        w.edit(a, hid, {"address": "二组2号"})  # pending on a: Y made on X
        world.restore()
        county = world.county
        sync_until_settled(world, (a, b) if first == "editor" else (b, a))
        assert server_records(county)[hid]["data"]["address"] == "二组2号"
        assert_no_value_lost(county.store, w.ledger.expected())
        assert county.staff().conflicts() == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_mark_of_an_earlier_restore_does_not_order_the_values_a_second_one_lost(
    backend: str, tmp_path: Path
) -> None:
    """A restore; a sends its lost address X0 again (version 6 of the history that restore lost:
    the server marks it). The county backs up again; c edits X0 to X1 (version 3 now) and b, offline,
    edits X0 to Y. A second restore loses X1; b syncs first and Y is written over X0. The old mark
    (lost version 6, of the first history) must not make c's X1 (version 3 of the second) look
    older: X1 goes up as an item, not lost."""
    with restorable(backend, tmp_path) as world:
        a, b, c = world.laptop("a"), world.laptop("b"), world.laptop("c")
        w = Written()
        hid = w.fill(a, 1, "A")[0]
        for lap in (a, b, c):
            lap.sync()
        world.take()
        for i in range(4):  # lost by the first restore: the address at a high version
            w.edit(a, hid, {"address": f"旧址{i}"})
            a.sync()
        w.edit(a, hid, {"address": "一组1号"})
        a.sync()
        world.restore()
        for lap in (a, b, c):
            report = lap.sync()
            assert not report.rejected, (lap.name, report.rejected)
        assert server_records(world.county)[hid]["data"]["address"] == "一组1号"
        world.take()
        w.edit(c, hid, {"address": "二组2号"})
        c.sync()  # acknowledged, then lost by the second restore
        w.edit(b, hid, {"address": "三组3号"})  # b never saw X1
        world.restore()
        county = world.county
        sync_until_settled(world, (b, c, a))
        assert_no_value_lost(county.store, w.ledger.expected())
        items = county.staff().conflicts()
        assert [(x["record_id"], x["field"], x["village_value"]) for x in items] == [
            (hid, "address", "二组2号")
        ]
