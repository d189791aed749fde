"""Excel workbooks people can read, written safely: shared by the laptop's export and the county's.

Rules (the same at both ends):

- headers in Chinese (the form labels), the header row frozen, columns wide enough to read;
- choices as their labels (``工资性收入``, not ``wages``); money in yuan with two decimals (the
  records keep whole fen); households as household number and head's name, persons by name, never as
  record ids;
- resident IDs and phone numbers as text (a number would lose an ID's last digits and its ``X``);
- a text starting with ``= + - @``, a tab or a carriage return is written as a string cell with the
  quote prefix, never as a formula (no formula injection from a value typed on a laptop); characters
  XML cannot hold are dropped.

The workbook is built with openpyxl (write-only) and saved straight to the path asked for, each sheet
assembled in memory (:func:`save`): openpyxl's own save would pass every sheet through a plaintext
file in the temp folder. openpyxl is imported when a workbook is made, not when this module loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.form_defs import FieldDef
from sync.history_labels import MONEY_UNITS
from sync.indicator_labels import (
    age_label,
    coverage_warning,
    figures,
    reconciliation,
    reference_period,
)
from sync.indicators import ENTITIES, MONTHS
from sync.messages import Both, text
from sync.schema import Forms, load_forms

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TEXT_FORMAT = "@"
YUAN_FORMAT = "#,##0.00"
SHARE_FORMAT = "0.0%"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: str = "text"
    """``text`` (always a string cell), ``int``, ``yuan`` (value given in fen), ``share``, ``number``."""
    width: int = 14


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: Iterable[list[Any]]
    """Written once, in order; a generator keeps a big list out of memory."""


def _cell(sheet: Any, value: Any, kind: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if kind == "yuan" and isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value / 100)
        cell.number_format = YUAN_FORMAT
        return cell
    if kind == "share" and isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = SHARE_FORMAT
        return cell
    if kind in ("int", "number") and isinstance(value, int | float) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    text = _ILLEGAL.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.number_format = TEXT_FORMAT
    if text.startswith(RISKY_START):
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    return cell


def write_workbook(path: Path, tables: Iterable[Table]) -> dict[str, int]:
    """Write the tables, one sheet each, to ``path``. Returns the row count of each sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width
        _in_memory(sheet)  # after the view and the widths: the writer puts them first
        sheet.append([_cell(sheet, c.header, "text") for c in table.columns])
        count = 0
        for row in table.rows:
            sheet.append([_cell(sheet, v, c.kind) for v, c in zip(row, table.columns, strict=True)])
            count += 1
        counts[table.title] = count
    save(book, path)
    return counts


def _in_memory(sheet: Any) -> None:
    """Give a write-only sheet an in-memory writer before its first row. openpyxl would otherwise
    stream the sheet's XML, personal data and all, into a plaintext file in the temp folder."""
    from io import BytesIO

    from openpyxl.worksheet._writer import WorksheetWriter

    sheet._writer = WorksheetWriter(sheet, out=BytesIO())
    sheet._writer.write_top()


def save(book: Any, path: Path | str) -> None:
    """Save an openpyxl workbook straight into ``path``: every part is assembled in memory and
    written into the zip, no temporary file (openpyxl's own save puts each sheet in one)."""
    from io import BytesIO
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class MemoryWriter(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Any) -> None:  # ExcelWriter.write_worksheet, minus the temp file
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            if self.workbook.write_only:
                if not isinstance(getattr(ws, "_writer", None), WorksheetWriter):
                    _in_memory(ws)  # a sheet that never had a row
                if not ws.closed:
                    ws.close()
                writer = ws._writer
            else:
                writer = WorksheetWriter(ws, out=BytesIO())
                writer.write()
            if not isinstance(writer.out, BytesIO):
                raise RuntimeError("a worksheet was about to go through a temporary file")
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.out.getvalue())
            self.manifest.append(ws)

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with ZipFile(str(path), "w", ZIP_DEFLATED, allowZip64=True) as archive:
        MemoryWriter(book, archive).write_data()


# --------------------------------------------------------------------------------------------------
# Records and indicators as tables

_WIDE = {"address": 28, "note": 28, "resident_id": 21, "head_name": 12, "name": 10, "provider": 18}


def _field_column(f: FieldDef, lang: str) -> Column:
    if f.type == "money":
        label = f.label(lang)
        unit = text("label.money_unit", lang)
        return Column(label if label.endswith(MONEY_UNITS) else label + unit, "yuan", 14)
    if f.type == "int":
        return Column(f.label(lang), "int", 8)
    return Column(f.label(lang), "text", _WIDE.get(f.name, 14))


