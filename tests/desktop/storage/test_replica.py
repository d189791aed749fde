"""The LocalReplica over the encrypted store, fed with protocol messages as the server sends them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop.storage.outbox import REJECTED
from desktop.storage.replica import StoreReplica
from sync import protocol
from sync.ids import uuid7
from sync.laptop.interfaces import FrozenBatch
from sync.protocol import ChangeResult, Problem, PullResponse, PushRequest, PushResponse, RecordState
from tests.desktop.storage.conftest import VILLAGE, household, person


def freeze(replica: StoreReplica, limit: int = 100) -> tuple[FrozenBatch, list[protocol.Change]]:
    pending = replica.pending_changes(limit)
    batch_id = uuid7()
    body = protocol.encode(PushRequest(batch_id, pending.changes))
    batch = FrozenBatch(batch_id, body, protocol.body_digest(body), len(pending.changes))
    replica.freeze(batch, pending)
    return batch, pending.changes


def answer(batch: FrozenBatch, *results: ChangeResult, seq: int = 10) -> PushResponse:
    return PushResponse(batch.batch_id, list(results), server_seq=seq)


def outbox(store) -> list[tuple]:
    return store.db.query("SELECT entity, record_id, fields, base, base_seq, deleted, batch_id FROM outbox")


@pytest.fixture
def replica(store) -> StoreReplica:
    return StoreReplica(store)


def test_edits_coalesce_into_one_change_per_record(store, replica):
    h = store.household.create(household("001", "张三"))
    store.household.update(h, {"address": "二组3号"})
    store.household.update(h, {"address": "二组4号", "phone": "13800138000"})
    pending = replica.pending_changes(10)
    assert len(pending.changes) == 1
    c = pending.changes[0]
    assert (c.entity, c.id, c.village_code, c.deleted, c.base_seq) == ("household", h, VILLAGE, False, 0)
    assert c.fields["address"] == "二组4号" and c.fields["phone"] == "13800138000"
    assert c.fields["household_no"] == "001"
    assert c.base == {} and c.base_values == {}  # never synced: every base is 0, so none is sent
    assert c.user == "wang" and c.hlc > 0
    assert sorted(pending.marker) == [r[0] for r in store.db.query("SELECT seq FROM outbox ORDER BY seq")]


def test_base_is_the_earliest_per_field_and_delete_wins(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=7, versions=dict.fromkeys(household(), 7)))
    )
    store.household.update(h, {"address": "A"})
    store.household.update(h, {"address": "B"})
    store.household.delete(h)
    (c,) = replica.pending_changes(10).changes
    assert c.fields == {"address": "B"}
    assert c.base == {"address": 7} and c.base_values == {"address": "一组12号"}
    assert c.base_seq == 7 and c.deleted


def test_limit_counts_records_and_keeps_all_rows_of_each(store, replica):
    ids = [store.household.create(household(f"{i:03d}", "张三")) for i in range(5)]
    store.household.update(ids[0], {"address": "later"})
    pending = replica.pending_changes(2)
    assert [c.id for c in pending.changes] == ids[:2]
    assert pending.changes[0].fields["address"] == "later"
    assert len(pending.marker) == 3


def test_freeze_marks_rows_and_keeps_the_exact_body(store, replica):
    store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    assert replica.frozen_batch() == batch
    assert {r[6] for r in outbox(store)} == {batch.batch_id}
    assert replica.pending_changes(10).changes == []  # frozen rows are not offered again
    with pytest.raises(RuntimeError):
        freeze(replica)  # nothing is left to freeze (frozen rows are not offered again)
    replica.unfreeze(batch.batch_id)
    assert replica.frozen_batch() is None and {r[6] for r in outbox(store)} == {None}


def test_an_edit_made_while_frozen_waits_for_the_next_batch_and_is_rebased(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    store.household.update(h, {"address": "二组"})  # saved while the batch is in flight
    result = ChangeResult(h, "applied", seq=3, versions=dict.fromkeys(household(), 3))
    outcome = replica.apply_push(batch, answer(batch, result))
    assert outcome.acknowledged == 1
    (c,) = replica.pending_changes(10).changes
    # Made on top of what the server just accepted: base is the new version, not 0.
    assert c.fields == {"address": "二组"}
    assert c.base == {"address": 3} and c.base_values == {"address": "一组12号"} and c.base_seq == 3
    row = store.household.get(h)
    assert row["seq"] == 3
    versions = json.loads(store.db.query("SELECT versions FROM household")[0][0])
    assert versions == dict.fromkeys(household(), 3)


def test_rejected_records_keep_their_rows_and_reasons_until_edited(store, replica):
    h = store.household.create(household("001", "张三"))
    h2 = store.household.create(household("002", "李四"))
    batch, _ = freeze(replica)
    problem = Problem("household_no", "duplicate", "户号重复", "Household number already used")
    outcome = replica.apply_push(
        batch,
        answer(
            batch,
            ChangeResult(h, "rejected", errors=[problem]),
            ChangeResult(h2, "applied", seq=1, versions={"household_no": 1}),
        ),
    )
    assert outcome.acknowledged == 1 and [n.id for n in outcome.rejected] == [h]
    assert outcome.rejected[0].problems == (problem,)
    assert replica.frozen_batch() is None
    assert [(r[1], r[6]) for r in outbox(store)] == [(h, REJECTED)]
    assert [(n.id, n.problems) for n in replica.rejected()] == [(h, (problem,))]
    assert replica.pending_changes(10).changes == []  # not resent as is
    assert replica.pending_count() == 1  # but still waiting, and shown
    store.household.update(h, {"household_no": "003"})
    (c,) = replica.pending_changes(10).changes  # the fix goes with the earlier rows
    assert c.fields["household_no"] == "003" and c.fields["head_name"] == "张三"
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch, ChangeResult(h, "applied", seq=2, versions={"household_no": 2})))
    assert outbox(store) == [] and replica.rejected() == []


def test_retry_rejected_offers_them_again(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch, ChangeResult(h, "rejected", errors=[])))
    assert replica.retry_rejected() == 1
    assert [c.id for c in replica.pending_changes(10).changes] == [h]


def test_rows_the_server_did_not_answer_go_back_to_waiting(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch))
    assert [c.id for c in replica.pending_changes(10).changes] == [h]


def state(record_id: str, seq: int, fields: dict, *, entity: str = "household", deleted: bool = False):
    return RecordState(entity, record_id, VILLAGE, seq, fields, dict.fromkeys(fields, seq), deleted)


def test_pull_writes_records_and_cursor_without_outbox_capture(store, replica):
    h = uuid7()
    replica.apply_pull(PullResponse([state(h, 5, household("009", "王五"))], cursor=5, more=False))
    assert store.household.get(h)["head_name"] == "王五"
    assert store.household.get(h)["seq"] == 5
    assert replica.cursor() == 5
    assert outbox(store) == [] and replica.pending_count() == 0
    # A later page with a delete; the cursor only moves forward.
    replica.apply_pull(PullResponse([state(h, 6, {}, deleted=True)], cursor=6, more=False))
    assert store.household.get(h)["deleted"] is True
    replica.apply_pull(PullResponse([], cursor=2, more=False))
    assert replica.cursor() == 6


def test_pull_is_all_or_nothing(store, replica):
    # A bad *value* keeps its record aside (tests/desktop/storage/test_quarantine.py); a record id
    # the store cannot bind breaks the page half-way: after the households are written.
    bad_id: Any = ("not", "an", "id")
    bad = RecordState("person", bad_id, VILLAGE, 5, {"name": {"x": 1}}, {"name": 5})
    good = state(uuid7(), 4, household("010", "赵六"))
    with pytest.raises(Exception, match="binding"):
        replica.apply_pull(PullResponse([good, bad], cursor=5, more=False))
    assert replica.cursor() == 0 and store.household.ids() == []


def test_pull_keeps_pending_local_edits_and_takes_the_other_fields(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    store.household.update(h, {"address": "村里改的"})
    replica.apply_pull(PullResponse([state(h, 2, {"address": "县里改的", "phone": "13900139000"})], 2, False))
    row = store.household.get(h)
    assert row["address"] == "村里改的"  # pending local edit not overwritten
    assert row["phone"] == "13900139000"  # other field taken
    # The push then conflicts: the county value is kept at the server, and now here too.
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch, ChangeResult(h, "conflict", seq=2, conflicts=["address"])))
    assert store.household.get(h)["address"] == "县里改的"
    assert outbox(store) == []
    assert store.db.query("SELECT count(*) FROM sync_state WHERE key LIKE 'shadow/%'")[0][0] == 0


def test_pending_delete_against_a_county_edit_comes_back_alive(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    store.household.delete(h)
    replica.apply_pull(PullResponse([state(h, 2, {"address": "县里改的"})], 2, False))
    assert store.household.get(h)["deleted"] is True  # the local delete still stands, for now
    batch, (c,) = freeze(replica)
    assert c.deleted and c.base_seq == 1
    replica.apply_push(batch, answer(batch, ChangeResult(h, "conflict", seq=2, conflicts=["_deleted"])))
    row = store.household.get(h)
    assert row["deleted"] is False and row["address"] == "县里改的"


def test_an_edit_against_a_county_delete_ends_deleted(store, replica):
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    store.household.update(h, {"address": "村里改的"})
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch, ChangeResult(h, "conflict", seq=2, conflicts=["_deleted"])))
    row = store.household.get(h)
    assert row["deleted"] is True
    assert row["address"] == "一组12号"  # the edit was not written at the county: back to its base


def test_pull_of_a_person_references_and_all_entities(store, replica):
    h, p = uuid7(), uuid7()
    replica.apply_pull(
        PullResponse(
            [state(h, 1, household("001", "张三")), state(p, 2, person(h, "张三"), entity="person")],
            cursor=2,
            more=False,
        )
    )
    assert store.person.get(p)["household_id"] == h
    assert store.person.ids(household_id=h) == [p]


def test_edit_then_delete_keeps_the_county_values_on_the_tombstone(store, replica):
    """The county writes a tombstone and ignores the fields of a deleted record's last edit; the
    laptop's tombstone must hold the same values, or the two would differ for ever."""
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    store.household.update(h, {"address": "改过"})
    store.household.delete(h)
    batch, (c,) = freeze(replica)
    assert c.deleted and c.fields == {"address": "改过"}
    replica.apply_push(batch, answer(batch, ChangeResult(h, "applied", seq=2)))
    row = store.household.get(h)
    assert row["deleted"] is True and row["address"] == "一组12号" and row["seq"] == 2


