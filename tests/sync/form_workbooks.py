"""Test helper: a form's workbook (survey/choices/settings, XLSForm-like) written from a form version,
changed the way county IT would, for `forms check` and `forms publish`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from sync.form_versions import builtin_document

_TYPE = {"int": "integer"}
SURVEY = ["type", "name", "label::zh_CN", "label::en", "required", "min", "max", "constraint", "relevant"]
CHOICES = ["list_name", "name", "label::zh_CN", "label::en"]


def rows_of(entity: str, document: dict[str, Any] | None = None) -> tuple[list[list[Any]], list[list[Any]]]:
    """(survey rows, choices rows) of one form of ``document`` (default: the built-in version)."""
    form = next(f for f in (document or builtin_document())["forms"] if f["entity"] == entity)
    survey: list[list[Any]] = []
    choices: list[list[Any]] = []
    for f in form["fields"]:
        if f.get("hidden"):
            continue
        kind = _TYPE.get(f["type"], f["type"])
        if f["type"] == "choice":
            kind = f"select_one {f['name']}"
            choices += [[f["name"], c["value"], c["label"]["zh_CN"], c["label"]["en"]] for c in f["choices"]]
        elif f["type"] == "ref":
            kind = f"ref {f['ref']}"
        survey.append(
            [kind, f["name"], f["label"]["zh_CN"], f["label"]["en"], "yes" if f.get("required") else "no"]
        )
    return survey, choices


def write_workbook(
    path: Path,
    entity: str,
    version: Any,
    change: Callable[[list[list[Any]], list[list[Any]]], None] = lambda s, c: None,
    *,
    document: dict[str, Any] | None = None,
    extra_columns: tuple[str, ...] = (),
) -> Path:
    """``extra_columns`` are named after :data:`SURVEY`'s (a row's values for them follow its
    ``relevant``)."""
    survey, choices = rows_of(entity, document)
    change(survey, choices)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append([*SURVEY, *extra_columns])
    for r in survey:
        sheet.append(r)
    sheet = book.create_sheet("choices")
    sheet.append(CHOICES)
    for r in choices:
        sheet.append(r)
    sheet = book.create_sheet("settings")
    sheet.append(["form_id", "version"])
    sheet.append([entity, version])
    book.save(path)
    return path


def v2_household(survey: list[list[Any]], choices: list[list[Any]]) -> None:
    """The issue's v2: a new choice field, a new choice in an existing list, a new required field,
    one field removed (the household's phone)."""
    survey[:] = [r for r in survey if r[1] != "phone"]
    survey.append(
        ["select_one family_doctor", "family_doctor", "家庭医生签约", "Family doctor contract", "no"]
    )
    survey.append(["integer", "members_away", "外出务工人数", "Members working away", "yes", 0, 20])
    choices.append(["family_doctor", "signed", "已签约", "Signed"])
    choices.append(["family_doctor", "not_signed", "未签约", "Not signed"])
    choices.append(["category", "relapse_risk", "防返贫监测户", "At risk of falling back into poverty"])
