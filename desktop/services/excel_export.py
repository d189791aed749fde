"""The village's lists and indicators to one Excel workbook, as an explicit, logged user action.

The workbook follows :mod:`sync.xlsx` (the county export follows the same rules): Chinese headers,
choice labels, yuan, household number and head's name instead of ids, resident IDs as text, nothing
written as a formula. It is streamed straight to the path the user chose (no temporary copy of
personal data); the store's audit log records that an export happened, with row counts only. Run on
the task runner's database thread. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from desktop.services.indicators import STATE_OPEN_CONFLICTS, indicators_of
from desktop.storage import Store, sync_state
from sync.indicators import DEFAULT_LINE_FEN, ENTITIES
from sync.xlsx import indicator_tables, record_tables, write_workbook

Progress = Callable[[int, int, str], None]


def export_village(
    store: Store,
    path: Path | str,
    *,
    year: int | None = None,
    today: date | None = None,
    line_fen: int = DEFAULT_LINE_FEN,
    lang: str = "zh_CN",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write every list and the indicators to ``path`` (.xlsx). Returns the rows written per entity."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    data = {}
    # One read transaction for every table, and the indicators computed from the same rows: the
    # workbook shows one state of the village even while a sync commits (each table read once).
    with store.db.snapshot() as snap:
        for i, entity in enumerate(ENTITIES):
            if progress is not None:
                progress(i, len(ENTITIES) + 1, entity)
            data[entity] = list(store.repository(entity).iter_all(snapshot=snap))
        conflicts = sync_state.read(snap, STATE_OPEN_CONFLICTS)
    result = indicators_of(store, data, conflicts, year=year, today=today, line_fen=line_fen)
    tables = record_tables(store.forms, data, lang=lang)
    tables += indicator_tables(result, lang=lang, forms=store.forms)
    write_workbook(path, tables)
    counts = {e: len(data[e]) for e in ENTITIES}
    store.audit("excel_export", ", ".join(f"{e} {n}" for e, n in counts.items()))
    if progress is not None:
        progress(len(ENTITIES) + 1, len(ENTITIES) + 1, "")
    return counts
