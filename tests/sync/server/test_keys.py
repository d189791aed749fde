"""Uniqueness lookups for a batch take a few queries, and see the batch's own changes."""

from __future__ import annotations

import datetime

from sync.ids import uuid7
from sync.protocol import Change, PushRequest, decode_dict
from sync.schema import load_forms
from sync.server.auth import Device
from sync.server.keys import BatchLookup, KeySpec
from sync.server.push import Rules, apply_batch
from sync.server.store import Store

from .conftest import V1, household_fields, person_fields


def _push(store: Store, changes: list[Change]) -> list[dict]:
    device = Device("d", V1[:6], V1, "n")
    rules = Rules.from_forms(load_forms())
    answer = apply_batch(
        store, rules, device, PushRequest(uuid7(), changes), uuid7(), today=datetime.date.today()
    )
    return decode_dict(answer)["results"]


def test_key_fields_come_from_the_forms() -> None:
    spec = KeySpec(load_forms())
    assert spec.fields["person"] == ("resident_id", "household_id", "relation")
    assert spec.anchors["household"] == ("household_no",)


def test_a_thousand_lookups_take_a_few_queries(villages: Store) -> None:
    changes = []
    people = []
    for _ in range(250):
        hid = uuid7()
        changes.append(Change("household", hid, V1, fields=household_fields()))
        for relation in ("head", "spouse", "child", "child"):
            fields = person_fields(hid, relation)
            people.append(fields)
            changes.append(Change("person", uuid7(), V1, fields=fields))
    assert all(r["status"] == "applied" for r in _push(villages, changes))
    spec = KeySpec(load_forms())
    with villages.write() as conn:
        lookup = BatchLookup(conn, spec, V1[:6], V1)
        lookup.prefetch(("person", "resident_id", p["resident_id"]) for p in people)
        lookup.prefetch(("person", "household_id", p["household_id"]) for p in people)
        assert lookup.queries <= 8
        for p in people:
            assert lookup.count("person", {"resident_id": p["resident_id"]}, None) == 1
            heads = lookup.count("person", {"household_id": p["household_id"], "relation": "head"}, None)
            assert heads == 1
        assert lookup.queries <= 8


def test_the_lookup_sees_earlier_changes_of_the_same_batch(villages: Store) -> None:
    hid = uuid7()
    first = person_fields(hid, "head")
    moved = person_fields(hid, "child")
    pid = uuid7()
    results = _push(
        villages,
        [
            Change("household", hid, V1, fields=household_fields()),
            Change("person", pid, V1, fields=first),
            Change("person", uuid7(), V1, fields=moved),
        ],
    )
    assert [r["status"] for r in results] == ["applied"] * 3
    # the head becomes a child and someone else becomes head, in one batch: both fine
    results = _push(
        villages,
        [
            Change("person", pid, V1, fields={"relation": "child"}, base={"relation": 2}),
            Change("person", uuid7(), V1, fields=person_fields(hid, "head")),
            Change("person", uuid7(), V1, fields={**person_fields(hid), "resident_id": first["resident_id"]}),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]


def test_only_the_asked_value_of_a_when_field_is_kept() -> None:
    spec = KeySpec(load_forms())
    assert spec.values("person", {"resident_id": "X", "household_id": "h", "relation": "head"}) == {
        "resident_id": "X",
        "household_id": "h",
        "relation": "head",
    }
    assert "relation" not in spec.values("person", {"household_id": "h", "relation": "child"})
