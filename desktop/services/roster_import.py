"""Import a village roster from Excel: read, map columns, check every row, then write in one go.

A roster has one row per person with their household's number, head, address and category. The steps
match the wizard's pages, and nothing is written before :func:`commit`:

1. :func:`read_roster` reads the first visible sheet: the header row and the cells *with their
   types*, within the limits of :mod:`sync.xlsx_guard` (a hostile file is refused unread).
2. :func:`guess_mapping` maps headers to roster fields by label (zh or en) or field name; the user
   may change it.
3. :func:`check` turns every row into a household and a person record and validates them with the
   shared form schema (the same messages as the forms and the county server), including uniqueness
   against the store *and* the rows above. It also refuses what Excel has already spoiled: a resident
   ID stored as a number (18 digits do not fit a number: the last ones are gone, an ``X`` cannot be
   there) and any formula (formulas are never imported; paste the values). Each problem names the
   row and the column.
4. :func:`commit` writes a plan without a single problem in ONE transaction through the repositories
   (validated again, every record captured in the outbox for sync), with progress and cancel; a
   cancel or an error rolls everything back. A roster with any bad row is not imported at all: fix
   the rows in Excel and choose the file again (a half-imported file could not simply be re-imported).

A household number already in the store adds the row's person to that household (its household
columns are not used). Rows of one new household must agree on its head, address and category. Sex
and birth date left empty are filled from a valid resident ID; person status defaults to present,
household status to active. Run on the task runner's database thread. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.storage import Store
from sync import xlsx_guard
from sync.form_defs import FieldDef
from sync.ids import uuid7
from sync.messages import pair
from sync.parse import parse_typed
from sync.schema import Forms, derive_from_resident_id, load_forms

ROSTER_FIELDS: tuple[tuple[str, str], ...] = (
    ("household", "household_no"),
    ("household", "head_name"),
    ("household", "address"),
    ("household", "category"),
    ("person", "name"),
    ("person", "resident_id"),
    ("person", "relation"),
    ("person", "sex"),
    ("person", "birth_date"),
    ("person", "ethnicity"),
    ("person", "education"),
    ("person", "occupation"),
    ("person", "health"),
    ("person", "disability"),
    ("person", "medical_insurance"),
    ("person", "pension_insurance"),
    ("person", "phone"),
    ("person", "status"),
)
"""(entity, field) of each roster column, in template order."""
DERIVED = {("person", "sex"), ("person", "birth_date"), ("person", "status")}
"""Required by the form, but filled in when left empty."""

Key = tuple[str, str]
Progress = Callable[[int, int], None]


class ImportCancelled(Exception):
    """The user cancelled :func:`commit`; nothing was written."""


class ImportRefused(ValueError):
    """The file cannot be read as a roster (not an .xlsx, no header row); nothing was read."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def roster_fields(forms: Forms) -> list[tuple[Key, FieldDef]]:
    """The roster's columns: the built-in ones, then each household or person field a county form
    version added (not links to other records, not fields it removed)."""
    fixed = [((e, n), forms[e].field(n)) for e, n in ROSTER_FIELDS]
    builtin = load_forms()
    added = [
        ((e, f.name), f)
        for e in ("household", "person")
        for f in forms[e].fields
        if f.name not in builtin[e].field_names and not f.hidden and f.type != "ref"
    ]
    return fixed + added


def header_label(forms: Forms, key: Key, lang: str = "zh_CN") -> str:
    """The column header of a roster field: its form label, ``*`` when it must be filled in."""
    fdef = forms[key[0]].field(key[1])
    return fdef.label(lang) + ("*" if fdef.required and key not in DERIVED else "")


# --------------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True, slots=True)
class Cell:
    value: Any
    kind: str
    """openpyxl's data type: ``s`` text, ``n`` number, ``d`` date, ``b`` bool, ``f`` formula, ``e`` error."""


@dataclass
class Roster:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    """(Excel row number, cells) of every row that is not empty."""


