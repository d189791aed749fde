"""Values as people read them: form labels, choice labels, yuan, yes/no, ages. No Qt.

Shared by the township desk (``township``) and the official's "waiting on township" list
(``review``). Values come in normalized form (``sync.schema``): choices are codes, amounts are
whole fen, dates ISO text.
"""

from __future__ import annotations

from typing import Any

from sync import money
from sync.messages import text
from sync.protocol import DELETED
from sync.schema import Forms

EMPTY = "—"


def zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def entity_label(forms: Forms, entity: str, lang: str) -> str:
    return forms[entity].label(lang) if entity in forms else entity


def field_label(forms: Forms, entity: str, field: str, lang: str) -> str:
    """The form's label for ``field``; the record's existence for the pseudo-field ``_deleted``."""
    if field == DELETED:
        return text("display.deleted_field", lang)
    if entity in forms:
        try:
            return forms[entity].field(field).label(lang)
        except KeyError:
            pass
    return field


def yuan(fen: int, lang: str) -> str:
    """``1,234.50 元`` in Chinese, ``¥1,234.50`` in English."""
    return text("display.yuan", lang, amount=money.yuan(fen))


def display(forms: Forms, entity: str, field: str, value: Any, lang: str) -> str:
    """``value`` of ``entity.field`` as a person reads it, in ``lang`` (zh_CN or en)."""
    if field == DELETED:
        if value is None:
            return EMPTY
        return text("display.deleted" if value else "display.kept", lang)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return text("display.yes" if value else "display.no", lang)
    kind = None
    fdef = None
    if entity in forms:
        try:
            fdef = forms[entity].field(field)
            kind = fdef.type
        except KeyError:
            pass
    if fdef is not None and kind == "choice":
        label = fdef.choice_label(str(value), lang)
        return label or str(value)
    if kind == "money" and isinstance(value, int):
        return yuan(value, lang)
    if kind == "date" and isinstance(value, str):
        return value[:10]
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def age_text(seconds: float, lang: str) -> str:
    """How old something is: "刚刚", "5 小时", "3 天" / "just now", "5 hours", "3 days"."""
    seconds = max(0.0, seconds)
    minutes, hours, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if minutes < 1:
        return text("display.just_now", lang)
    if hours < 1:
        return text("display.minute" if minutes == 1 else "display.minutes", lang, n=minutes)
    if days < 1:
        return text("display.hour" if hours == 1 else "display.hours", lang, n=hours)
    return text("display.day" if days == 1 else "display.days", lang, n=days)


def record_title(
    entity: str, context: dict[str, Any] | None, forms: Forms | None = None, lang: str = "zh_CN"
) -> str:
    """ "name · household number · head" for a person; "number · head" for the other forms; an
    income record adds its year and source ("2025年 · 务工收入"), given the forms for the label."""
    context = context or {}
    parts: list[str] = []
    if entity == "person" and context.get("name"):
        parts.append(str(context["name"]))
    for key in ("household_no", "head_name"):
        if context.get(key):
            parts.append(str(context[key]))
    if entity == "income":
        if context.get("year"):
            year = str(context["year"])
            parts.append(text("display.income_year", lang, year=year))
        if context.get("source") and forms is not None:
            parts.append(display(forms, "income", "source", context["source"], lang))
    return " · ".join(parts)
