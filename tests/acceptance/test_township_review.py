"""Issue 7's scenarios with real laptops (encrypted stores, sync service) and the real server over
HTTP on loopback, on SQLite and PostgreSQL: no value a laptop sends is ever lost.

1. Delete against edit (both orders): the village's edit is kept in the item, on the laptop
   ("waiting on township"), and a restore brings it back.
2. A decision names the version it was made on: a newer edit makes it stale (409), re-shown.
3. Three laptops on one field: one item listing every competing value; one decision settles it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from desktop.services.review import ReviewService
from desktop.services.township.desk import TownshipService
from desktop.services.township.model import StaleDecision
from sync.resident_id import make_resident_id
from tests.no_value_lost import Sent, assert_no_value_lost
from tests.sync_world import (
    STAFF_PASSWORD,
    STAFF_USER,
    VILLAGE,
    County,
    Laptop,
    assert_laptop_equals_server,
    server_records,
)


@pytest.fixture
def desk(county: County) -> Iterator[TownshipService]:
    service = TownshipService(county.url, county.ca_pem, language="zh_CN")
    service.sign_in(STAFF_USER, STAFF_PASSWORD)
    yield service
    service.close()


@pytest.fixture
def three(laptops) -> tuple[Laptop, Laptop, Laptop, str, str]:
    """Laptops a, b, c of one village holding one synced household and its head."""
    a, b, c = laptops("a"), laptops("b"), laptops("c")
    h = a.store.household.create(
        {
            "household_no": "0031",
            "head_name": "欧阳春花",
            "address": "三组18号",
            "category": "ordinary",
            "status": "active",
        }
    )
    p = a.store.person.create(
        {
            "household_id": h,
            "name": "欧阳春花",
            "resident_id": make_resident_id("110105", date(1968, 5, 17), 124),
            "relation": "head",
            "sex": "female",
            "birth_date": "1968-05-17",
            "ethnicity": "01",
            "occupation": "务农",
            "phone": "13800000001",
            "status": "present",
        }
    )
    for lap in (a, b, c):
        lap.sync()
    return a, b, c, h, p


def _settle(*laps: Laptop) -> None:
    for _ in range(2):
        for lap in laps:
            lap.sync()


@pytest.mark.parametrize("first", ["delete", "edit"])
def test_delete_against_edit_loses_no_edit_and_restore_brings_it_back(three, county, desk, first) -> None:
    a, b, c, _h, p = three
    a.store.person.delete(p)
    b.store.person.update(p, {"occupation": "个体经营"})
    sent = [
        Sent(VILLAGE, "person", p, "_deleted", True, "a"),
        Sent(VILLAGE, "person", p, "occupation", "个体经营", "b"),
    ]
    order = (a, b) if first == "delete" else (b, a)
    order[0].sync()
    order[1].sync()
    _settle(a, b, c)
    assert_no_value_lost(county.store, sent)
    loser = order[1]
    (waiting,) = ReviewService(loser.store).records("waiting")
    assert waiting.field == "_deleted" and waiting.record_title == "欧阳春花 · 0031 · 欧阳春花"
    if first == "delete":
        assert waiting.my_fields == {"职业": "个体经营"}  # b's edit kept on b, beside the county's delete
        assert waiting.county_display == "已删除"
    assert ReviewService(loser.store).is_under_review("person", p)

    page = desk.items()
    (item,) = page.items
    assert page.counts_by_village == {VILLAGE: 1}
    assert item.kind == "delete" and item.record_title == "欧阳春花 · 0031 · 欧阳春花"
    assert item.village_name == "东村" and item.village_values[0].device_name == loser.name
    (edited,) = item.edited_fields
    assert edited.label == "职业"
    decided = desk.decide(
        item, "restore", fields=["occupation"] if first == "delete" else {}, note="核实：仍在本村"
    )
    assert decided.status == "decided" and decided.decision is not None
    _settle(a, b, c)
    for lap in (a, b, c):
        rec = lap.store.person.get(p)
        assert rec["deleted"] is False and rec["occupation"] == "个体经营"
        assert_laptop_equals_server(lap, county)
    places = assert_no_value_lost(county.store, sent)
    assert places[sent[1]] == "applied" and places[sent[0]] == "decided"
    (outcome,) = ReviewService(loser.store).records()
    assert outcome.status == "decided" and outcome.choice == "restore" and outcome.note == "核实：仍在本村"
    assert outcome.choice_label == "恢复记录" and not ReviewService(loser.store).is_under_review("person", p)


def test_a_restore_tells_the_official_which_of_their_edits_were_not_taken(three, county, desk) -> None:
    """b edited occupation and phone of a person a deleted; staff restore with the occupation only.
    b's list says the record was restored and that the phone was not taken (not just 恢复记录)."""
    a, b, c, _h, p = three
    a.store.person.delete(p)
    a.sync()
    b.store.person.update(p, {"occupation": "个体经营", "phone": "13611112222"})
    b.sync()
    (item,) = desk.items().items
    desk.decide(item, "restore", fields=["occupation"], note="核实：仍在本村，电话未核实")
    _settle(a, b, c)
    (outcome,) = ReviewService(b.store).records()
    assert outcome.choice == "restore" and outcome.not_taken == {"联系电话": "13611112222"}
    assert b.store.person.get(p)["phone"] == "13800000001"  # the county's, as decided


