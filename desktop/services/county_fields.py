"""The fields a county form version added to the forms built into the app (issue 17): the lists show
them as columns, the household detail as rows, and search looks in them. No Qt."""

from __future__ import annotations

from sync.form_defs import FieldDef
from sync.schema import Forms, load_forms

SHOWN_TYPES = frozenset({"text", "int", "money", "date", "choice", "phone", "resident_id"})
"""Types a list shows as they are (a reference to another record is an id: not shown)."""
SEARCHED_TYPES = frozenset({"text", "int", "choice", "phone", "resident_id"})
"""Types search looks in: words and numbers typed as shown (a choice by its labels)."""


def added_fields(forms: Forms, entity: str) -> list[FieldDef]:
    """Fields of ``entity`` in ``forms`` that the built-in forms lack and that are not hidden (a field
    a later version removed again is hidden: its values stay, the lists no longer show it), in the
    form's order."""
    builtin = set(load_forms()[entity].field_names)
    return [
        f for f in forms[entity].fields if f.name not in builtin and not f.hidden and f.type in SHOWN_TYPES
    ]


def searched_fields(forms: Forms, entity: str) -> list[FieldDef]:
    """The added fields search looks in (see ``SEARCHED_TYPES``)."""
    return [f for f in added_fields(forms, entity) if f.type in SEARCHED_TYPES]


def search_sql(f: FieldDef, column: str) -> str:
    """An SQL expression giving ``search_text`` of ``column`` (a value of ``f``) in the database, so
    an index build over 100,000 records adds no Python work per record: text as it is, a number as
    text, a choice's labels by a CASE made once from the form (labels are literals, quotes doubled)."""
    if f.type != "choice":
        return f"CAST({column} AS TEXT)"
    if not f.choices:
        return column
    cases = " ".join(f"WHEN {_literal(c.value)} THEN {_literal(search_text(f, c.value))}" for c in f.choices)
    return f"CASE {column} {cases} ELSE {column} END"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def search_text(f: FieldDef, value: object) -> str:
    """What search matches in a value of ``f``: a choice by its Chinese and English labels."""
    if value is None or value == "":
        return ""
    if f.type == "choice":
        text = str(value)
        zh, en = f.choice_label(text, "zh_CN") or text, f.choice_label(text, "en")
        return f"{zh} {en}" if en else zh
    return str(value)
