"""Bulk decisions against the real county server on loopback: one choice and one note for many
items, each decided on its own (stale guard, history entry), the refused ones listed after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.services.township.bulk import choices_for, decide_many
from desktop.services.township.desk import TownshipService
from desktop.services.township.model import StaleDecision
from sync.errors import OfflineError
from tests.desktop.ui.township.township_world import STAFF_PASSWORD, STAFF_USER, competing_phones, start_world
from tests.sync_world import server_records


@pytest.fixture
def setup(tmp_path) -> Iterator[tuple[TownshipService, list, object]]:
    county = start_world(tmp_path)
    laptops = competing_phones(county, tmp_path, 12)
    desk = TownshipService(county.url, None, language="zh_CN")
    desk.sign_in(STAFF_USER, STAFF_PASSWORD)
    try:
        yield desk, laptops, county
    finally:
        desk.close()
        for laptop in laptops:
            laptop.close()
        county.stop()


def test_one_choice_and_note_for_many_each_guarded_and_in_the_history(setup) -> None:
    desk, (a, _b), county = setup
    items = desk.items(entity="household").items
    assert len(items) >= 4 and {i.field for i in items} == {"phone"}
    assert choices_for(items) == ("county", "village_newest", "typed")
    # One of them moves after the desk fetched it: that one is refused as stale, the rest go on.
    moved = items[1]
    a.store.household.update(moved.record_id, {"phone": "13611112222"})
    a.sync()
    seen = []
    outcome = decide_many(
        desk, items, "village_newest", note="村里电话核实", progress=lambda n, _t: seen.append(n)
    )
    assert seen == list(range(1, len(items) + 1))
    assert [i.id for i, _e in outcome.refused] == [moved.id]
    assert isinstance(outcome.refused[0][1], StaleDecision)
    assert len(outcome.decided) == len(items) - 1 and not outcome.not_sent
    records = server_records(county)
    for item in outcome.decided:
        assert item.decision.choice == "village" and item.decision.note == "村里电话核实"
        assert records[item.record_id]["data"]["phone"].startswith("139")  # laptop B's value
        (entry,) = desk.history(item)
        assert entry.note == "村里电话核实"
    assert records[moved.record_id]["data"]["phone"] == "13611112222"  # untouched


def test_items_that_cannot_go_together_and_a_lost_connection(setup, tmp_path) -> None:
    desk, _laptops, county = setup
    items = desk.items(entity="household").items
    with pytest.raises(ValueError):
        decide_many(desk, items, "restore", note="x")  # a delete choice on field items
    with pytest.raises(ValueError):
        decide_many(desk, items, "county", note=" ")
    county.stop()  # the server goes away mid-afternoon
    outcome = decide_many(desk, items, "county", note="以县级为准")
    assert isinstance(outcome.stopped_by, OfflineError)
    assert [i.id for i in outcome.not_sent] == [i.id for i in items] and not outcome.decided
