"""The township desk to Excel: the work list (with the filters shown), the decisions made, and the
villages' indicators side by side with the township's figures. Written by ``sync.xlsx`` (text cells
never formulas, resident IDs and phones as text, straight to the path asked for).

Blocking (HTTP and the disk): the UI runs it on its task runner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from desktop.services.review import CHOICE_LABELS
from sync.messages import text
from sync.xlsx import Column, Table, indicator_tables, write_workbook

PAGE = 500


def _zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def _values(item: Any, lang: str) -> str:
    if item.kind == "delete":
        return text("sheet.desk.deleted_against_edited", lang)
    village = " / ".join(v.display for v in item.village_values)
    return text("sheet.desk.values", lang, village=village, county=item.county.display)


def worklist_table(items: list[Any], lang: str) -> Table:
    columns = [
        Column(text("sheet.desk.no", lang), "text", 11),
        Column(text("sheet.desk.village", lang), "text", 12),
        Column(text("sheet.desk.record", lang), "text", 30),
        Column(text("sheet.desk.form", lang), "text", 10),
        Column(text("sheet.desk.field", lang), "text", 16),
        Column(text("sheet.desk.competing_values", lang), "text", 44),
        Column(text("sheet.desk.waiting", lang), "text", 10),
        Column(text("sheet.desk.status", lang), "text", 8),
    ]
    rows = (
        [
            i.number,
            i.village_name or i.village_code,
            i.record_title,
            i.entity_label,
            i.field_label,
            _values(i, lang),
            i.age if i.is_open else "",
            (text("sheet.desk.open", lang)) if i.is_open else (text("sheet.desk.decided", lang)),
        ]
        for i in items
    )
    return Table(text("sheet.desk.work_list", lang), columns, rows)


def history_table(items: list[Any], lang: str) -> Table:
    """Decided items, newest decision first."""
    from datetime import datetime

    zh = _zh(lang)
    columns = [
        Column(text("sheet.desk.decided_at", lang), "text", 17),
        Column(text("sheet.desk.by", lang), "text", 12),
        Column(text("sheet.desk.no", lang), "text", 11),
        Column(text("sheet.desk.village", lang), "text", 12),
        Column(text("sheet.desk.record", lang), "text", 30),
        Column(text("sheet.desk.field", lang), "text", 16),
        Column(text("sheet.desk.decision", lang), "text", 16),
        Column(text("sheet.desk.value", lang), "text", 18),
        Column(text("sheet.desk.note", lang), "text", 36),
    ]
    decided = sorted((i for i in items if i.decision is not None), key=lambda i: -i.decision.decided_at)
    rows = (
        [
            datetime.fromtimestamp(i.decision.decided_at).strftime("%Y-%m-%d %H:%M"),
            i.decision.decided_by,
            i.number,
            i.village_name or i.village_code,
            i.record_title,
            i.field_label,
            CHOICE_LABELS.get(i.decision.choice, (i.decision.choice,) * 2)[0 if zh else 1],
            i.decision.display,
            i.decision.note,
        ]
        for i in decided
    )
    return Table(text("sheet.desk.decisions", lang), columns, rows)


def villages_table(answer: dict[str, Any], lang: str) -> Table:
    """One row per village of a staff indicators answer."""
    columns = [
        Column(text("sheet.desk.code", lang), "text", 14),
        Column(text("sheet.desk.village_name", lang), "text", 12),
        Column(text("sheet.desk.persons", lang), "int", 8),
        Column(text("sheet.desk.households", lang), "int", 8),
        Column(text("sheet.desk.per_capita_income_yuan", lang), "yuan", 14),
        Column(text("sheet.desk.under_the_line", lang), "share", 10),
        Column(text("sheet.desk.gini", lang), "number", 9),
        Column(text("sheet.desk.medical", lang), "share", 10),
        Column(text("sheet.desk.pension", lang), "share", 10),
        Column(text("sheet.desk.missing_fields", lang), "int", 9),
        Column(text("sheet.desk.open_conflicts", lang), "int", 10),
    ]

    def rows() -> Iterator[list[Any]]:
        for code, v in sorted(answer.get("by_village", {}).items()):
            inc, cov, q = v["income"], v["coverage"], v["quality"]
            yield [
                code,
                v.get("name", ""),
                v["population"]["total"],
                v["households"]["total"],
                inc["mean_fen"],
                inc["under_line_person_share"],
                inc["gini"],
                cov["medical"]["share"],
                cov["pension"]["share"],
                sum(q["required_missing"].values()),
                q["open_conflicts"],
            ]

    return Table(text("sheet.desk.villages", lang), columns, rows())


def all_items(desk: Any, **query: Any) -> list[Any]:
    """Every item matching ``query`` (every page)."""
    out: list[Any] = []
    while True:
        page = desk.items(**query, offset=len(out), limit=PAGE)
        out.extend(page.items)
        if not page.items or len(out) >= page.total:
            return out


def export_desk(
    path: Path, desk: Any, query: dict[str, Any], *, year: int, line_fen: int, lang: str
) -> dict[str, int]:
    """The work list as filtered on screen, every decision, and the indicators, to ``path``."""
    items = all_items(desk, **query)
    decided = all_items(desk, status="decided", sort="age")
    answer = desk.indicators(year, line_fen)
    tables = [worklist_table(items, lang), history_table(decided, lang), villages_table(answer, lang)]
    tables += indicator_tables(
        {k: v for k, v in answer.items() if k != "by_village"}, lang=lang, forms=desk.forms
    )
    return write_workbook(path, tables)
