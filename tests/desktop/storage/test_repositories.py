"""Repositories: change capture into the outbox, validation, soft delete, search."""

from __future__ import annotations

import json

import pytest

from desktop.storage import Store, ValidationFailed
from tests.desktop.storage.conftest import household, person


def outbox(store: Store) -> list[dict]:
    cur = store.db.execute("SELECT * FROM outbox ORDER BY seq")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        r["fields"], r["base"] = json.loads(r["fields"]), json.loads(r["base"])
    return rows


def test_create_writes_exactly_one_outbox_row(store: Store) -> None:
    hid = store.household.create(household())
    [row] = outbox(store)
    assert row["entity"] == "household" and row["record_id"] == hid
    assert row["fields"] == household()
    assert row["base"] == {} and row["base_seq"] == 0 and row["deleted"] == 0
    assert row["user"] == "wang" and row["batch_id"] is None
    assert store.pending_count() == 1


def test_update_captures_only_changed_fields_with_their_base(store: Store) -> None:
    hid = store.household.create(household())
    changed = store.household.update(hid, {"address": "二组3号", "head_name": "张三"})
    assert changed == ["address"]
    rows = outbox(store)
    assert len(rows) == 2
    assert rows[1]["fields"] == {"address": "二组3号"}
    assert rows[1]["base"] == {"address": [0, "一组12号"]}
    assert rows[1]["hlc"] > rows[0]["hlc"]
    # An update that changes nothing captures nothing.
    assert store.household.update(hid, {"address": "二组3号"}) == []
    assert len(outbox(store)) == 2


def test_base_version_comes_from_what_the_server_last_said(store: Store) -> None:
    hid = store.household.create(household())
    store.db.execute(
        "UPDATE household SET seq = 7, versions = ? WHERE id = ?", (json.dumps({"address": 5}), hid)
    )
    store.household.update(hid, {"address": "三组"})
    last = outbox(store)[-1]
    assert last["base"] == {"address": [5, "一组12号"]} and last["base_seq"] == 7


def test_soft_delete_is_a_tombstone_in_the_outbox(store: Store) -> None:
    hid = store.household.create(household())
    assert store.household.delete(hid) is True
    assert store.household.delete(hid) is False  # already deleted: no second tombstone
    rows = outbox(store)
    assert len(rows) == 2
    assert rows[1]["deleted"] == 1 and rows[1]["fields"] == {}
    assert store.household.get(hid)["deleted"] is True
    assert store.household.ids() == []
    assert store.household.ids(include_deleted=True) == [hid]
    with pytest.raises(KeyError):
        store.household.update(hid, {"address": "x"})


def test_invalid_record_changes_nothing(store: Store) -> None:
    hid = store.household.create(household())
    bad = person(hid)
    bad["resident_id"] = bad["resident_id"][:-1] + ("0" if bad["resident_id"][-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as err:
        store.person.create(bad)
    assert any(p.field == "resident_id" for p in err.value.problems)
    assert bad["resident_id"] not in str(err.value)
    assert store.person.ids() == [] and len(outbox(store)) == 1


def test_rolled_back_write_leaves_no_outbox_row(store: Store) -> None:
    with pytest.raises(RuntimeError), store.atomic():
        store.household.create(household())
        raise RuntimeError("power cut")
    assert store.household.ids() == [] and outbox(store) == []


def test_one_head_per_household(store: Store) -> None:
    hid = store.household.create(household())
    store.person.create(person(hid, "张三", seq=11))
    with pytest.raises(ValidationFailed) as err:
        store.person.create(person(hid, "李四", seq=13))
    assert [p.code for p in err.value.problems] == ["second_head"]
    store.person.create(person(hid, "李四", seq=13, relation="spouse"))
    assert store.person.count(household_id=hid) == 2


def test_search_by_name_resident_id_and_household_number(store: Store) -> None:
    h1 = store.household.create(household("001", "张三"))
    h2 = store.household.create(household("017", "李四"))
    p1 = store.person.create(person(h1, "张三", seq=11))
    p2 = store.person.create(person(h2, "李四", seq=23, birth=__import__("datetime").date(1985, 6, 1)))
    assert store.person.ids("张") == [p1]
    assert store.person.ids(store.person.get(p2)["resident_id"][-6:]) == [p2]
    assert store.household.ids("017") == [h2]
    assert store.person.ids(household_id=h2) == [p2]
    assert [r["id"] for r in store.person.get_many([p2, p1])] == [p2, p1]


def test_clock_resumes_past_every_stamp_after_reopening(store: Store, db_path) -> None:
    store.household.create(household())
    stamp = outbox(store)[0]["hlc"]
    with store.atomic() as conn:
        conn.execute("DELETE FROM outbox")  # as after the county acknowledged it
    store.close()
    with Store.unlock(db_path, "wang", "correct horse 42") as again:
        assert again.clock.last >= stamp
        assert again.clock.now() > stamp
