"""Push over real HTTP: the field-level merge, batch replay, validation, and the village counter."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from sync.ids import uuid7
from sync.protocol import Change, ProtocolError, PushRequest, decode_dict, encode
from sync.protocol_decode import decode_push_response
from sync.server.store import Store
from sync.server.tables import conflicts, record_keys, records

from .conftest import V1, V2, Laptop, enroll_laptop, household_fields, person_fields


def _conflict_rows(store: Store) -> list[dict]:
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(conflicts).order_by(conflicts.c.created_at))]


def _record(store: Store, record_id: str) -> dict:
    with store.read() as conn:
        row = conn.execute(select(records).where(records.c.id == record_id)).one()
    return {
        "data": json.loads(row.data),
        "versions": json.loads(row.versions),
        "seq": row.seq,
        "deleted": row.deleted,
    }


def _household(laptop: Laptop, **over) -> tuple[str, dict, dict[str, int]]:
    hid = uuid7()
    fields = household_fields(**over)
    result = laptop.push([laptop.change("household", hid, fields)]).results[0]
    assert result.status == "applied", result
    return hid, fields, result.versions


def test_new_records_are_applied_with_their_own_numbers(laptop: Laptop, store: Store) -> None:
    hid = uuid7()
    pids = [uuid7(), uuid7()]
    response = laptop.push(
        [
            laptop.change("household", hid, household_fields()),
            laptop.change("person", pids[0], person_fields(hid, "head")),
            laptop.change("person", pids[1], person_fields(hid, "spouse")),
        ]
    )
    assert [r.status for r in response.results] == ["applied"] * 3
    assert [r.seq for r in response.results] == [1, 2, 3]
    assert response.server_seq == 3 and not response.replayed
    assert set(response.results[1].versions.values()) == {2}
    stored = _record(store, pids[0])
    assert stored["seq"] == 2 and stored["data"]["relation"] == "head"


def test_different_fields_are_merged(laptop: Laptop, laptop_b: Laptop, store: Store) -> None:
    hid, _fields, versions = _household(laptop)
    a = laptop.push(
        [laptop.change("household", hid, {"address": "东村二组2号"}, base={"address": versions["address"]})]
    ).results[0]
    b = laptop_b.push(
        [laptop_b.change("household", hid, {"phone": "13800138000"}, base={"phone": 0})]
    ).results[0]
    assert a.status == "applied" and b.status == "applied"
    assert b.seq == a.seq + 1
    stored = _record(store, hid)
    assert stored["data"]["address"] == "东村二组2号" and stored["data"]["phone"] == "13800138000"
    assert stored["versions"]["address"] == a.seq and stored["versions"]["phone"] == b.seq
    assert _conflict_rows(store) == []


def test_same_field_makes_one_conflict_and_keeps_the_county_value(
    laptop: Laptop, laptop_b: Laptop, store: Store
) -> None:
    hid, fields, versions = _household(laptop)
    base = {"address": versions["address"]}
    first = laptop.push([laptop.change("household", hid, {"address": "东村二组2号"}, base=base)]).results[0]
    second = laptop_b.push(
        [
            laptop_b.change(
                "household",
                hid,
                {"address": "西头3号", "phone": "13800138000"},
                base={**base, "phone": 0},
                base_values={"address": fields["address"]},
                hlc=12345,
            )
        ]
    ).results[0]
    assert first.status == "applied"
    assert second.status == "partial" and second.conflicts == ["address"]
    assert set(second.versions) == {"phone"}
    stored = _record(store, hid)
    assert stored["data"]["address"] == "东村二组2号"  # county value kept
    assert stored["data"]["phone"] == "13800138000"  # the other field merged
    (row,) = _conflict_rows(store)
    assert row["field"] == "address" and row["entity"] == "household" and row["record_id"] == hid
    assert row["base_version"] == versions["address"]
    assert json.loads(row["base_value"]) == fields["address"]
    assert json.loads(row["village_value"]) == "西头3号"
    assert json.loads(row["county_value"]) == "东村二组2号"
    assert row["device_id"] == laptop_b.device_id and row["author"] == laptop_b.user
    assert row["hlc"] == 12345 and row["status"] == "open" and row["village_code"] == V1


def test_only_conflicting_fields_give_status_conflict(laptop: Laptop, laptop_b: Laptop, store: Store) -> None:
    hid, _fields, versions = _household(laptop)
    laptop.push(
        [laptop.change("household", hid, {"head_name": "王五"}, base={"head_name": versions["head_name"]})]
    )
    result = laptop_b.push(
        [laptop_b.change("household", hid, {"head_name": "赵六"}, base={"head_name": versions["head_name"]})]
    ).results[0]
    assert result.status == "conflict" and result.conflicts == ["head_name"]
    assert _record(store, hid)["data"]["head_name"] == "王五"


def test_equal_value_is_no_conflict(laptop: Laptop, laptop_b: Laptop, store: Store) -> None:
    hid, _fields, versions = _household(laptop)
    base = {"address": versions["address"]}
    first = laptop.push([laptop.change("household", hid, {"address": "同一个地址"}, base=base)]).results[0]
    second = laptop_b.push([laptop_b.change("household", hid, {"address": "同一个地址"}, base=base)]).results[
        0
    ]
    assert second.status == "unchanged" and second.conflicts == []
    assert second.versions == {"address": first.seq} and second.seq == first.seq
    assert _conflict_rows(store) == []


def test_delete_against_a_later_edit_is_a_conflict(laptop: Laptop, laptop_b: Laptop, store: Store) -> None:
    hid, _fields, versions = _household(laptop)
    seen = versions["address"]
    laptop.push([laptop.change("household", hid, {"address": "新地址"}, base={"address": seen})])
    result = laptop_b.push([laptop_b.change("household", hid, {}, deleted=True, base_seq=seen)]).results[0]
    assert result.status == "conflict" and result.conflicts == ["_deleted"]
    stored = _record(store, hid)
    assert not stored["deleted"] and stored["data"]["address"] == "新地址"
    (row,) = _conflict_rows(store)
    assert row["field"] == "_deleted"
    assert json.loads(row["village_value"]) is True and json.loads(row["county_value"]) is False


def test_edit_against_a_deleted_record_is_a_conflict(laptop: Laptop, laptop_b: Laptop, store: Store) -> None:
    hid, fields, versions = _household(laptop)
    seen = versions["address"]
    deleted = laptop.push([laptop.change("household", hid, {}, deleted=True, base_seq=seen)]).results[0]
    assert deleted.status == "applied"
    result = laptop_b.push(
        [laptop_b.change("household", hid, {"address": "新地址"}, base={"address": seen}, base_seq=seen)]
    ).results[0]
    assert result.status == "conflict" and result.conflicts == ["_deleted"]
    stored = _record(store, hid)
    assert stored["deleted"] and stored["data"]["address"] == fields["address"]  # no resurrection
    (row,) = _conflict_rows(store)
    assert row["field"] == "_deleted"
    assert json.loads(row["village_value"]) is False and json.loads(row["county_value"]) is True


def test_deleting_frees_the_unique_resident_id(laptop: Laptop) -> None:
    hid, _, _ = _household(laptop)
    person = person_fields(hid, "head")
    pid = uuid7()
    first = laptop.push([laptop.change("person", pid, person)]).results[0]
    again = laptop.push([laptop.change("person", uuid7(), person)]).results[0]
    assert again.status == "rejected" and {p.code for p in again.errors} >= {"duplicate_resident_id"}
    laptop.push([laptop.change("person", pid, {}, deleted=True, base_seq=first.seq)])
    assert laptop.push([laptop.change("person", uuid7(), person)]).results[0].status == "applied"


def test_invalid_records_are_rejected_one_by_one(laptop: Laptop, store: Store) -> None:
    hid = uuid7()
    good = [uuid7() for _ in range(3)]
    bad_id = person_fields(hid, "child")
    bad_id["resident_id"] = bad_id["resident_id"][:17] + ("0" if bad_id["resident_id"][17] != "0" else "1")
    dup = person_fields(hid, "child")
    changes = [
        laptop.change("household", hid, household_fields()),
        laptop.change("person", good[0], person_fields(hid, "head")),
        laptop.change("person", uuid7(), bad_id),
        laptop.change("person", good[1], dup),
        laptop.change("person", uuid7(), dict(dup)),  # same resident ID again in the same batch
        laptop.change("person", uuid7(), person_fields(hid, "head")),  # a second head
        laptop.change("person", uuid7(), {**person_fields(hid), "name": None, "shoe_size": 42}),
        laptop.change("person", good[2], person_fields(hid, "spouse")),
    ]
    results = laptop.push(changes).results
    assert [r.status for r in results] == [
        "applied", "applied", "rejected", "applied", "rejected", "rejected", "rejected", "applied",
    ]  # fmt: skip
    codes = [{p.code for p in r.errors} for r in results]
    assert "duplicate_resident_id" in codes[4]
    assert codes[5] == {"second_head"}
    assert {"required", "unknown_field"} <= codes[6]
    assert codes[2] and all(p.zh and p.en for p in results[2].errors)
    assert all(r.seq == 0 and r.versions == {} for r in results if r.status == "rejected")
    pulled, _ = laptop.pull_all()
    assert set(pulled) == {hid, *good}
    assert [r.seq for r in results if r.status == "applied"] == [1, 2, 3, 4]
    for r in results[2:7]:
        for p in r.errors:  # problems never repeat the value
            assert bad_id["resident_id"] not in p.en + p.zh and dup["resident_id"] not in p.en + p.zh


def test_same_batch_twice_is_applied_once(laptop: Laptop, store: Store) -> None:
    hid = uuid7()
    body = encode(PushRequest("batch-1", [laptop.change("household", hid, household_fields())]))
    first = laptop.request("POST", "/api/v1/push", body)
    second = laptop.request("POST", "/api/v1/push", body)  # the answer to the first was "lost"
    assert first.status == second.status == 200
    from sync.protocol_decode import decode_push_response

    a, b = decode_push_response(first.body), decode_push_response(second.body)
    assert not a.replayed and b.replayed
    assert a.results == b.results and a.server_seq == b.server_seq == 1
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar() == 1
    # a later push still numbers from where the first left off
    assert laptop.push([laptop.change("household", uuid7(), household_fields())]).server_seq == 2


def test_batch_id_reused_for_another_body_is_refused(laptop: Laptop, store: Store) -> None:
    laptop.push([laptop.change("household", uuid7(), household_fields())], batch_id="batch-x")
    reply = laptop.push_raw([laptop.change("household", uuid7(), household_fields())], batch_id="batch-x")
    assert reply.status == 409 and reply.error == "batch_mismatch"
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar() == 1


def test_concurrent_pushes_never_let_a_pull_skip(laptop: Laptop, laptop_b: Laptop, server) -> None:
    from .conftest import enroll_laptop

    reader = enroll_laptop(server, V1, "reader")
    pushed: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer(lap: Laptop) -> None:
        try:
            for _ in range(12):
                ids = [uuid7() for _ in range(25)]
                response = lap.push([lap.change("household", i, household_fields()) for i in ids])
                assert all(r.status == "applied" for r in response.results)
                with lock:
                    pushed.extend(ids)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(lap,)) for lap in (laptop, laptop_b)]
    for t in threads:
        t.start()
    seen: dict[str, int] = {}
    cursor = 0
    while any(t.is_alive() for t in threads):
        page = reader.pull(cursor, limit=40)
        for r in page.records:
            seen[r.id] = r.seq
        cursor = page.cursor
    for t in threads:
        t.join()
    assert not errors
    records_left, cursor = reader.pull_all(cursor, limit=40)
    seen.update({i: r["seq"] for i, r in records_left.items()})
    assert set(seen) == set(pushed)
    assert sorted(seen.values()) == list(range(1, len(pushed) + 1))


def test_a_change_on_a_new_record_without_fields_is_rejected(laptop: Laptop) -> None:
    result = laptop.push([Change("household", uuid7(), V1, fields={})]).results[0]
    assert result.status == "rejected" and {p.code for p in result.errors} == {"required"}


def test_an_edit_coalesced_into_a_delete_reaches_the_tombstone(laptop: Laptop, laptop_b: Laptop) -> None:
    hid, _fields, versions = _household(laptop)
    _, cursor = laptop_b.pull_all()
    change = laptop.change(
        "household",
        hid,
        {"address": "最后的地址"},
        base={"address": versions["address"]},
        deleted=True,
        base_seq=1,
    )
    result = laptop.push([change]).results[0]
    assert result.status == "applied" and result.versions == {"address": 2}
    (record,) = laptop_b.pull(cursor).records
    assert record.deleted and record.fields == {"address": "最后的地址"}


def _mixed_batch(laptop: Laptop, compact: bool, elide: bool = False) -> tuple[list[tuple], bytes, bytes]:
    """Creates, an edit applied whole, an edit with a field already equal, a stale edit (conflict), a
    delete and a rejected record in one batch. Returns what the decoded answer says of each, the
    request and the answer."""
    a, b, gone, whole = uuid7(), uuid7(), uuid7(), uuid7()
    first = laptop.push([laptop.change("household", i, household_fields()) for i in (a, b, gone, whole)])
    va = first.results[0].versions
    changes = [
        laptop.change("household", uuid7(), household_fields()),
        laptop.change("household", whole, {"phone": "13700137000"}, base={"phone": 0}),
        laptop.change(
            "household",
            a,
            {"address": "东村二组9号", "head_name": "张三"},
            base={"address": va["address"], "head_name": va["head_name"]},
        ),
        laptop.change("household", b, {"address": "东村三组1号"}),  # made on version 0: a conflict
        laptop.change("household", gone, {}, deleted=True, base_seq=first.results[2].seq),
        laptop.change("household", uuid7(), household_fields(household_no="no spaces!")),
        laptop.change("person", uuid7(), person_fields(a, "head")),
    ]
    body = encode(PushRequest(uuid7(), changes, compact=compact, elide=elide))
    reply = laptop.request("POST", "/api/v1/push", body)
    assert reply.status == 200
    seen = [
        (r.status, r.seq, r.versions, r.conflicts, [e.code for e in r.errors])
        for r in decode_push_response(reply.body, body).results
    ]
    return seen, body, reply.body


def test_a_compact_answer_decodes_to_the_same_results(server, laptop: Laptop) -> None:
    other = enroll_laptop(server, V2, "v2")  # a village of its own: the same counter values
    full, _, full_body = _mixed_batch(laptop, compact=False)
    compact, body, compact_body = _mixed_batch(other, compact=True)
    assert [s[0] for s in full] == ["applied"] * 3 + ["conflict", "applied", "rejected", "applied"]
    assert full[2][2] == {"address": 7, "head_name": 1}  # written now, and already equal
    assert compact == full
    assert "fieldsets" in decode_dict(compact_body) and "fieldsets" not in decode_dict(full_body)
    again = other.request("POST", "/api/v1/push", body)  # resent: the stored compact answer
    replay = decode_push_response(again.body)
    assert replay.replayed and [(r.status, r.seq, r.versions) for r in replay.results] == [
        s[:3] for s in compact
    ]


def test_an_elided_answer_leaves_out_changes_applied_whole_and_decodes_to_the_same_results(
    server, laptop: Laptop
) -> None:
    other = enroll_laptop(server, V2, "v2")
    full, _, _ = _mixed_batch(laptop, compact=True)
    elided, body, elided_body = _mixed_batch(other, compact=True, elide=True)
    assert elided == full
    wire = decode_dict(elided_body)
    assert len(wire["results"]) == 4 and wire["base_seq"] == 4  # three creates/edits applied whole
    with pytest.raises(ProtocolError):
        decode_push_response(elided_body)  # cannot be worked out without the request
    replay = decode_push_response(other.request("POST", "/api/v1/push", body).body, body)
    assert replay.replayed and [(r.status, r.seq, r.versions) for r in replay.results] == [
        s[:3] for s in elided
    ]


def test_an_elided_answer_to_a_batch_of_creates_is_a_few_bytes(laptop: Laptop) -> None:
    sizes = {}
    for elide in (False, True):
        changes = [laptop.change("household", uuid7(), household_fields()) for _ in range(500)]
        body = encode(PushRequest(uuid7(), changes, compact=True, elide=elide))
        reply = laptop.request("POST", "/api/v1/push", body)
        answer = decode_push_response(reply.body, body)
        first = 1 if not elide else 501
        assert [r.seq for r in answer.results] == list(range(first, first + 500))
        assert all(
            r.status == "applied" and set(r.versions) == set(changes[0].fields) for r in answer.results
        )
        sizes[elide] = len(reply.body)
    assert sizes[True] * 20 < sizes[False]  # about 120 bytes instead of several kB


def _key_rows(store: Store, record_id: str) -> set[tuple[str, str]]:
    with store.read() as conn:
        rows = conn.execute(
            select(record_keys.c.field, record_keys.c.value).where(record_keys.c.record_id == record_id)
        ).all()
    return {(r.field, r.value) for r in rows}


def test_only_a_head_is_kept_by_household_and_the_one_head_rule_holds(laptop: Laptop, store: Store) -> None:
    hid, _, _ = _household(laptop)
    head, child = uuid7(), uuid7()
    head_fields, child_fields = person_fields(hid, "head"), person_fields(hid, "child")
    first = laptop.push(
        [laptop.change("person", head, head_fields), laptop.change("person", child, child_fields)]
    ).results
    assert _key_rows(store, head) == {("resident_id", head_fields["resident_id"]), ("household_id", hid)}
    assert _key_rows(store, child) == {("resident_id", child_fields["resident_id"])}  # no rule asks
    second = laptop.push([laptop.change("person", uuid7(), person_fields(hid, "head"))]).results[0]
    assert {p.code for p in second.errors} == {"second_head"}
    # The child becomes head in the same batch in which the head steps down: allowed, keys follow.
    moved = laptop.push(
        [
            laptop.change("person", head, {"relation": "spouse"}, base={"relation": first[0].seq}),
            laptop.change("person", child, {"relation": "head"}, base={"relation": first[1].seq}),
        ]
    ).results
    assert [r.status for r in moved] == ["applied", "applied"]
    assert ("household_id", hid) not in _key_rows(store, head)
    assert ("household_id", hid) in _key_rows(store, child)
    third = laptop.push([laptop.change("person", uuid7(), person_fields(hid, "head"))]).results[0]
    assert {p.code for p in third.errors} == {"second_head"}


def test_a_household_key_row_of_a_non_head_from_before_is_harmless(laptop: Laptop, store: Store) -> None:
    hid, _, _ = _household(laptop)
    child = uuid7()
    child_fields = person_fields(hid, "child")
    made = laptop.push([laptop.change("person", child, child_fields)]).results[0]
    keys = json.dumps(
        {"resident_id": child_fields["resident_id"], "household_id": hid}, separators=(",", ":")
    )
    with store.write() as conn:  # as stored by a server that kept a row for every anchor
        conn.execute(
            record_keys.insert().values(
                county_code=V1[:6], village_code=V1, entity="person", field="household_id", value=hid,
                record_id=child, key_values=keys,
            )
        )  # fmt: skip
    head = laptop.push([laptop.change("person", uuid7(), person_fields(hid, "head"))]).results[0]
    assert head.status == "applied"
    promote = laptop.change("person", child, {"relation": "head"}, base={"relation": made.seq})
    assert {p.code for p in laptop.push([promote]).results[0].errors} == {"second_head"}
    laptop.push([laptop.change("person", head.id, {}, deleted=True, base_seq=head.seq)])
    now = laptop.push([promote]).results[0]
    assert now.status == "applied"  # the old row was replaced, not added twice
    assert _key_rows(store, child) == {("resident_id", child_fields["resident_id"]), ("household_id", hid)}