def read_roster(
    path: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Roster:
    """The first visible sheet of an .xlsx: header row and typed cells. Formulas are read as
    formulas (never evaluated) so they can be refused.

    The file is checked before openpyxl reads it (:mod:`sync.xlsx_guard`: size, inflated size and
    ratio, no DTD, rows and columns of the sheet), and cells are read as the file has them, never
    padded to a declared size. Raises ImportRefused with the reason, ImportCancelled when
    ``cancelled`` says so (checked every few hundred rows)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        xlsx_guard.check_package(path)
        book = load_workbook(str(path), read_only=True, data_only=False)
    except xlsx_guard.WorkbookRefused as exc:
        raise ImportRefused(exc.zh, exc.en) from exc
    except SyntaxError as exc:  # xml.etree's ParseError: a damaged part, as openpyxl lets it through
        damaged = xlsx_guard.damaged()
        raise ImportRefused(damaged.zh, damaged.en) from exc
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportRefused(*pair("roster.unreadable")) from exc
    try:
        return _read_sheet(book, progress, cancelled)
    except xlsx_guard.WorkbookRefused as exc:
        raise ImportRefused(exc.zh, exc.en) from exc
    except (BadZipFile, OSError, KeyError, ValueError, SyntaxError, EOFError) as exc:
        damaged = xlsx_guard.damaged()
        raise ImportRefused(damaged.zh, damaged.en) from exc
    finally:
        book.close()


_CHECK_EVERY = 500


def _read_sheet(book: Any, progress: Progress | None, cancelled: Callable[[], bool] | None) -> Roster:
    sheet = next((ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"), None)
    if sheet is None:
        raise ImportRefused(*pair("roster.no_visible_sheet"))
    with sheet._get_source() as source:  # the sheet's XML as stored: rows and columns checked first
        xlsx_guard.check_sheet(source, cancelled=cancelled, cancel=ImportCancelled)
    # What the file declares as its size is not believed (A1:XFD1048576): each row is read with
    # the cells it has.
    sheet.reset_dimensions()
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    for number, raw in enumerate(sheet.iter_rows(), start=1):
        if number % _CHECK_EVERY == 0:
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if progress is not None:
                progress(number, 0)
        cells = [Cell(c.value, "d" if getattr(c, "is_date", False) else c.data_type) for c in raw]
        if all(c.value in (None, "") for c in cells):
            continue
        if headers is None:
            headers = [str(c.value or "").strip() for c in cells]
            continue
        rows.append((number, cells))
    if not headers:
        raise ImportRefused(*pair("roster.no_header"))
    return Roster(headers, rows)


def _norm(text: str) -> str:
    return text.replace("*", "").replace("＊", "").replace(" ", "").replace("（必填）", "").strip().lower()


def guess_mapping(forms: Forms, headers: Sequence[str]) -> dict[Key, int | None]:
    """Roster field -> column index, by label (zh or en) or field name; ``None`` when not found."""
    found: dict[Key, int | None] = {}
    names = [_norm(h) for h in headers]
    for key, fdef in roster_fields(forms):
        wanted = {_norm(fdef.label_zh), _norm(fdef.label_en), fdef.name.lower()}
        found[key] = next((i for i, n in enumerate(names) if n in wanted), None)
    return found


# --------------------------------------------------------------------------------------------------
# Checking


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    """The roster column's header label (zh), or ``""`` for a problem of the whole row."""
    zh: str
    en: str


@dataclass
class Planned:
    row: int
    household_no: str
    household: dict[str, Any] | None
    """The new household's fields, on the first row of a new household number; else ``None``."""
    person: dict[str, Any]


@dataclass
class Plan:
    rows: int = 0
    planned: list[Planned] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    existing_households: int = 0
    """Rows whose household number is already in the store (the person joins it)."""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.planned)

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def new_households(self) -> int:
        return sum(1 for p in self.planned if p.household is not None)


_FORMULA = pair("roster.formula")
_NUMERIC_ID = pair("roster.numeric_id")
_ERROR = pair("roster.excel_error")