def test_a_decision_on_a_moved_field_is_refused_and_shown_again(three, county, desk) -> None:
    a, b, c, _h, p = three
    a.store.person.update(p, {"occupation": "教师"})
    b.store.person.update(p, {"occupation": "司机"})
    a.sync()
    b.sync()
    (item,) = desk.items().items
    assert (item.county.display, [v.display for v in item.village_values]) == ("教师", ["司机"])
    assert item.base.display == "务农" and item.field_label == "职业"
    a.sync()
    a.store.person.update(p, {"occupation": "校长"})  # a edits again on top of the county value
    a.sync()
    with pytest.raises(StaleDecision) as refused:
        desk.decide(item, "county", note="以县里为准")
    assert "变化" in refused.value.message("zh") and refused.value.item.county.display == "校长"
    assert server_records(county)[p]["data"]["occupation"] == "校长"  # nothing changed
    fresh = refused.value.item
    assert fresh.status == "open"
    desk.decide(fresh, "village", conflict_id=fresh.village_values[0].conflict_id, note="村里核实：开车")
    _settle(a, b, c)
    for lap in (a, b, c):
        assert lap.store.person.get(p)["occupation"] == "司机"
        assert_laptop_equals_server(lap, county)
    sent = [Sent(VILLAGE, "person", p, "occupation", v) for v in ("校长", "司机")]
    assert assert_no_value_lost(county.store, sent) == {sent[0]: "decided", sent[1]: "applied"}
    (history,) = desk.history(p)
    assert history.note == "村里核实：开车" and [s.display for s in history.set_aside] == ["校长"]
    (outcome,) = ReviewService(b.store).records()
    assert (outcome.my_display, outcome.decided_display, outcome.status) == ("司机", "司机", "decided")


def test_three_laptops_on_one_field_make_one_item_and_one_decision(three, county, desk) -> None:
    a, b, c, _h, p = three
    a.store.person.update(p, {"phone": "13800000002"})
    b.store.person.update(p, {"phone": "13800000003", "education": "junior"})
    c.store.person.update(p, {"phone": "13800000004"})
    for lap in (a, b, c):
        lap.sync()
    page = desk.items()
    assert page.total == 1
    (item,) = page.items
    assert [(v.display, v.device_name) for v in item.village_values] == [
        ("13800000003", "b"),
        ("13800000004", "c"),
    ]
    assert item.county.display == "13800000002"
    for lap in (b, c):
        (waiting,) = ReviewService(lap.store).records("waiting")
        assert waiting.field == "phone" and waiting.county_display == "13800000002"
    desk.decide(item, "typed", value="13800000009", note="电话核实后更正")
    _settle(a, b, c)
    for lap in (a, b, c):
        rec = lap.store.person.get(p)
        assert rec["phone"] == "13800000009" and rec["education"] == "junior"
        assert_laptop_equals_server(lap, county)
    sent = [
        Sent(VILLAGE, "person", p, "phone", v, w)
        for v, w in (("13800000002", "a"), ("13800000003", "b"), ("13800000004", "c"))
    ] + [Sent(VILLAGE, "person", p, "education", "junior", "b")]
    places = assert_no_value_lost(county.store, sent)
    assert [places[s] for s in sent] == ["decided", "decided", "decided", "applied"]
    assert desk.items().total == 0 and desk.items(status="decided").total == 1
    for lap in (b, c):
        (outcome,) = ReviewService(lap.store).records()
        assert outcome.status == "decided" and outcome.decided_display == "13800000009"


def test_a_restore_keeps_the_county_value_it_overwrites_in_the_history(three, county, desk) -> None:
    """Issue 15, item 1: b sets occupation 教师 offline; c sets 司机 and syncs; a deletes the person
    and syncs; b syncs (a delete item opens); staff restore with b's occupation. The record holds
    教师, and c's 司机 (the county value the restore replaced) is in the history's set-aside."""
    a, b, c, _h, p = three
    b.store.person.update(p, {"occupation": "教师"})
    c.store.person.update(p, {"occupation": "司机"})
    c.sync()
    a.sync()
    a.store.person.delete(p)
    a.sync()
    b.sync()
    (item,) = desk.items().items
    assert item.kind == "delete"
    desk.decide(item, "restore", fields=["occupation"], note="核实：在本村当教师")
    _settle(a, b, c)
    for lap in (a, b, c):
        assert lap.store.person.get(p)["occupation"] == "教师"
        assert_laptop_equals_server(lap, county)
    sent = [
        Sent(VILLAGE, "person", p, "occupation", "教师", "b"),
        Sent(VILLAGE, "person", p, "occupation", "司机", "c"),
        Sent(VILLAGE, "person", p, "_deleted", True, "a"),
    ]
    places = assert_no_value_lost(county.store, sent)
    assert places == {sent[0]: "applied", sent[1]: "decided", sent[2]: "decided"}
    (history,) = desk.history(p)
    assert "司机" in [s.display for s in history.set_aside]
