"""A form change written in an Excel workbook laid out as XLSForm (the form authors' common format).

One workbook changes one form (``settings`` names it); the other forms come from the version in use.

- ``survey``: one row per field. Columns (by header, any order): ``type``, ``name``,
  ``label::zh_CN``, ``label::en``, ``required`` (yes/no), ``min``, ``max``, ``hint::zh_CN``,
  ``hint::en``, ``max_length``, ``pattern``, ``constraint``, ``relevant``, ``indicator`` (count or
  sum: the field in the indicators, :mod:`sync.indicator_fields`). Types: ``text``,
  ``integer``, ``money`` (yuan), ``date``, ``select_one LIST``, ``phone``, ``resident_id``,
  ``ref FORM``.
- ``choices``: ``list_name``, ``name``, ``label::zh_CN``, ``label::en``.
- ``settings``: ``form_id`` (household, person, income or service) and ``version``.

A column left out keeps, for a field the form already has, what the version in use says (so a
workbook need not repeat patterns and hints). The form's cross-field rules are kept from the
version in use. ``constraint``, ``constraint_message::zh_CN``/``::en``, ``required_message::zh_CN``/
``::en`` and ``relevant`` take what the forms can say (:mod:`sync.form_workbook_rules`): limits,
lengths, a pattern, not after today, a lower limit for one choice; no skip conditions. Anything
else is named as a problem.

Every problem names the sheet, row and column. Read with openpyxl (already a dependency, and it
reads the workbook without running anything in it); see README for why not pyxform.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sync.form_versions import FORMAT
from sync.form_workbook_rules import RuleProblem, check_relevant, min_when_rule, translate
from sync.indicator_fields import ENTITIES as INDICATOR_ENTITIES
from sync.indicator_fields import KINDS
from sync.parse import parse_yuan

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
_TYPES = {"text": "text", "integer": "int", "int": "int", "money": "money", "date": "date",
          "phone": "phone", "resident_id": "resident_id"}  # fmt: skip
_YES = {"yes": True, "true": True, "1": True, "true()": True, "no": False, "false": False, "0": False,
        "false()": False, "": False}  # fmt: skip
_CARRIED = ("hint", "max_length", "pattern", "min_length", "not_future", "multiline")
_MESSAGES = ("constraint_message", "required_message")


class WorkbookProblems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _sheet(book: Any, name: str, problems: list[str]) -> tuple[dict[str, int], list[tuple[int, list[Any]]]]:
    if name not in book.sheetnames:
        problems.append(f"the workbook has no sheet called {name}")
        return {}, []
    rows = [(n, list(r)) for n, r in enumerate(book[name].iter_rows(values_only=True), start=1)]
    rows = [(n, r) for n, r in rows if any(_text(v) for v in r)]
    if not rows:
        problems.append(f"the {name} sheet is empty (its first row names the columns)")
        return {}, []
    header = {_text(v): i for i, v in enumerate(rows[0][1]) if _text(v)}
    return header, rows[1:]


def read_workbook(path: str | Path) -> Any:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        if path.stat().st_size > MAX_WORKBOOK_BYTES:
            raise WorkbookProblems([f"{path.name}: larger than {MAX_WORKBOOK_BYTES // 1024 // 1024} MB"])
        return load_workbook(str(path), read_only=True, data_only=False)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise WorkbookProblems([f"{path.name}: cannot be read as an Excel workbook (.xlsx)"]) from exc


def document_from_workbook(book: Any, previous: Mapping[str, Any]) -> dict[str, Any]:
    """A version document: ``previous`` with the workbook's form in place. Raises WorkbookProblems
    naming every problem found."""
    problems: list[str] = []
    settings_head, settings_rows = _sheet(book, "settings", problems)
    survey_head, survey_rows = _sheet(book, "survey", problems)
    choices_head, choices_rows = _sheet(book, "choices", problems)
    if problems:
        raise WorkbookProblems(problems)

    def cell(head: dict[str, int], row: list[Any], column: str) -> str:
        i = head.get(column)
        value = row[i] if i is not None and i < len(row) else None
        if isinstance(value, str) and value.startswith("="):
            raise ValueError("formula")
        return _text(value)

    def where(sheet: str, number: int, column: str) -> str:
        return f"{sheet} sheet, row {number}, column {column}"

    forms = copy.deepcopy(list(previous["forms"]))
    entities = [f.get("entity") for f in forms]
    entity, version = "", None
    for column in ("form_id", "version"):
        if column not in settings_head:
            problems.append(f"settings sheet: no column {column}")
    if settings_rows and not problems:
        number, row = settings_rows[0]
        entity = cell(settings_head, row, "form_id")
        if entity not in entities:
            problems.append(
                f"{where('settings', number, 'form_id')}: '{entity}' is not one of {', '.join(entities)}"
            )
        text = cell(settings_head, row, "version")
        if text.isdigit() and text.isascii():
            version = int(text)
        else:
            problems.append(f"{where('settings', number, 'version')}: the version is a whole number, like 2")
    elif not settings_rows:
        problems.append("settings sheet: no row under the column names")

    for column in ("list_name", "name", "label::zh_CN", "label::en"):
        if choices_rows and column not in choices_head:
            problems.append(f"choices sheet: no column {column}")
    lists: dict[str, list[dict[str, Any]]] = {}
    for number, row in choices_rows:
        try:
            values = {
                c: cell(choices_head, row, c) for c in ("list_name", "name", "label::zh_CN", "label::en")
            }
        except ValueError:
            problems.append(f"choices sheet, row {number}: a formula (type the values, not formulas)")
            continue
        for column, value in values.items():
            if not value:
                problems.append(f"{where('choices', number, column)}: empty")
        if all(values.values()):
            entries = lists.setdefault(values["list_name"], [])
            if any(c["value"] == values["name"] for c in entries):
                problems.append(
                    f"{where('choices', number, 'name')}: '{values['name']}' is in its list twice"
                )
            label = {"zh_CN": values["label::zh_CN"], "en": values["label::en"]}
            entries.append({"value": values["name"], "label": label})

    missing = [c for c in ("type", "name", "label::zh_CN", "label::en") if c not in survey_head]
    problems += [f"survey sheet: no column {column}" for column in missing]
    old_form = next((f for f in forms if f.get("entity") == entity), None)
    old_fields = {f.get("name"): f for f in (old_form or {}).get("fields") or []}
    fields: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    constraints: list[tuple[int, dict[str, str], dict[str, Any]]] = []
    if not missing:
        for number, row in survey_rows:
            try:
                fields_of_row = {c: cell(survey_head, row, c) for c in survey_head}
            except ValueError:
                problems.append(f"survey sheet, row {number}: a formula (type the values, not formulas)")
                continue
            made = _field(fields_of_row, number, old_fields, lists, entities, problems, where)
            if made is not None:
                if made["name"] in seen:
                    problems.append(
                        f"{where('survey', number, 'name')}: '{made['name']}' is also on row "
                        f"{seen[made['name']]}"
                    )
                seen[made["name"]] = number
                fields.append(made)
                constraints.append((number, fields_of_row, made))
        if not fields:
            problems.append("survey sheet: no field rows")
    by_name = {f["name"]: f for f in fields}
    new_rules: list[dict[str, Any]] = []
    for number, cells, made in constraints:  # after every field is read: a condition may name a later one
        new_rules += _constraint(cells, made, by_name, problems, where("survey", number, "constraint"))
        if made.get("indicator") and entity not in INDICATOR_ENTITIES:
            problems.append(
                f"{where('survey', number, 'indicator')}: the indicators count only household and "
                "person fields"
            )
    if problems:
        raise WorkbookProblems(problems)
    assert old_form is not None
    names = {f["name"] for f in fields}
    rules = [r for r in old_form.get("rules") or [] if _rule_fields(r) <= names]
    rules += [r for r in new_rules if r not in rules]
    form = {**old_form, "fields": fields, "rules": rules}
    return {"format": FORMAT, "version": version,
            "forms": [form if f.get("entity") == entity else f for f in forms]}  # fmt: skip


def _rule_fields(rule: Mapping[str, Any]) -> set[str]:
    used = set(rule.get("fields", [])) | set(rule.get("when", {}))
    return used | {rule[k] for k in ("field", "id_field", "birth_date", "sex") if k in rule}


def _field(
    row: Mapping[str, str],
    number: int,
    old_fields: Mapping[str, Any],
    lists: Mapping[str, list[dict[str, Any]]],
    entities: list[Any],
    problems: list[str],
    where: Any,
) -> dict[str, Any] | None:
    name, type_text = row.get("name", ""), row.get("type", "")
    if not name:
        problems.append(f"{where('survey', number, 'name')}: empty (every field needs a name)")
        return None
    old = old_fields.get(name) or {}
    made: dict[str, Any] = {"name": name}
    words = type_text.split()
    kind = _TYPES.get(words[0]) if len(words) == 1 else None
    if kind is not None:
        made["type"] = kind
    elif len(words) == 2 and words[0] == "select_one":
        if words[1] not in lists:
            problems.append(
                f"{where('survey', number, 'type')}: the choice list '{words[1]}' is not on the choices sheet"
            )
            return None
        made["type"], made["choices"] = "choice", lists[words[1]]
    elif len(words) == 2 and words[0] == "ref" and words[1] in entities:
        made["type"], made["ref"] = "ref", words[1]
    else:
        problems.append(
            f"{where('survey', number, 'type')}: '{type_text}' is not a type these forms have (text, "
            "integer, money, date, select_one LIST, phone, resident_id, ref FORM)"
        )
        return None
    made["label"] = {"zh_CN": row.get("label::zh_CN", ""), "en": row.get("label::en", "")}
    for column, lang in (("label::zh_CN", "zh_CN"), ("label::en", "en")):
        if not made["label"][lang]:
            problems.append(f"{where('survey', number, column)}: empty (every field needs both labels)")
    required = row.get("required", "yes" if old.get("required") else "no").lower()
    if required not in _YES:
        problems.append(
            f"{where('survey', number, 'required')}: write yes or no (a field required only in some "
            "cases is a skip condition, which these forms cannot say)"
        )
    made["required"] = _YES.get(required, False)
    if "indicator" in row:
        mark = row["indicator"].lower()
        if mark in KINDS and made["type"] in KINDS[mark]:
            made["indicator"] = mark
        elif mark in KINDS:
            what = "a select_one field" if mark == "count" else "an integer or money field"
            problems.append(f"{where('survey', number, 'indicator')}: {mark} is for {what}")
        elif mark:
            problems.append(f"{where('survey', number, 'indicator')}: write count, sum or leave it empty")
    elif old.get("indicator") and old.get("type") == made["type"]:
        made["indicator"] = old["indicator"]
    try:
        check_relevant(row.get("relevant", ""))
    except RuleProblem as exc:
        problems.append(f"{where('survey', number, 'relevant')}: {exc}")
    for key in _MESSAGES:
        if key in row:
            problems.append(f"{where('survey', number, key)}: write {key}::zh_CN and {key}::en")
        elif f"{key}::zh_CN" in row or f"{key}::en" in row:
            zh, en = row.get(f"{key}::zh_CN", ""), row.get(f"{key}::en", "")
            if zh and en:
                made[key] = {"zh_CN": zh, "en": en}
            elif zh or en:
                column = f"{key}::en" if zh else f"{key}::zh_CN"
                problems.append(f"{where('survey', number, column)}: empty (a message needs both languages)")
        elif old.get(key) is not None and old.get("type") == made["type"]:
            made[key] = old[key]
    for limit in ("min", "max"):
        if limit not in row:
            if old.get(limit) is not None and old.get("type") == made["type"]:
                made[limit] = old[limit]
            continue
        text = row[limit]
        if not text:
            continue
        value: Any = text
        if made["type"] == "int":
            value = int(text) if text.lstrip("-").isdigit() and text.isascii() else None
            if text == "current_year":
                value = "current_year"
        elif made["type"] == "money":
            fen = parse_yuan(text)  # limits are written in yuan, as typed on the form
            value = fen if isinstance(fen, int) else None
        elif made["type"] != "date":
            value = None
        if value is None:
            problems.append(
                f"{where('survey', number, limit)}: '{text}' is not a limit for a {type_text} field"
            )
        else:
            made[limit] = value
    for key in _CARRIED:
        if key == "hint" and ("hint::zh_CN" in row or "hint::en" in row):
            if row.get("hint::zh_CN") or row.get("hint::en"):
                made["hint"] = {"zh_CN": row.get("hint::zh_CN", ""), "en": row.get("hint::en", "")}
        elif key in row:
            if row[key]:
                made[key] = (
                    int(row[key]) if key in ("max_length", "min_length") and row[key].isdigit() else row[key]
                )
        elif old.get(key) is not None and old.get("type") == made["type"]:
            made[key] = old[key]
    return made


def _constraint(
    row: Mapping[str, str],
    made: dict[str, Any],
    fields: Mapping[str, Mapping[str, Any]],
    problems: list[str],
    where: str,
) -> list[dict[str, Any]]:
    """The ``constraint`` cell into ``made`` (its own limits) and the form's rules it makes."""
    text = row.get("constraint", "")
    if not text:
        return []
    try:
        own, conditional = translate(text, made["type"], row.get("type", ""), fields)
    except RuleProblem as exc:
        problems.append(f"{where}: {exc}")
        return []
    for key, value in own.items():
        column = key if key in ("min", "max") else None
        if column and row.get(column) and made.get(key) is not None and made[key] != value:
            problems.append(
                f"{where}: the {column} column says {row[column]} and the constraint says otherwise "
                "(write the limit once)"
            )
            return []
        made[key] = value
    message = made.get("constraint_message")
    return [
        min_when_rule(made, fields[name], choice, minimum, message) for name, choice, minimum in conditional
    ]
