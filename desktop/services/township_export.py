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
from sync.xlsx import Column, Table, indicator_tables, write_workbook

PAGE = 500


def _zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def _values(item: Any, zh: bool) -> str:
    if item.kind == "delete":
        return "删除与修改冲突" if zh else "Deleted against edited"
    village = " / ".join(v.display for v in item.village_values)
    return (
        f"村：{village} ⇄ 县：{item.county.display}"
        if zh
        else f"village: {village} ⇄ county: {item.county.display}"
    )


def worklist_table(items: list[Any], lang: str) -> Table:
    zh = _zh(lang)
    columns = [
        Column("编号" if zh else "No.", "text", 11),
        Column("村" if zh else "Village", "text", 12),
        Column("记录" if zh else "Record", "text", 30),
        Column("表单" if zh else "Form", "text", 10),
        Column("字段" if zh else "Field", "text", 16),
        Column("各方数值" if zh else "Competing values", "text", 44),
        Column("已等待" if zh else "Waiting", "text", 10),
        Column("状态" if zh else "Status", "text", 8),
    ]
    rows = (
        [
            i.number,
            i.village_name or i.village_code,
            i.record_title,
            i.entity_label,
            i.field_label,
            _values(i, zh),
            i.age if i.is_open else "",
            ("待处理" if zh else "Open") if i.is_open else ("已处理" if zh else "Decided"),
        ]
        for i in items
    )
    return Table("工作清单" if zh else "Work list", columns, rows)


def history_table(items: list[Any], lang: str) -> Table:
    """Decided items, newest decision first."""
    from datetime import datetime

    zh = _zh(lang)
    columns = [
        Column("处理时间" if zh else "Decided", "text", 17),
        Column("处理人" if zh else "By", "text", 12),
        Column("编号" if zh else "No.", "text", 11),
        Column("村" if zh else "Village", "text", 12),
        Column("记录" if zh else "Record", "text", 30),
        Column("字段" if zh else "Field", "text", 16),
        Column("处理结果" if zh else "Decision", "text", 16),
        Column("数值" if zh else "Value", "text", 18),
        Column("说明" if zh else "Note", "text", 36),
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
    return Table("处理记录" if zh else "Decisions", columns, rows)


def villages_table(answer: dict[str, Any], lang: str) -> Table:
    """One row per village of a staff indicators answer."""
    zh = _zh(lang)
    columns = [
        Column("村代码" if zh else "Code", "text", 14),
        Column("村名" if zh else "Village", "text", 12),
        Column("人口" if zh else "Persons", "int", 8),
        Column("户数" if zh else "Households", "int", 8),
        Column("人均收入（元）" if zh else "Per-capita income (yuan)", "yuan", 14),
        Column("低于收入线" if zh else "Under the line", "share", 10),
        Column("基尼系数" if zh else "Gini", "number", 9),
        Column("医保参保率" if zh else "Medical", "share", 10),
        Column("养老参保率" if zh else "Pension", "share", 10),
        Column("缺必填项" if zh else "Missing fields", "int", 9),
        Column("待处理冲突" if zh else "Open conflicts", "int", 10),
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

    return Table("各村指标" if zh else "Villages", columns, rows())


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
