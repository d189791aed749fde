"""Excel export of the record history for county IT: ``county-server export --history``.

One row per field written, oldest first: when (server time, and the laptop's own clock), village,
form, which record (household number and head's name, or the person's name — the id too, for
tracing), field, old and new value, how it came, who and from which device. The rules of
:mod:`sync.xlsx` apply (Chinese headers, choices by label, money in yuan, nothing written as a
formula). Like the data export it holds personal data: written straight to the path asked for, and
logged without any of its contents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sync import jsontext
from sync.history_labels import CHINA, entity_label, field_label, how_label, value_text, when_text
from sync.messages import text
from sync.schema import Forms
from sync.server import changelog
from sync.server.store import Store, select_in
from sync.xlsx import Column, Table, write_workbook

log = logging.getLogger(__name__)


def _zh(code: str) -> str:
    return text(code, "zh_CN")  # the county's export is in Chinese


COLUMNS = [
    Column(_zh("sheet.history.server_time"), "text", 17),
    Column(_zh("sheet.history.laptop_time"), "text", 17),
    Column(_zh("sheet.history.village_code"), "text", 14),
    Column(_zh("sheet.history.village"), "text", 10),
    Column(_zh("sheet.history.form"), "text", 8),
    Column(_zh("sheet.history.record"), "text", 22),
    Column(_zh("sheet.history.record_id"), "text", 38),
    Column(_zh("sheet.history.field"), "text", 16),
    Column(_zh("sheet.history.old"), "text", 18),
    Column(_zh("sheet.history.new"), "text", 18),
    Column(_zh("sheet.history.how"), "text", 16),
    Column(_zh("sheet.history.author"), "text", 12),
    Column(_zh("sheet.history.device"), "text", 16),
    Column(_zh("sheet.history.seq"), "int", 10),
]


def since_epoch(day: date) -> int:
    """The start of ``day`` in China time, as unix seconds."""
    return int(datetime.combine(day, time(0), CHINA).timestamp())


def _record_labels(store: Store, county: str, ids: list[str]) -> dict[str, str]:
    """Record id -> how people know it, from the county's current copy."""
    data: dict[str, tuple[str, dict[str, Any]]] = {}
    with store.read() as conn:
        for entity, record_id, text in select_in(
            conn, "records", ("entity", "id", "data"), (("county_code", county),), "id", ids
        ):
            data[record_id] = (entity, jsontext.loads(text))
        wanted = sorted(
            {str(d["household_id"]) for e, d in data.values() if e != "household" and d.get("household_id")}
            - set(data)
        )
        for entity, record_id, text in select_in(
            conn, "records", ("entity", "id", "data"), (("county_code", county),), "id", wanted
        ):
            data[record_id] = (entity, jsontext.loads(text))

    def household(record_id: Any) -> str:
        entity, d = data.get(str(record_id), ("", {}))
        return f"{d.get('household_no') or ''} {d.get('head_name') or ''}".strip() if entity else ""

    labels = {}
    for record_id, (entity, d) in data.items():
        if entity == "household":
            labels[record_id] = household(record_id)
        elif entity == "person":
            labels[record_id] = str(d.get("name") or "")
        else:
            labels[record_id] = household(d.get("household_id"))
    return labels


def export_history(
    store: Store,
    forms: Forms,
    county: str,
    path: Path,
    *,
    since: date | None = None,
    village_codes: list[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> int:
    """Write the history of the county (of these villages, since that day) to ``path``; returns rows."""
    start = since_epoch(since) if since else 0
    with store.read() as conn:
        entries = changelog.county_history(conn, county, since=start, villages_=village_codes)
    labels = _record_labels(store, county, sorted({e["record_id"] for e in entries if e["entity"]}))
    names = names or {}

    def rows() -> Iterator[list[Any]]:
        for e in entries:
            entity, field = e["entity"], e["field"]
            if e["how"] == "restore":
                record, old, new, field_text = "", "", str(e["new"]), _zh("sheet.history.database_version")
            else:
                record = labels.get(e["record_id"], "")
                old = value_text(forms, entity, field, e["old"])
                new = value_text(forms, entity, field, e["new"])
                field_text = field_label(forms, entity, field)
            yield [
                when_text(e["server_at"]), when_text(e["laptop_at"]), e["village_code"],
                names.get(e["village_code"], ""), entity_label(forms, entity) if entity else "",
                record, e["record_id"], field_text, old, new, how_label(e["how"]), e["author"],
                e["device_name"] or e["device_id"], e["seq"],
            ]  # fmt: skip

    sheet = _zh("sheet.history.changes")
    counts = write_workbook(path, [Table(sheet, COLUMNS, rows())])
    log.info("history export written: %d entries", counts[sheet])
    return counts[sheet]
