"""Excel export of villages for county IT: one sheet per form with labelled columns, and indicators.

An export holds personal data: it is an explicit admin action, written straight to the file asked
for (no temporary copy), and logged without any of its contents.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from sync.schema import Forms
from sync.server import indicators
from sync.server.store import Store

log = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8))


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, list):
        out.append((prefix, ", ".join(str(v) for v in value)))
    else:
        out.append((prefix, value))


def export_villages(
    store: Store,
    forms: Forms,
    county_code: str,
    village_codes: list[str],
    path: Path,
    *,
    year: int | None = None,
) -> dict[str, int]:
    """Write live records and indicators of these villages to ``path`` (.xlsx). Returns row counts."""
    data = indicators.load(store, county_code, village_codes)
    book = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for form in forms:
        sheet = book.create_sheet(form.label("zh_CN"))
        names = [f.name for f in form.fields]
        sheet.append(
            ["记录编号 id", "村代码 village_code", *(f"{f.label('zh_CN')} {f.name}" for f in form.fields)]
        )
        rows = data.get(form.entity, [])
        for record in rows:
            sheet.append([record["id"], record.get("village_code", ""), *(record.get(n) for n in names)])
        counts[form.entity] = len(rows)
    today = datetime.now(CHINA).date()
    result = indicators.compute(
        data["household"], data["person"], data["income"], data["service"],
        year=year or today.year - 1, today=today,
    )  # fmt: skip
    sheet = book.create_sheet("指标 indicators")
    sheet.append(["指标 indicator", "数值 value"])
    flat: list[tuple[str, Any]] = []
    _flatten("", {"villages": village_codes, **result}, flat)
    for row in flat:
        sheet.append(list(row))
    book.save(path)
    log.info(
        "export of %d villages written (%s)",
        len(village_codes),
        ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    return counts
