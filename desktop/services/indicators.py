"""The village's indicators computed on the laptop, from its own encrypted store.

The definitions are in :mod:`sync.indicators` (shared with the county server, so the same records
give the same figures at both ends). Here the laptop adds what only it knows: records never synced
(live records made here that the county has not acknowledged yet), and the open conflicts the county
reported at the last sync (``None`` before the first one). Run on the task runner's database thread.
No Qt here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.storage import Store, sync_state
from sync.indicators import DEFAULT_LINE_FEN, ENTITIES, compute

STATE_OPEN_CONFLICTS = "open_conflicts"
"""sync_state key: the county's count of this village's open conflicts, as of the last sync."""

__all__ = [
    "STATE_OPEN_CONFLICTS",
    "default_year",
    "indicators_of",
    "village_indicators",
]


def default_year(today: date) -> int:
    """The income year a village has complete figures for: last year."""
    return today.year - 1


def village_indicators(
    store: Store, *, year: int | None = None, today: date | None = None, line_fen: int = DEFAULT_LINE_FEN
) -> dict[str, Any]:
    """Indicators of this laptop's village (see :mod:`sync.indicators` for every definition), from
    one committed state of the store (a sync writing meanwhile is either all in or all out)."""
    with store.db.snapshot() as snap:
        rows = {e: list(store.repository(e).iter_all(snapshot=snap)) for e in ENTITIES}
        conflicts = sync_state.read(snap, STATE_OPEN_CONFLICTS)
    return indicators_of(store, rows, conflicts, year=year, today=today, line_fen=line_fen)


def indicators_of(
    store: Store,
    rows: dict[str, list[dict[str, Any]]],
    conflicts: Any,
    *,
    year: int | None = None,
    today: date | None = None,
    line_fen: int = DEFAULT_LINE_FEN,
) -> dict[str, Any]:
    """The indicators of records already read (``rows`` per entity, live ones)."""
    today = today or date.today()
    never_synced = sum(1 for e in ENTITIES for r in rows[e] if not r["seq"])
    result = compute(
        rows["household"], rows["person"], rows["income"], rows["service"],
        year=year or default_year(today), today=today, line_fen=line_fen, forms=store.forms,
        never_synced=never_synced, open_conflicts=None if conflicts is None else int(conflicts),
    )  # fmt: skip
    result["villages"] = [store.village_code]
    return result
