"""A delete's fields are validated like any other (issue 10 item 2): hostile tombstones are refused
one by one with the schema's messages, never stored, never sent out on pull, never sinking a batch."""

from __future__ import annotations

from sqlalchemy import func, select

from sync.ids import uuid7
from sync.server.store import Store
from sync.server.tables import conflicts, records

from .conftest import Laptop, household_fields


def _count(store: Store, table: object) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _codes(result: object) -> dict[str, str]:
    return {p.field: p.code for p in result.errors}  # type: ignore[attr-defined]


def test_hostile_tombstones_of_new_ids_are_refused_one_by_one(
    laptop: Laptop, laptop_b: Laptop, store: Store
) -> None:
    good, huge, odd, nested, plain = uuid7(), uuid7(), uuid7(), uuid7(), uuid7()
    response = laptop.push(
        [
            laptop.change("household", good, household_fields()),
            laptop.change("household", huge, {"address": "村" * 10_000_000}, deleted=True),
            laptop.change(
                "household",
                odd,
                {"head_name": "张\x00三", "address": "东村\u202e组", "evil": "x", "__proto__": 1},
                deleted=True,
            ),
            laptop.change("household", nested, {"address": {"x": [1]}}, deleted=True),
            laptop.change("household", plain, {}, deleted=True),
        ]
    )
    by_id = {r.id: r for r in response.results}
    assert by_id[good].status == "applied"
    assert by_id[huge].status == "rejected" and _codes(by_id[huge]) == {"address": "too_long"}
    assert by_id[odd].status == "rejected"
    assert _codes(by_id[odd]) == {
        "head_name": "control_chars",
        "address": "control_chars",
        "evil": "unknown_field",
        "__proto__": "unknown_field",
    }
    assert by_id[nested].status == "rejected" and _codes(by_id[nested]) == {"address": "not_text"}
    for problem in by_id[nested].errors:
        assert problem.zh and problem.en and "x" not in problem.en.split()  # messages, never values
    # A pure tombstone carries nothing to validate: it is kept (nothing is ever hard-deleted).
    assert by_id[plain].status == "applied"
    assert _count(store, records) == 2
    pulled, _ = laptop_b.pull_all()
    assert set(pulled) == {good, plain}
    assert pulled[plain]["deleted"] and pulled[plain]["fields"] == {}


def test_a_delete_carrying_a_bad_edit_is_refused_and_the_record_stays(laptop: Laptop, store: Store) -> None:
    hid = uuid7()
    first = laptop.push([laptop.change("household", hid, household_fields())]).results[0]
    result = laptop.push(
        [
            laptop.change(
                "household",
                hid,
                {"address": {"x": [1]}},
                base={"address": first.versions["address"]},
                deleted=True,
                base_seq=first.seq,
            )
        ]
    ).results[0]
    assert result.status == "rejected" and _codes(result) == {"address": "not_text"}
    page = laptop.pull(0)
    (record,) = page.records
    assert not record.deleted and record.fields["address"] == household_fields()["address"]


def test_an_edit_of_a_deleted_record_with_bad_values_makes_no_conflict(
    laptop: Laptop, laptop_b: Laptop, store: Store
) -> None:
    hid = uuid7()
    first = laptop.push([laptop.change("household", hid, household_fields())]).results[0]
    laptop.push([laptop.change("household", hid, {}, deleted=True, base_seq=first.seq)])
    result = laptop_b.push(
        [laptop_b.change("household", hid, {"address": {"x": [1]}}, base={"address": 1}, base_seq=1)]
    ).results[0]
    assert result.status == "rejected" and _codes(result) == {"address": "not_text"}
    assert _count(store, conflicts) == 0


def test_a_competing_value_must_be_valid_to_become_a_conflict(
    laptop: Laptop, laptop_b: Laptop, store: Store
) -> None:
    hid = uuid7()
    first = laptop.push([laptop.change("household", hid, household_fields())]).results[0]
    laptop.push([laptop.change("household", hid, {"address": "新地址"}, base={"address": first.seq})])
    stale = laptop_b.push(
        [laptop_b.change("household", hid, {"address": "\u202e" * 3}, base={"address": first.seq})]
    ).results[0]
    assert stale.status == "rejected" and _codes(stale) == {"address": "control_chars"}
    assert _count(store, conflicts) == 0
