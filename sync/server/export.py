"""Excel export of villages for county IT: one sheet per form, then the indicators rolled up and a
table of every village's main figures.

The rules of :mod:`sync.xlsx` apply (Chinese headers, choice labels, yuan, household number and head's
name instead of ids, resident IDs as text, nothing written as a formula). An export holds personal
data: it is an explicit admin action, written straight to the file asked for (no temporary copy), and
logged without any of its contents.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sync.indicator_labels import format_value
from sync.messages import text
from sync.schema import Forms
from sync.server import indicators
from sync.server.store import Store
from sync.xlsx import Column, Table, indicator_tables, record_tables, write_workbook

log = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8))


def _when(epoch: int | None) -> str:
    return (
        datetime.fromtimestamp(epoch, CHINA).strftime("%Y-%m-%d %H:%M") if epoch else format_value((None, ""))
    )


def _zh(code: str) -> str:
    return text(code, "zh_CN")  # the county's export is in Chinese


def village_table(result: Mapping[str, Any]) -> Table:
    """One row per village: who is behind on what, side by side."""
    columns = [
        Column(_zh("sheet.county.village_code"), "text", 14),
        Column(_zh("sheet.county.village")),
        Column(_zh("sheet.county.persons"), "int", 10),
        Column(_zh("sheet.county.households"), "int", 10),
        Column(_zh("sheet.county.income_coverage"), "share", 10),
        Column(_zh("sheet.county.coverage_low"), "text", 10),
        Column(_zh("sheet.county.mean_income"), "yuan", 18),
        Column(_zh("sheet.county.under_line"), "share", 12),
        Column(_zh("sheet.county.gini"), "number", 10),
        Column(_zh("sheet.county.medical"), "share", 12),
        Column(_zh("sheet.county.pension"), "share", 12),
        Column(_zh("sheet.county.required_missing"), "int", 12),
        Column(_zh("sheet.county.left_out_records"), "int", 12),
        Column(_zh("sheet.county.left_out_amount"), "yuan", 16),
        Column(_zh("sheet.county.open_conflicts"), "int", 12),
        Column(_zh("sheet.county.last_sync"), "text", 18),
    ]
    rows = []
    for code, v in result.get("by_village", {}).items():
        last = v["quality"].get("last_push_at")
        cover, left = v["income"]["coverage"], v["quality"]["income_left_out"].values()
        rows.append([
            code, v.get("name"), v["population"]["total"], v["households"]["total"],
            cover["share"], _zh("sheet.county.low") if cover["low"] else "",
            v["income"]["mean_fen"], v["income"]["under_line_person_share"], v["income"]["gini"],
            v["coverage"]["medical"]["share"], v["coverage"]["pension"]["share"],
            sum(v["quality"]["required_missing"].values()), sum(r["records"] for r in left),
            sum(r["amount_fen"] for r in left), v["quality"]["open_conflicts"], _when(last),
        ])  # fmt: skip
    return Table(_zh("sheet.county.villages"), columns, rows)


def export_villages(
    store: Store,
    forms: Forms,
    county_code: str,
    village_codes: list[str],
    path: Path,
    *,
    year: int | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Write live records and indicators of these villages to ``path`` (.xlsx). Returns row counts
    per form (by entity)."""
    data = indicators.load(store, county_code, village_codes)
    today = datetime.now(CHINA).date()
    result = indicators.for_villages(
        store, county_code, village_codes, year=year or today.year - 1, today=today, names=names, forms=forms
    )
    tables = record_tables(forms, data, village_names=dict(names or {}))
    tables += [*indicator_tables(result, forms=forms), village_table(result)]
    write_workbook(path, tables)
    counts = {e: len(data.get(e, [])) for e in ("household", "person", "income", "service")}
    log.info(
        "export of %d villages written (%s)",
        len(village_codes),
        ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    return counts