class _Lookup:
    """The schema's Lookup over the store plus the rows already accepted from the file."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.file: Counter[tuple[str, tuple[tuple[str, Any], ...]]] = Counter()

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
        in_store = self.store.repository(entity).count(**where)
        return in_store + self.file[(entity, tuple(sorted(where.items())))]

    def add(self, entity: str, **where: Any) -> None:
        self.file[(entity, tuple(sorted(where.items())))] += 1


def _cell_value(
    fdef: FieldDef, cell: Cell, lang_choices: Mapping[str, str]
) -> tuple[Any, tuple[str, str] | None]:
    value, kind = cell.value, cell.kind
    if kind == "f" or (isinstance(value, str) and value.startswith("=") and kind != "s"):
        return None, _FORMULA
    if kind == "e":
        return None, _ERROR
    if value is None:
        return None, None
    if fdef.type == "resident_id" and kind == "n":
        return None, _NUMERIC_ID
    if isinstance(value, dt.datetime):
        value = value.date().isoformat() if fdef.type == "date" else value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, bool):
        value = str(value)
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, int | float):
        value = str(value)
    if fdef.type == "choice" and isinstance(value, str):
        value = lang_choices.get(value.strip().lower(), value)
    # Dates, amounts (in yuan) and numbers written as text in any way the entry form accepts.
    return parse_typed(fdef.type, value), None


def check(
    store: Store,
    roster: Roster,
    mapping: Mapping[Key, int | None],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Plan:
    """Every row as records, validated; see the module docstring. Writes nothing."""
    forms = store.forms
    fields = roster_fields(forms)
    labels = {key: header_label(forms, key) for key, _ in fields}
    choices = {key: _choice_index(fdef) for key, fdef in fields}
    plan = Plan(rows=len(roster.rows))
    lookup = _Lookup(store)
    existing: dict[str, str | None] = {}  # household number -> store id (None: not in the store)
    in_file: dict[str, str] = {}  # household number -> placeholder id of a household made by the file
    first_of: dict[str, tuple[int, dict[str, Any]]] = {}  # ... and the row that made it
    for done, (number, cells) in enumerate(roster.rows, start=1):
        if cancelled():
            raise ImportCancelled
        if progress is not None and done % 200 == 0:
            progress(done, plan.rows)
        values: dict[Key, Any] = {}
        problems: list[RowProblem] = []
        for key, fdef in fields:
            column = mapping.get(key)
            cell = cells[column] if column is not None and column < len(cells) else Cell(None, "n")
            value, bad = _cell_value(fdef, cell, choices[key])
            if bad:
                problems.append(RowProblem(number, labels[key], *bad))
            values[key] = value
        household = forms.normalize("household", {n: values[(e, n)] for e, n in values if e == "household"})
        person = forms.normalize("person", {n: values[(e, n)] for e, n in values if e == "person"})
        bad_fields = {p.column for p in problems}
        for name, value in (derive_from_resident_id(person.get("resident_id")) or {}).items():
            if person.get(name) is None:
                person[name] = value
        person["status"] = person.get("status") or "present"
        household["status"] = "active"
        if not household.get("head_name") and person.get("relation") == "head":
            household["head_name"] = person.get("name")
        number_text = str(household.get("household_no") or "")
        if number_text not in existing:
            ids = store.household.ids(household_no=number_text) if number_text else []
            existing[number_text] = ids[0] if ids else None
        new_household: dict[str, Any] | None = None
        if existing[number_text] is not None:
            household_id = existing[number_text]
            plan.existing_households += 1
        elif number_text in in_file:
            household_id = in_file[number_text]
            first_row, first = first_of[number_text]
            for name in ("head_name", "address", "category"):
                label = labels[("household", name)]
                if household.get(name) != first.get(name) and label not in bad_fields:
                    problems.append(
                        RowProblem(number, label, *pair("roster.household_differs", row=first_row))
                    )
        else:
            household_id = uuid7()
            new_household = household
            for p in forms.validate("household", {**household, "id": household_id}, lookup=lookup):
                label = labels.get(("household", p.field), "")
                if label not in bad_fields:
                    problems.append(RowProblem(number, label, p.zh, p.en))
        person["household_id"] = household_id
        found = forms.validate("person", {**person, "id": uuid7()}, lookup=lookup)
        id_bad = labels[("person", "resident_id")] in bad_fields or any(
            p.field == "resident_id" for p in found
        )
        for p in found:
            label = labels.get(("person", p.field), "")
            if label in bad_fields or (id_bad and p.code == "required" and ("person", p.field) in DERIVED):
                continue  # said once: the ID that should have given the sex and birth date is the problem
            problems.append(RowProblem(number, label, p.zh, p.en))
        if problems:
            plan.problems.extend(problems)
            continue
        if new_household is not None:
            in_file[number_text] = str(household_id)
            first_of[number_text] = (number, household)
            lookup.add("household", household_no=number_text)
        lookup.add("person", resident_id=person.get("resident_id"))
        if person.get("relation") == "head":
            lookup.add("person", household_id=household_id, relation="head")
        plan.planned.append(Planned(number, number_text, new_household, person))
    if progress is not None:
        progress(plan.rows, plan.rows)
    return plan


def _choice_index(fdef: FieldDef) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in fdef.choices:
        out[c.value.lower()] = c.value
        out[c.zh.lower()] = c.value
        out[c.en.lower()] = c.value
    return out


# --------------------------------------------------------------------------------------------------
# Writing


def commit(
    store: Store,
    plan: Plan,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> dict[str, int]:
    """Write a checked plan in one transaction (outbox captured). Raises ImportCancelled (nothing
    written), or ValueError if the plan has problems."""
    if not plan.ok:
        raise ValueError("a roster with problems is not imported")
    made = {"household": 0, "person": 0}
    ids: dict[str, str] = {}
    total = len(plan.planned)
    with store.atomic():
        for done, row in enumerate(plan.planned, start=1):
            if cancelled():
                raise ImportCancelled
            if row.household is not None:
                ids[row.household_no] = store.household.create(row.household)
                made["household"] += 1
            person = dict(row.person)
            person["household_id"] = ids.get(row.household_no, person["household_id"])
            store.person.create(person)
            made["person"] += 1
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
    store.audit("roster_import", f"household {made['household']}, person {made['person']}")
    return made