def test_two_batches_frozen_at_once_never_share_a_record(store, replica):
    h1, h2, h3 = (store.household.create(household(f"00{i}", "张三")) for i in (1, 2, 3))
    first, _ = freeze(replica, limit=1)
    store.household.update(h1, {"address": "二组"})  # saved while the first batch is in flight
    second, changes = freeze(replica, limit=10)
    # h2 and h3 were waiting before h1's new edit; h1 waits for its first batch to be settled.
    assert [c.id for c in changes] == [h2, h3]
    assert replica.frozen_batches() == [first, second] and replica.frozen_batch() == first
    assert replica.pending_changes(10).changes == []
    with pytest.raises(RuntimeError):
        replica.freeze(first, replica.pending_changes(10))  # nothing to freeze, and no slot left
    replica.apply_push(
        first, answer(first, ChangeResult(h1, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    assert replica.frozen_batches() == [second]  # the second moved up: it is sent first next run
    (c,) = replica.pending_changes(10).changes
    assert c.id == h1 and c.base == {"address": 1}  # rebased on what the server accepted


def test_nothing_overtakes_a_record_whose_earlier_edits_are_in_flight(store, replica):
    h1 = store.household.create(household("001", "张三"))
    first, _ = freeze(replica)
    store.household.update(h1, {"address": "二组"})
    h2 = store.household.create(household("002", "李四"))  # made after h1's edit: not before it
    assert replica.pending_changes(10).changes == []
    replica.apply_push(
        first, answer(first, ChangeResult(h1, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    assert [c.id for c in replica.pending_changes(10).changes] == [h1, h2]


def test_an_edit_saved_between_reading_and_freezing_is_rebased_too(store, replica):
    h = store.household.create(household("001", "张三"))
    pending = replica.pending_changes(10)
    store.household.update(h, {"address": "二组"})  # not in the batch being made
    body = protocol.encode(PushRequest("b1", pending.changes))
    batch = FrozenBatch("b1", body, protocol.body_digest(body), len(pending.changes))
    replica.freeze(batch, pending)
    result = ChangeResult(h, "applied", seq=5, versions=dict.fromkeys(household(), 5))
    assert replica.apply_push(batch, answer(batch, result)).acknowledged == 1
    (c,) = replica.pending_changes(10).changes
    assert c.fields == {"address": "二组"} and c.base == {"address": 5} and c.base_seq == 5


def test_the_outbox_kept_in_memory_follows_saves_and_other_replicas(store, replica):
    h1, h2 = (store.household.create(household(f"00{i}", "张三")) for i in (1, 2))
    first, _ = freeze(replica, limit=1)  # read once, then kept in step with this replica's writes
    h3 = store.household.create(household("003", "王五"))  # a save between batches
    assert [c.id for c in replica.pending_changes(10).changes] == [h2, h3]
    other = StoreReplica(store)
    second, _ = freeze(other, limit=1)  # another replica on the same store freezes h2
    assert [c.id for c in replica.pending_changes(10).changes] == [h3]
    replica.apply_push(first, answer(first, ChangeResult(h1, "applied", seq=1, versions={"household_no": 1})))
    other.unfreeze(second.batch_id)
    assert [c.id for c in replica.pending_changes(10).changes] == [h2, h3]
    assert [c.id for c in StoreReplica(store).pending_changes(10).changes] == [h2, h3]  # as read fresh


def test_a_value_the_county_did_not_take_waits_on_the_township_beside_the_county_value(store, replica):
    from desktop.services.review import ReviewService
    from desktop.storage import review

    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    store.household.update(h, {"address": "村里改的"})
    replica.apply_pull(PullResponse([state(h, 2, {"address": "县里改的"})], 2, False))
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch, ChangeResult(h, "conflict", seq=2, conflicts=["address"])))
    assert store.household.get(h)["address"] == "县里改的"
    (row,) = ReviewService(store).records()
    assert (row.field, row.my_display, row.county_display, row.status) == (
        "address",
        "村里改的",
        "县里改的",
        "waiting",
    )
    assert row.record_title == "001 · 张三" and row.field_label == "家庭住址"
    assert ReviewService(store).under_review("household") == {h} and ReviewService(store).waiting_count() == 1
    assert review.waiting_record_ids(store.db) == [h]
    decision = {
        "choice": "village",
        "value": "村里改的",
        "note": "入户核实",
        "decided_by": "township",
        "decided_at": 5,
    }
    with store.atomic() as conn:
        assert (
            review.apply_states(
                conn,
                [
                    {
                        "id": "i1",
                        "entity": "household",
                        "record_id": h,
                        "field": "address",
                        "status": "decided",
                        "county": {"value": "村里改的"},
                        "decision": decision,
                    }
                ],
            )
            == 1
        )
    (done,) = ReviewService(store, language="en").records()
    assert (done.status, done.choice_label, done.decided_display, done.note) == (
        "decided",
        "Village value taken",
        "村里改的",
        "入户核实",
    )
    assert not ReviewService(store).is_under_review("household", h)
    assert ReviewService(store).unseen_decided_count() == 1 and ReviewService(store).mark_seen() == 1


def test_an_edit_against_a_county_delete_keeps_the_officials_fields(store, replica):
    from desktop.services.review import ReviewService

    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    replica.apply_push(
        batch, answer(batch, ChangeResult(h, "applied", seq=1, versions=dict.fromkeys(household(), 1)))
    )
    store.household.update(h, {"address": "村里改的"})
    batch, _ = freeze(replica)
    replica.apply_push(batch, answer(batch, ChangeResult(h, "conflict", seq=2, conflicts=["_deleted"])))
    assert store.household.get(h)["deleted"] is True
    (row,) = ReviewService(store).records("waiting")
    assert row.field == "_deleted" and row.my_display == "保留（未删除）" and row.county_display == "已删除"
    assert list(row.my_fields.values()) == ["村里改的"]
