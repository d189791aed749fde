"""The field-level merge of one pushed change into the county's copy of a record (pure, no database).

Per field: the value already equal -> nothing to do; the laptop's base version equal to the county's
current version -> write; otherwise -> a conflict, the county value kept. A delete made on top of an
older record seq than the county's, or an edit of a record the county has deleted, is a conflict on
the pseudo-field ``_deleted``: never a silent resurrection, never a silent loss (the edit's fields
travel with the conflict).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.protocol import DELETED, Change

LOST = "~lost"
"""Key in a record's ``versions`` (never a field name) holding ``{field: [lost, taken]}``: values
sent again on a re-sync with their version of the history a restore lost (``Change.lost``), and
the version they were written at here; ``[lost, taken, 1]`` for an edit a re-sync rebased, made on
version ``lost`` of that history (``Change.made_on``). Not sent as a version; a snapshot pull sends
it as ``RecordState.lost``."""


@dataclass(slots=True)
class Current:
    """The county's copy of a record."""

    entity: str
    data: dict[str, Any]
    versions: dict[str, int]
    seq: int
    deleted: bool
    keys: dict[str, str] | None = None
    """Cached uniqueness key values of this state (``sync.server.keys.KeySpec.values``)."""


@dataclass(slots=True)
class FieldConflict:
    field: str
    base_version: int
    base_value: Any
    village_value: Any
    county_value: Any
    fields: dict[str, Any] | None = None
    """``_deleted`` conflicts of an edit against a county delete: the village's edited fields, kept
    in the conflict so that no value is lost (staff may restore the record with them)."""


@dataclass(slots=True)
class Merge:
    writes: dict[str, Any] = field(default_factory=dict)
    """Field -> value to write."""
    equal: list[str] = field(default_factory=list)
    """Fields already holding the pushed value."""
    conflicts: list[FieldConflict] = field(default_factory=list)
    create: bool = False
    delete: bool = False
    """Write a tombstone."""

    @property
    def changes_record(self) -> bool:
        return self.create or self.delete or bool(self.writes)

    @property
    def status(self) -> str:
        if self.create:
            return "applied"
        if self.writes or self.delete:
            return "partial" if self.conflicts else "applied"
        return "conflict" if self.conflicts else "unchanged"


def merge(current: Current | None, change: Change, fields: dict[str, Any]) -> Merge:
    """What to do with ``change`` (whose field values are already normalized into ``fields``).

    A delete may carry edits made just before it on the same laptop; they follow the field rules,
    so the county's tombstone holds what the laptop's holds.
    """
    if current is None:
        return Merge(writes=dict(fields), create=True, delete=change.deleted)
    if current.deleted and not change.deleted:
        return Merge(conflicts=[FieldConflict(DELETED, change.base_seq, False, False, True, dict(fields))])
    out = Merge()
    for name, value in fields.items():
        county_value = current.data.get(name)
        if value == county_value and type(value) is type(county_value):
            out.equal.append(name)
        elif change.base.get(name, 0) == current.versions.get(name, 0):
            out.writes[name] = value
        else:
            out.conflicts.append(
                FieldConflict(
                    name, change.base.get(name, 0), change.base_values.get(name), value, county_value
                )
            )
    if change.deleted:
        if current.deleted:
            out.equal.append(DELETED)
        elif current.seq > change.base_seq:
            out.conflicts.append(FieldConflict(DELETED, change.base_seq, False, True, False))
        else:
            out.delete = True
    return out
