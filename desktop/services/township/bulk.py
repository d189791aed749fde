"""Deciding many review items with one choice and one note, each on its own.

Every item goes to the server's decide endpoint by itself: its own transaction, its own stale guard
(the county version and the number of village values it was shown with) and its own history entry,
exactly as when decided one at a time. A refusal (the field moved, someone decided first, the value
breaks a rule) is kept with its reason and the rest go on; a lost connection or an expired sign-in
stops the run and the items not sent are listed as such.

Why not one bulk endpoint: it would have to define what a half-applied batch means for the history
and for the laptops, while the per-item endpoint already guarantees both; on a keep-alive connection
an item costs a few milliseconds (``benchmarks/bench_desk.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.services.township.model import Item
from sync.errors import RejectedError, SyncError

CHOICES = ("county", "village_newest", "typed", "stay_deleted", "restore")
"""``village_newest`` takes, per item, the newest village value (the last laptop's)."""


@dataclass
class BulkOutcome:
    decided: list[Item] = field(default_factory=list)
    refused: list[tuple[Item, SyncError]] = field(default_factory=list)
    """Items the server refused (stale, already decided, invalid, forbidden), with the reason."""
    not_sent: list[Item] = field(default_factory=list)
    """Items not tried because the run stopped (connection lost, sign-in expired)."""
    stopped_by: SyncError | None = None


def choices_for(items: Sequence[Item]) -> tuple[str, ...]:
    """The choices one decision can apply to all of ``items`` (empty: they cannot go together)."""
    if not items:
        return ()
    kinds = {i.kind for i in items}
    if len(kinds) != 1:
        return ()
    if kinds == {"delete"}:
        return ("stay_deleted", "restore")
    same_field = len({(i.entity, i.field) for i in items}) == 1
    return ("county", "village_newest", "typed") if same_field else ("county", "village_newest")


def decide_many(
    desk: Any,
    items: Sequence[Item],
    choice: str,
    *,
    note: str,
    value: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> BulkOutcome:
    """Decide each of ``items`` with ``choice`` and ``note`` (``value`` for ``typed``)."""
    if choice not in choices_for(items):
        raise ValueError(f"{choice!r} cannot be applied to these items together")
    if not note.strip():
        raise ValueError("a note is required")
    outcome = BulkOutcome()
    for n, item in enumerate(items):
        try:
            outcome.decided.append(_decide_one(desk, item, choice, note, value))
        except RejectedError as exc:
            outcome.refused.append((item, exc))
        except SyncError as exc:  # offline, sign-in expired, server error: stop here
            outcome.stopped_by = exc
            outcome.not_sent = list(items[n:])
            break
        if progress is not None:
            progress(n + 1, len(items))
    return outcome


def _decide_one(desk: Any, item: Item, choice: str, note: str, value: Any) -> Item:
    if choice == "village_newest":
        newest = max(item.village_values, key=lambda v: (v.sent_at, v.conflict_id))
        return desk.decide(item, "village", conflict_id=newest.conflict_id, note=note)  # type: ignore[no-any-return]
    if choice == "typed":
        return desk.decide(item, "typed", value=value, note=note)  # type: ignore[no-any-return]
    if choice == "restore":
        fields = [e.field for e in item.edited_fields if e.village is not None]
        return desk.decide(item, "restore", fields=fields, note=note)  # type: ignore[no-any-return]
    return desk.decide(item, choice, note=note)  # type: ignore[no-any-return]
