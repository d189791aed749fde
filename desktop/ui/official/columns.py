"""Which columns each list shows. Field columns take their headers from the form schema; a field the
county's forms removed is left out, one they added comes after the app's own columns (issue 17)."""

from __future__ import annotations

from typing import Any

from desktop.services.county_fields import added_fields
from desktop.ui.official.models import Column, field_columns
from sync.messages import pair
from sync.schema import Forms


def _extra(name: str, label: str) -> Column:
    def text(row: dict[str, Any], _lang: str) -> str:
        return str(row.get(name) or "")

    return Column(name, None, *pair(label), text)


def household_no() -> Column:
    return _extra("_household_no", "display.household_no")


def columns_for(forms: Forms, entity: str, *, in_household: bool = False) -> list[Column]:
    """List columns of ``entity``; ``in_household`` leaves out the household (the detail view).
    Fields ``forms`` hide (removed by the county) are left out, fields the county added follow."""
    own = _app_columns(forms, entity, in_household=in_household)
    shown = [c for c in own if c.field is None or not c.field.hidden]
    return shown + field_columns(forms[entity], [f.name for f in added_fields(forms, entity)])


def _app_columns(forms: Forms, entity: str, *, in_household: bool) -> list[Column]:
    form = forms[entity]
    if entity == "household":
        return field_columns(form, ["household_no", "head_name", "address", "category", "status", "phone"])
    if entity == "person":
        cols = field_columns(form, ["name", "resident_id", "relation", "sex", "birth_date", "status"])
        return cols if in_household else [*cols[:2], household_no(), *cols[2:]]
    if entity == "income":
        cols = field_columns(form, ["year", "source", "amount_fen", "note"])
        if in_household:
            return cols
        return [household_no(), _extra("_head_name", "display.head_name"), *cols]
    cols = field_columns(form, ["type", "date", "amount_fen", "provider"])
    person = _extra("_person_name", "display.person_name")
    return [person, *cols] if in_household else [household_no(), person, *cols]
