"""Two laptops and the county server, as deployed minus TLS (see test_sync_tls): offline edits on
both ends, then sync, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services.township.desk import TownshipService
from sync.errors import OfflineError
from sync.resident_id import make_resident_id
from tests.sync_world import STAFF_PASSWORD, STAFF_USER, assert_laptop_equals_server, fill, server_records

HOUSEHOLD = {
    "household_no": "0007",
    "head_name": "欧阳春花",
    "address": "三组18号",
    "category": "ordinary",
    "status": "active",
}


def person(household_id: str) -> dict:
    return {
        "household_id": household_id,
        "name": "欧阳春花",
        "resident_id": make_resident_id("110105", date(1968, 5, 17), 124),
        "relation": "head",
        "sex": "female",
        "birth_date": "1968-05-17",
        "ethnicity": "01",
        "occupation": "务农",
        "status": "present",
    }


@pytest.fixture
def shared(laptops):
    """Laptops a and b of one village, both holding one synced household and person."""
    a, b = laptops("a"), laptops("b")
    h = a.store.household.create(HOUSEHOLD)
    p = a.store.person.create(person(h))
    a.sync()
    b.sync()
    assert b.store.person.get(p)["name"] == "欧阳春花"
    return a, b, h, p


def test_different_fields_edited_offline_on_both_merge_without_conflict(shared, county):
    a, b, _h, p = shared
    a.store.person.update(p, {"phone": "13800138000", "education": "junior"})
    b.store.person.update(p, {"occupation": "外出务工", "health": "chronic"})
    ra = a.sync()
    rb = b.sync()
    a.sync()
    assert ra.conflicts == [] and rb.conflicts == []
    for lap in (a, b):
        rec = lap.store.person.get(p)
        assert (rec["phone"], rec["education"], rec["occupation"], rec["health"]) == (
            "13800138000",
            "junior",
            "外出务工",
            "chronic",
        )
        assert_laptop_equals_server(lap, county)
        assert lap.service.pending_count() == 0
    assert county.staff().conflicts() == []


def test_same_field_edited_on_both_makes_one_conflict_row_and_keeps_the_county_value(shared, county):
    a, b, _h, p = shared
    a.store.person.update(p, {"occupation": "教师"})
    b.store.person.update(p, {"occupation": "司机", "phone": "13900139000"})
    a.sync()  # first to arrive: becomes the county value
    rb = b.sync()
    a.sync()
    assert [(n.id, n.fields) for n in rb.conflicts] == [(p, ("occupation",))]
    (row,) = county.staff().conflicts()
    assert (row["entity"], row["record_id"], row["field"]) == ("person", p, "occupation")
    assert (row["base_value"], row["village_value"], row["county_value"]) == ("务农", "司机", "教师")
    assert row["base_version"] > 0
    for lap in (a, b):
        assert lap.store.person.get(p)["occupation"] == "教师"  # county value kept everywhere
        assert lap.store.person.get(p)["phone"] == "13900139000"  # the other field merged
        assert_laptop_equals_server(lap, county)
    # The township decides it; the decision reaches both laptops by pull.
    with TownshipService(county.url, county.ca_pem) as desk:
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        (item,) = desk.items().items
        desk.decide(item, "village", conflict_id=item.village_values[0].conflict_id, note="村里核实：开车")
    a.sync()
    b.sync()
    assert a.store.person.get(p)["occupation"] == b.store.person.get(p)["occupation"] == "司机"
    assert county.staff().conflicts() == []


def test_conflict_when_the_county_value_arrived_before_the_local_edit_went_up(shared, county):
    """b's user edits a field while b's sync is between its push and its pull, and the pull brings
    a's value of that same field: the pending edit is not overwritten. b's next push conflicts and
    b ends with the county value, though no later pull brings it again."""
    a, b, _h, p = shared
    a.store.person.update(p, {"occupation": "教师"})
    a.sync()

    def edit_at_pull_start(phase: str, done: int, total: int) -> None:
        if phase == "pull" and done == 0:
            b.store.person.update(p, {"occupation": "司机"})

    b.service.run_sync(progress=edit_at_pull_start)
    assert b.store.person.get(p)["occupation"] == "司机"  # pending local edit not overwritten
    rb = b.sync()
    assert [n.fields for n in rb.conflicts] == [("occupation",)]
    assert b.store.person.get(p)["occupation"] == "教师"
    (row,) = county.staff().conflicts()
    assert (row["village_value"], row["county_value"]) == ("司机", "教师")
    assert_laptop_equals_server(b, county)


@pytest.mark.parametrize("first", ["delete", "edit"])
def test_delete_against_edit_is_a_conflict(shared, county, first):
    a, b, _h, p = shared
    a.store.person.delete(p)
    b.store.person.update(p, {"occupation": "个体经营"})
    order = (a, b) if first == "delete" else (b, a)
    order[0].sync()
    second = order[1].sync()
    order[0].sync()
    assert [n.fields for n in second.conflicts] == [("_deleted",)]
    (row,) = county.staff().conflicts()
    assert row["field"] == "_deleted" and row["record_id"] == p
    expected_deleted = first == "delete"  # the county keeps what arrived first
    assert server_records(county)[p]["deleted"] is expected_deleted
    for lap in (a, b):
        assert lap.store.person.get(p)["deleted"] is expected_deleted
        assert_laptop_equals_server(lap, county)


def test_a_batch_sent_twice_is_applied_once(laptops, county):
    a = laptops("a")
    ids = fill(a.store, 40)
    a.link.script = ["duplicate"]
    report = a.sync()
    first, second = a.link.answers[:2]
    assert not first.replayed and second.replayed and first.results == second.results
    assert report.pushed == len(ids) and report.server_seq == len(ids)
    assert a.service.pending_count() == 0
    assert len(server_records(county)) == len(ids)
    assert_laptop_equals_server(a, county)


def test_a_response_lost_after_commit_is_answered_from_the_store(laptops, county):
    a, b = laptops("a"), laptops("b")
    ids = fill(a.store, 25)
    a.link.script = ["drop_response"]
    with pytest.raises(OfflineError):
        a.sync()
    a.reopen()
    report = a.sync()
    assert report.resumed and a.link.pushes[0] == a.link.pushes[1] and a.link.answers[1].replayed
    assert report.server_seq == len(ids)  # the counter moved once per record
    b.sync()
    for lap in (a, b):
        assert_laptop_equals_server(lap, county)
        assert len(lap.records("person")) + len(lap.records("household")) == len(ids)


def test_pulled_data_lands_encrypted(laptops, county):
    a, b = laptops("a"), laptops("b")
    h = a.store.household.create(HOUSEHOLD)
    p = person(h)
    a.store.person.create(dict(p, phone="13512345678"))
    a.sync()
    report = b.sync()
    assert report.pulled == 2
    b.store.close()  # checkpoint the WAL into the file
    secrets = [HOUSEHOLD["head_name"], HOUSEHOLD["address"], p["resident_id"], "13512345678"]
    for path in b.path.parent.glob(b.path.name + "*"):
        raw = path.read_bytes()
        for s in secrets:
            assert s.encode("utf-8") not in raw, path.name
            assert s.encode("utf-16-le") not in raw, path.name
    assert b"SQLite format 3" not in b.path.read_bytes()[:16]


def test_a_record_refused_by_the_server_is_kept_with_its_reason(laptops, county):
    a, b = laptops("a"), laptops("b")
    a.store.household.create(HOUSEHOLD)
    b.store.household.create(dict(HOUSEHOLD, head_name="另一户"))  # same household number
    a.sync()
    rb = b.sync()
    (note,) = rb.rejected
    assert note.entity == "household" and note.problems
    assert all("0007" not in (pr.en + pr.zh) for pr in note.problems)  # no data in messages
    assert b.service.pending_count() == 1 and [n.id for n in b.service.rejected()] == [note.id]
    b.store.household.update(note.id, {"household_no": "0008"})
    rb = b.sync()
    assert rb.rejected == [] and b.service.pending_count() == 0 and b.service.rejected() == []
    a.sync()
    for lap in (a, b):
        assert_laptop_equals_server(lap, county)
