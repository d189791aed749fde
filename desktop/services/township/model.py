"""What the township desk shows and the errors it raises (dataclasses, no I/O); the service that makes
them is ``desktop.services.township.desk``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.errors import RejectedError
from sync.protocol import Problem

# --------------------------------------------------------------------------------------------------
# Errors


class Forbidden(RejectedError):
    code = "forbidden"
    message_code = "review.forbidden"


class NotFound(RejectedError):
    code = "not_found"
    message_code = "review.not_found"


class StaleDecision(RejectedError):
    code = "stale"
    message_code = "review.stale"

    def __init__(self, item: Item, en: str | None = None, zh: str | None = None) -> None:
        super().__init__(en, zh, code="stale", status=409)
        self.item = item


class AlreadyDecided(RejectedError):
    code = "already_decided"
    message_code = "review.already_decided"

    def __init__(self, item: Item | None, en: str | None = None, zh: str | None = None) -> None:
        super().__init__(en, zh, code="already_decided", status=409)
        self.item = item


class InvalidValue(RejectedError):
    code = "invalid"
    message_code = "review.invalid"

    def __init__(self, problems: list[Problem], en: str | None = None, zh: str | None = None) -> None:
        super().__init__(en, zh, code="invalid", status=422)
        self.problems = problems

    def message(self, lang: str = "zh") -> str:
        if not self.problems:
            return super().message(lang)
        texts = [p.zh if lang.startswith("zh") else p.en for p in self.problems]
        return ("；" if lang.startswith("zh") else "; ").join(texts)


# --------------------------------------------------------------------------------------------------
# What the desk shows


@dataclass(frozen=True)
class StaffAccount:
    username: str
    scope: str
    """``county`` or ``township``."""
    scope_code: str
    villages: dict[str, str]
    """Village code -> name, every village this account works for."""
    expires_at: int = 0
    scope_name: str = ""
    """The township's name, when the county server knows it (from the division table)."""


@dataclass(frozen=True)
class FieldValue:
    value: Any
    display: str
    version: int = 0
    """The field version (village counter) this value has; ``county.version`` is what a decision names."""
    user: str = ""
    """Who wrote this value (the county's: the laptop user or staff account of that write), if known."""
    device_name: str = ""
    """The laptop that wrote it; empty for a staff decision or when not known."""


@dataclass(frozen=True)
class VillageValue:
    """One laptop's competing value (one conflict row)."""

    conflict_id: str
    value: Any
    display: str
    user: str
    device_id: str
    device_name: str
    sent_at: int
    """Unix time the server received it."""
    base_version: int = 0
    fields: dict[str, FieldValue] = field(default_factory=dict)
    """Delete items: the fields this laptop edited (its values), by field name."""


@dataclass(frozen=True)
class EditedField:
    """Delete items: a field edited on one side while the other deleted the record."""

    field: str
    label: str
    county: FieldValue
    village: FieldValue | None
    """The village's edited value (edit against a county delete), or None (county edits against a
    village delete)."""
    conflict_id: str | None = None


@dataclass(frozen=True)
class SetAside:
    """A value a decision did not keep; kept in the history with who sent it."""

    source: str
    """``village`` (a laptop's value), ``county`` (the county value replaced) or ``field`` (a
    delete item's edited field not restored)."""
    value: Any
    display: str
    field: str = ""
    user: str = ""
    device_id: str = ""
    device_name: str = ""
    sent_at: int = 0
    kept_record_id: str = ""
    """Duplicate decisions: the person record kept (this one was moved out and linked to it)."""


@dataclass(frozen=True)
class Decision:
    choice: str
    value: Any
    display: str
    note: str
    decided_by: str
    decided_at: int
    seq: int = 0
    """Village counter of the change the decision wrote (0 when nothing needed writing)."""
    fields: dict[str, FieldValue] = field(default_factory=dict)
    """``restore``: the fields restored with the village's values."""
    set_aside: list[SetAside] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    id: str
    village_code: str
    village_name: str
    entity: str
    entity_label: str
    record_id: str
    record_title: str
    field: str
    field_label: str
    kind: str
    """``field`` (competing values of one field) or ``delete`` (delete against edit)."""
    base: FieldValue
    county: FieldValue
    village_values: list[VillageValue]
    edited_fields: list[EditedField]
    created_at: int
    age: str
    status: str
    """``open`` or ``decided``."""
    decision: Decision | None = None
    record_deleted: bool = False
    number: str = ""
    """The short number the desk shows; ``TownshipService.item`` takes it like the id."""

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class ItemPage:
    items: list[Item]
    total: int
    """Items matching the filters (all pages)."""
    counts_by_village: dict[str, int]
    """Matching items per village code, ignoring the village filter (for the village list)."""


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    item_id: str
    kind: str
    """``conflict`` or ``duplicate``."""
    village_code: str
    village_name: str
    entity: str
    record_id: str
    record_title: str
    field: str
    field_label: str
    choice: str
    value: Any
    display: str
    note: str
    decided_by: str
    decided_at: int
    seq: int
    set_aside: list[SetAside]


@dataclass(frozen=True)
class DuplicateHolder:
    """One live person record holding the resident ID."""

    record_id: str
    village_code: str
    village_name: str
    household_id: str | None
    household_no: str
    head_name: str
    name: str
    status: str
    """The person's status label (present / moved out / …), in the UI language."""
    visible: bool = True
    """False for a record of a village outside the account's scope (shown without personal data)."""


@dataclass(frozen=True)
class DuplicateGroup:
    id: str
    resident_id_masked: str
    holders: list[DuplicateHolder]
    status: str
    """``open`` or ``decided``."""
    created_at: int
    age: str
    decision: str = ""
    """``keep`` or ``not_same`` once decided."""
    kept_record_id: str | None = None
    note: str = ""
    decided_by: str = ""
    decided_at: int = 0
