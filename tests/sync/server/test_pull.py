"""Pull: the snapshot at cursor 0, only changed fields after a cursor, paging, tombstones, scope."""

from __future__ import annotations

from sync.ids import uuid7
from sync.server.embedded import EmbeddedServer

from .conftest import V2, Laptop, enroll_laptop, household_fields, person_fields


def test_cursor_zero_is_a_full_snapshot(laptop: Laptop) -> None:
    hid = uuid7()
    fields = household_fields(phone="13800138000")
    laptop.push([laptop.change("household", hid, fields)])
    page = laptop.pull(0)
    (record,) = page.records
    assert record.entity == "household" and record.id == hid and record.village_code == laptop.village_code
    assert record.fields == fields and set(record.versions) == set(fields)
    assert page.cursor == record.seq == 1 and not page.more and not record.deleted


def test_after_a_cursor_only_changed_fields_come(laptop: Laptop, laptop_b: Laptop) -> None:
    hid = uuid7()
    laptop.push([laptop.change("household", hid, household_fields())])
    _, cursor = laptop_b.pull_all()
    result = laptop.push(
        [laptop.change("household", hid, {"address": "新地址"}, base={"address": 1})]
    ).results[0]
    page = laptop_b.pull(cursor)
    (record,) = page.records
    assert record.fields == {"address": "新地址"} and record.versions == {"address": result.seq}
    assert page.cursor == result.seq
    assert laptop_b.pull(page.cursor).records == []
    assert laptop_b.pull(page.cursor).cursor == page.cursor


def test_pages_follow_the_counter(laptop: Laptop) -> None:
    ids = [uuid7() for _ in range(25)]
    laptop.push([laptop.change("household", i, household_fields()) for i in ids])
    seen, cursor, pages = [], 0, 0
    while True:
        page = laptop.pull(cursor, limit=10)
        pages += 1
        seen.extend(r.id for r in page.records)
        assert all(r.seq > cursor for r in page.records)
        cursor = page.cursor
        if not page.more:
            break
    assert seen == ids and pages == 3 and cursor == 25


def test_tombstones_are_pulled(laptop: Laptop, laptop_b: Laptop) -> None:
    hid = uuid7()
    first = laptop.push([laptop.change("household", hid, household_fields())]).results[0]
    _, cursor = laptop_b.pull_all()
    laptop.push([laptop.change("household", hid, {}, deleted=True, base_seq=first.seq)])
    (record,) = laptop_b.pull(cursor).records
    assert record.deleted and record.fields == {} and record.seq == first.seq + 1


def test_a_laptop_sees_only_its_own_village(server: EmbeddedServer, laptop: Laptop) -> None:
    other = enroll_laptop(server, V2, "v2")
    hid = uuid7()
    laptop.push([laptop.change("household", hid, household_fields())])
    oid = uuid7()
    other.push([other.change("household", oid, household_fields())])
    assert [r.id for r in other.pull(0).records] == [oid]
    assert [r.id for r in laptop.pull(0).records] == [hid]


def test_a_record_appears_once_with_its_newest_state(laptop: Laptop) -> None:
    hid = uuid7()
    pid = uuid7()
    laptop.push([laptop.change("household", hid, household_fields())])
    first = laptop.push([laptop.change("person", pid, person_fields(hid, "head"))]).results[0]
    laptop.push([laptop.change("person", pid, {"occupation": "农民"}, base={"occupation": 0})])
    records = laptop.pull(0).records
    assert [r.id for r in records] == [hid, pid]
    assert records[1].fields["occupation"] == "农民" and records[1].versions["name"] == first.seq


def test_bad_pull_parameters(laptop: Laptop) -> None:
    for query in ("cursor=-1", "cursor=abc", "cursor=0&limit=0", "cursor=0&limit=999999"):
        reply = laptop.request("GET", f"/api/v1/pull?{query}")
        assert reply.status == 400 and reply.error == "malformed", query


def test_a_laptop_does_not_get_back_what_it_wrote_itself(laptop: Laptop) -> None:
    ids = [uuid7() for _ in range(5)]
    answer = laptop.push([laptop.change("household", i, household_fields()) for i in ids])
    page = laptop.pull(0, own=answer.server_seq)
    assert page.records == [] and page.cursor == answer.server_seq and not page.more
    assert [r.id for r in laptop.pull(0).records] == ids  # without ``own``: as before


