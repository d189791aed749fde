"""Record history for people: field labels, values (choices as labels, money in yuan) and how a
change came, in Chinese or English. Shared by the county export, the staff desk and the laptop, so
the three say the same thing. No Qt.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from sync.messages import defined, pair, text
from sync.money import yuan
from sync.protocol import DELETED
from sync.schema import Forms

CHINA = timezone(timedelta(hours=8))
MONEY_UNITS = tuple(unit.strip() for unit in pair("label.money_unit"))
"""A label that already ends in a money unit ("（元）", "(yuan)") gets none added."""


def how_label(how: str, lang: str = "zh_CN") -> str:
    code = f"history.how.{how}"
    return text(code, lang) if defined(code) else how


def field_label(forms: Forms, entity: str, field: str, lang: str = "zh_CN") -> str:
    if field == DELETED:
        return text("history.deleted_field", lang)
    try:
        f = forms[entity].field(field)
    except KeyError:
        return field
    label = f.label(lang)
    if f.type == "money" and not label.endswith(MONEY_UNITS):
        label += text("label.money_unit", lang)
    return label


def entity_label(forms: Forms, entity: str, lang: str = "zh_CN") -> str:
    try:
        return forms[entity].label(lang)
    except KeyError:
        return entity


def value_text(forms: Forms, entity: str, field: str, value: Any, lang: str = "zh_CN") -> str:
    """A value as people read it: ``—`` for none, choices by label, money as yuan (``12,000.00``)."""
    if value is None or value == "":
        return "—"
    if field == DELETED:
        return text("history.deleted" if value else "history.live", lang)
    try:
        f = forms[entity].field(field)
    except KeyError:
        return str(value)
    if f.type == "money" and isinstance(value, int) and not isinstance(value, bool):
        return yuan(value)
    if f.type == "choice":
        return f.choice_label(str(value), lang) or str(value)
    if isinstance(value, bool):
        return text("history.yes" if value else "history.no", lang)
    return str(value)


def when_text(epoch_s: int, tz: tzinfo | None = CHINA) -> str:
    """Unix seconds as ``2026-03-01 14:05``, empty for none: China time by default (the county
    server's exports, whatever zone its machine runs in); ``tz=None`` is the machine's local time,
    as every other time on the desks is shown."""
    return datetime.fromtimestamp(epoch_s, tz).strftime("%Y-%m-%d %H:%M") if epoch_s else ""
