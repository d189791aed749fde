"""The pure field-level merge: every rule of README.md "Sync, in one paragraph", one case each."""

from __future__ import annotations

from sync.protocol import DELETED, Change
from sync.server.merge import Current, FieldConflict, merge

V = "110105001001"


def _current(deleted: bool = False) -> Current:
    return Current("household", {"address": "A", "phone": None}, {"address": 3, "phone": 5}, 5, deleted)


def _change(fields=None, base=None, **kw) -> Change:
    return Change("household", "id", V, fields=fields or {}, base=base or {}, **kw)


def test_new_record_writes_every_field() -> None:
    m = merge(None, _change({"address": "A"}), {"address": "A"})
    assert m.create and m.writes == {"address": "A"} and m.status == "applied"


def test_base_equal_to_current_writes() -> None:
    m = merge(_current(), _change(base={"address": 3}), {"address": "B"})
    assert m.writes == {"address": "B"} and m.status == "applied"


def test_a_field_never_written_has_version_zero() -> None:
    m = merge(_current(), _change(), {"head_name": "X"})
    assert m.writes == {"head_name": "X"}


def test_equal_value_is_nothing_to_do_whatever_the_base() -> None:
    m = merge(_current(), _change(base={"address": 1}), {"address": "A"})
    assert m.equal == ["address"] and not m.writes and not m.conflicts and m.status == "unchanged"


def test_equal_is_typed() -> None:
    cur = Current("income", {"amount_fen": 1}, {"amount_fen": 2}, 2, False)
    m = merge(cur, Change("income", "id", V, base={"amount_fen": 1}), {"amount_fen": True})
    assert m.conflicts


def test_stale_base_is_a_conflict_keeping_the_county_value() -> None:
    change = _change(base={"address": 2, "phone": 5}, base_values={"address": "old"})
    m = merge(_current(), change, {"address": "B", "phone": "13800138000"})
    assert m.conflicts == [FieldConflict("address", 2, "old", "B", "A")]
    assert m.writes == {"phone": "13800138000"} and m.status == "partial"


def test_delete_on_the_current_seq_deletes() -> None:
    m = merge(_current(), _change(deleted=True, base_seq=5), {})
    assert m.delete and m.status == "applied"


def test_delete_against_a_later_edit_conflicts() -> None:
    m = merge(_current(), _change(deleted=True, base_seq=4), {})
    assert m.conflicts == [FieldConflict(DELETED, 4, False, True, False)] and not m.delete
    assert m.status == "conflict"


def test_edit_against_a_deleted_record_conflicts_and_keeps_the_edit() -> None:
    m = merge(
        _current(deleted=True), _change({"address": "B"}, base={"address": 3}, base_seq=5), {"address": "B"}
    )
    assert m.conflicts == [FieldConflict(DELETED, 5, False, False, True, {"address": "B"})] and not m.writes


def test_delete_of_a_deleted_record_is_nothing() -> None:
    m = merge(_current(deleted=True), _change(deleted=True, base_seq=1), {})
    assert m.status == "unchanged" and not m.changes_record


def test_edits_made_before_a_delete_follow_the_field_rules() -> None:
    change = _change(
        {"address": "B", "phone": "13800138000"}, base={"address": 3, "phone": 4}, deleted=True, base_seq=5
    )
    m = merge(_current(), change, dict(change.fields))
    assert m.delete and m.writes == {"address": "B"}
    assert [c.field for c in m.conflicts] == ["phone"] and m.status == "partial"


def test_edits_with_a_conflicting_delete_still_merge() -> None:
    change = _change({"address": "B"}, base={"address": 3}, deleted=True, base_seq=4)
    m = merge(_current(), change, dict(change.fields))
    assert not m.delete and m.writes == {"address": "B"}
    assert [c.field for c in m.conflicts] == [DELETED] and m.status == "partial"


def test_edits_of_a_deleted_record_deleted_again_apply_to_the_tombstone() -> None:
    change = _change({"address": "B"}, base={"address": 3}, deleted=True, base_seq=5)
    m = merge(_current(deleted=True), change, dict(change.fields))
    assert m.writes == {"address": "B"} and DELETED in m.equal and not m.conflicts
