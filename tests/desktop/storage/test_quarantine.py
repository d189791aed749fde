"""Pulled records with values the store cannot hold are kept aside, not fatal (issue 10 item 2)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.storage.replica import StoreReplica
from sync.ids import uuid7
from sync.protocol import PullResponse, RecordState
from tests.desktop.storage.conftest import VILLAGE, household


@pytest.fixture
def replica(store) -> StoreReplica:  # type: ignore[no-untyped-def]
    return StoreReplica(store)


def _state(record_id: str, seq: int, fields: dict[str, Any], **kw: Any) -> RecordState:
    return RecordState("household", record_id, VILLAGE, seq, fields, dict.fromkeys(fields, seq), **kw)


BAD = [
    ("address", {"x": [1]}, "not_text"),
    ("address", [1, 2], "not_text"),
    ("address", 12, "not_text"),
    ("address", "村" * 101, "too_long"),
    ("address", "东村\x00二组", "control_chars"),
    ("head_name", "\u202e三张", "control_chars"),
    ("household_no", {"a": 1}, "not_text"),
    ("phone", "1" * 2000, "not_text"),
]


@pytest.mark.parametrize(("name", "value", "code"), BAD)
def test_a_bad_value_keeps_its_record_aside_and_the_page_goes_on(
    store, replica: StoreReplica, name: str, value: Any, code: str
) -> None:  # type: ignore[no-untyped-def]
    good, bad = uuid7(), uuid7()
    page = PullResponse(
        [
            _state(good, 1, household("001", "张三")),
            _state(bad, 2, dict(household("002", "李四"), **{name: value}), deleted=True),
        ],
        cursor=2,
        more=False,
    )
    assert replica.apply_pull(page) == 1
    assert replica.cursor() == 2
    assert store.household.get(good)["head_name"] == "张三"
    assert store.db.query("SELECT count(*) FROM household WHERE id = ?", (bad,))[0][0] == 0
    (note,) = replica.quarantined()
    assert (note.entity, note.id, note.fields) == ("household", bad, (name,))
    assert note.problems[0].code == code and note.problems[0].zh and note.problems[0].en
    (kept,) = store.db.query("SELECT record FROM quarantine")
    assert name not in json.loads(kept[0])["fields"]  # the bad value is not kept


def test_what_the_laptop_does_not_judge_is_applied(store, replica: StoreReplica) -> None:  # type: ignore[no-untyped-def]
    """Rules that depend on the day or may change with the forms stay the server's; unknown fields
    (a newer form) are skipped as on any pull."""
    rid = uuid7()
    fields = dict(household("001", "张三"), category="a-category-of-a-newer-form", newer_field=[1])
    assert replica.apply_pull(PullResponse([_state(rid, 1, fields)], cursor=1, more=False)) == 1
    assert replica.quarantined() == []
    assert store.household.get(rid)["category"] == "a-category-of-a-newer-form"


@pytest.mark.parametrize(
    "broken",
    [
        {"fields": ["address"]},
        {"versions": {"address": "1"}},
        {"seq": 2**70},
        {"versions": {"address": True}},
    ],
)
def test_a_malformed_record_is_kept_aside(store, replica: StoreReplica, broken: dict) -> None:  # type: ignore[no-untyped-def]
    rid, fine = uuid7(), uuid7()
    state = _state(rid, 1, household("001", "张三"))
    for key, value in broken.items():
        setattr(state, key, value)
    page = PullResponse([state, _state(fine, 2, household("002", "李四"))], cursor=2, more=False)
    assert replica.apply_pull(page) == 1
    assert [n.problems[0].code for n in replica.quarantined()] == ["malformed"]
    assert replica.cursor() == 2


def test_good_values_later_release_the_record_whole(store, replica: StoreReplica) -> None:  # type: ignore[no-untyped-def]
    rid = uuid7()
    first = dict(household("001", "张三"), address={"x": [1]}, phone=["13800138000"])
    replica.apply_pull(PullResponse([_state(rid, 1, first)], cursor=1, more=False))
    assert {n.id: set(n.fields) for n in replica.quarantined()} == {rid: {"address", "phone"}}
    # One field put right: still aside, for the other.
    replica.apply_pull(PullResponse([_state(rid, 2, {"address": "二组3号"})], cursor=2, more=False))
    assert [n.fields for n in replica.quarantined()] == [("phone",)]
    assert store.db.query("SELECT count(*) FROM household")[0][0] == 0
    replica.apply_pull(PullResponse([_state(rid, 3, {"phone": "13800138000"})], cursor=3, more=False))
    assert replica.quarantined() == []
    row = store.household.get(rid)
    assert row["address"] == "二组3号" and row["phone"] == "13800138000" and row["head_name"] == "张三"
    (versions_text,) = store.db.query("SELECT versions FROM household WHERE id = ?", (rid,))[0]
    versions = json.loads(versions_text)
    assert versions["household_no"] == 1 and versions["address"] == 2 and versions["phone"] == 3


def test_every_hidden_character_is_one_str_isprintable_refuses() -> None:
    """``Forms.unusable`` runs the hidden-character pattern only on text ``isprintable`` refuses."""
    from sync.textsafety import HIDDEN

    assert not [c for c in map(chr, range(0x110000)) if HIDDEN.match(c) and c.isprintable()]