def _value(f: FieldDef, record: Mapping[str, Any], lang: str) -> Any:
    value = record.get(f.name)
    if f.type == "choice" and value is not None:
        return f.choice_label(value, lang) or value
    return value


def record_tables(
    forms: Forms,
    data: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    lang: str = "zh_CN",
    village_names: Mapping[str, str] | None = None,
) -> list[Table]:
    """One table per form: labelled columns, household number and head's name in place of ids.

    ``village_names`` (county export): a village code and name column first.
    """
    households = {h["id"]: h for h in data.get("household", [])}
    persons = {p["id"]: p for p in data.get("person", [])}

    def _rows(
        records: Sequence[Mapping[str, Any]], refs: list[str], fields: list[FieldDef]
    ) -> Iterator[list[Any]]:
        for record in records:  # one row at a time: a big village is never held twice
            row: list[Any] = []
            if village_names is not None:
                code = record.get("village_code") or ""
                row += [code, village_names.get(code, "")]
            if "household_id" in refs:
                h = households.get(record.get("household_id") or "") or {}
                row += [h.get("household_no"), h.get("head_name")]
            if "person_id" in refs:
                row.append((persons.get(record.get("person_id") or "") or {}).get("name"))
            row += [_value(f, record, lang) for f in fields]
            yield row

    tables = []
    for entity in ENTITIES:
        form = forms[entity]
        columns: list[Column] = []
        if village_names is not None:
            columns += [
                Column(text("sheet.village_code", lang), "text", 14),
                Column(text("sheet.village", lang)),
            ]
        fields = [f for f in form.fields if f.type != "ref"]
        refs = [f.name for f in form.fields if f.type == "ref"]
        if "household_id" in refs:
            columns += [Column(forms["household"].field(n).label(lang), "text", _WIDE.get(n, 10))
                        for n in ("household_no", "head_name")]  # fmt: skip
        if "person_id" in refs:
            columns.append(Column(form.field("person_id").label(lang), "text", 10))
        columns += [_field_column(f, lang) for f in fields]
        tables.append(Table(form.label(lang), columns, _rows(data.get(entity, []), refs, fields)))
    return tables


def indicator_tables(
    result: Mapping[str, Any], *, lang: str = "zh_CN", forms: Forms | None = None
) -> list[Table]:
    """The figures (section, indicator, value) and the population by age group and sex."""
    kinds = {"fen": "yuan", "share": "share", "count": "int", "ratio": "number", "index": "number"}
    order = ("int", "yuan", "share", "number")
    # One value column per kind, so each cell keeps its own number format.
    fig_columns = [
        Column(text("sheet.section", lang), "text", 12),
        Column(text("sheet.indicator", lang), "text", 36),
        Column(text("sheet.count", lang), "int", 10),
        Column(text("sheet.amount_yuan", lang), "yuan", 16),
        Column(text("sheet.share", lang), "share", 10),
        Column(text("sheet.value", lang), "number", 10),
    ]
    typed_rows = [
        [f.section, f.label, *(f.value if k == kinds[f.kind] else None for k in order)]
        for f in figures(dict(result), lang, forms)
    ]
    head = [
        [text("sheet.year", lang), "", result.get("year"), None, None, None],
        [text("sheet.date", lang), "", None, None, None, result.get("date")],
    ]
    notes = [reference_period(dict(result), lang)]
    if "records" in result.get("income", {}):  # every income record accounted for, and low coverage
        notes.append(reconciliation(dict(result), lang))
        notes.append(coverage_warning(dict(result), lang) or "")
    head += [[text("sheet.note", lang), note, None, None, None, None] for note in notes if note]
    table = Table(text("sheet.indicators", lang), fig_columns, [*head, *typed_rows])
    pyramid = result["population"]["pyramid"]
    ages = Table(
        text("sheet.population_by_age", lang),
        [
            Column(text("sheet.age_group", lang)),
            Column(text("sheet.male", lang), "int", 8),
            Column(text("sheet.female", lang), "int", 8),
        ],
        [[age_label(g, lang), v.get("male", 0), v.get("female", 0)] for g, v in pyramid.items()],
    )
    forms = forms or load_forms()
    months = result["services"]["by_type_month"]
    services = Table(
        text("sheet.services_by_month", lang),
        [
            Column(text("sheet.type_of_service", lang), "text", 16),
            *(Column(text("sheet.month", lang, month=Both(str(int(m)), m)), "int", 6) for m in MONTHS),
            Column(text("sheet.total", lang), "int", 8),
        ],
        [
            [
                forms["service"].field("type").choice_label(kind, lang) or kind,
                *counts.values(),
                sum(counts.values()),
            ]
            for kind, counts in months.items()
        ],
    )
    return [table, ages, services]