def test_a_change_by_another_laptop_in_between_still_arrives_and_only_its_fields(
    laptop: Laptop, laptop_b: Laptop
) -> None:
    hid, other = uuid7(), uuid7()
    mine = laptop.push([laptop.change("household", hid, household_fields(address="旧地址"))])
    theirs = laptop_b.push(
        [
            laptop_b.change("household", hid, {"phone": "13900139000"}, base={"phone": 0}),
            laptop_b.change("household", other, household_fields()),
        ]
    )
    again = laptop.push(
        [laptop.change("household", hid, {"address": "新地址"}, base={"address": mine.results[0].seq})]
    )
    records, cursor = {}, 0
    while True:  # in small pages: the filter must not lose a page's place
        page = laptop.pull(cursor, limit=1, own=again.server_seq, since=0)
        records.update({r.id: r for r in page.records})
        cursor = page.cursor
        if not page.more:
            break
    assert set(records) == {hid, other} and cursor == again.server_seq
    assert records[hid].fields == {"phone": "13900139000"}
    assert records[hid].versions == {"phone": theirs.results[0].seq}
    assert records[other].fields  # made by the other laptop: every field comes
    assert set(records[other].versions) == set(records[other].fields)


def test_own_writes_after_the_given_counter_still_come_back(laptop: Laptop) -> None:
    """A laptop restored from a backup knows only the answers settled before the backup."""
    first = laptop.push([laptop.change("household", uuid7(), household_fields())])
    later_id = uuid7()
    laptop.push([laptop.change("household", later_id, household_fields())])
    page = laptop.pull(0, own=first.server_seq)
    assert [r.id for r in page.records] == [later_id]


def test_a_tombstone_by_another_laptop_arrives_for_a_record_i_made(laptop: Laptop, laptop_b: Laptop) -> None:
    hid = uuid7()
    made = laptop.push([laptop.change("household", hid, household_fields())])
    laptop_b.pull_all()
    gone = laptop_b.push([laptop_b.change("household", hid, {}, deleted=True, base_seq=made.results[0].seq)])
    (record,) = laptop.pull(0, own=made.server_seq).records
    assert record.deleted and record.fields == {} and record.seq == gone.results[0].seq


def test_a_record_edited_after_the_page_boundary_arrives_whole_on_a_paged_first_pull(
    laptop: Laptop, laptop_b: Laptop
) -> None:
    """A record is listed at its newest seq: pages after the first must still carry its older fields,
    counted from where the whole pull started (``since``), not from the page's cursor."""
    hid, other = uuid7(), uuid7()
    fields = household_fields(address="旧地址")
    made = laptop.push([laptop.change("household", hid, fields)])
    laptop.push([laptop.change("household", other, household_fields())])
    base = {"address": made.results[0].seq}
    laptop.push([laptop.change("household", hid, {"address": "新地址"}, base=base)])
    records: dict[str, dict] = {}
    cursor = 0
    while True:
        page = laptop_b.pull(cursor, limit=1, since=0)
        for r in page.records:
            records.setdefault(r.id, {}).update(r.fields)
        cursor = page.cursor
        if not page.more:
            break
    assert records[hid] == fields | {"address": "新地址"}


def test_values_sent_again_and_edits_made_on_lost_values_are_marked_on_snapshots(laptop: Laptop) -> None:
    """After a restore a laptop sends a value again with its lost version (``Change.lost``), or an
    edit made on a lost value (``Change.made_on``): the server keeps which, and a snapshot page sends
    it (``RecordState.lost``; an edit's third element is 1). Every answer says the server keeps them
    (``PullResponse.marks``); a partial page leaves the marks out."""
    hid = uuid7()
    first = laptop.push([laptop.change("household", hid, household_fields())]).results[0]
    resent = laptop.change("household", hid, {"address": "二组2号"}, base={"address": first.seq})
    resent.lost = {"address": 17}
    edit = laptop.change("household", hid, {"phone": "13800000001"}, made_on={"phone": 21})
    results = laptop.push([resent, edit]).results
    assert [r.status for r in results] == ["applied", "applied"]
    page = laptop.pull()
    assert page.marks
    assert page.records[0].lost == {"address": [17, results[0].seq], "phone": [21, results[1].seq, 1]}
    assert laptop.pull(cursor=first.seq, since=first.seq).records[0].lost == {}
    ordinary = laptop.change("household", hid, {"phone": "13900000002"}, base={"phone": results[1].seq})
    assert laptop.push([ordinary]).results[0].status == "applied"
    assert laptop.pull().records[0].lost["phone"] == [21, results[1].seq, 1]  # kept, no longer current
