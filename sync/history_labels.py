"""Record history for people: field labels, values (choices as labels, money in yuan) and how a
change came, in Chinese or English. Shared by the county export, the staff desk and the laptop, so
the three say the same thing. No Qt.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from sync.money import yuan
from sync.schema import Forms

CHINA = timezone(timedelta(hours=8))
DELETED = "_deleted"

HOW = {
    "push": ("笔记本同步", "sent from a laptop"),
    "resync": ("恢复备份后重新同步", "re-sync after a restore"),
    "decision": ("乡镇处理冲突", "township decision"),
    "duplicate": ("重复人员处理", "duplicate decision"),
    "restore": ("服务器从备份恢复", "server restored from backup"),
    "local": ("本机修改（未同步）", "edited here (not yet synced)"),
}


def _zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


def how_label(how: str, lang: str = "zh_CN") -> str:
    pair = HOW.get(how)
    return (pair[0] if _zh(lang) else pair[1]) if pair else how


def field_label(forms: Forms, entity: str, field: str, lang: str = "zh_CN") -> str:
    if field == DELETED:
        return "删除" if _zh(lang) else "deleted"
    try:
        f = forms[entity].field(field)
    except KeyError:
        return field
    label = f.label(lang)
    if f.type == "money" and not label.endswith(("（元）", "(yuan)")):
        label += "（元）" if _zh(lang) else " (yuan)"
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
        if _zh(lang):
            return "已删除" if value else "未删除"
        return "deleted" if value else "live"
    try:
        f = forms[entity].field(field)
    except KeyError:
        return str(value)
    if f.type == "money" and isinstance(value, int) and not isinstance(value, bool):
        return yuan(value)
    if f.type == "choice":
        return f.choice_label(str(value), lang) or str(value)
    if isinstance(value, bool):
        return ("是" if value else "否") if _zh(lang) else ("yes" if value else "no")
    return str(value)


def when_text(epoch_s: int, tz: tzinfo | None = CHINA) -> str:
    """Unix seconds as ``2026-03-01 14:05``, empty for none: China time by default (the county
    server's exports, whatever zone its machine runs in); ``tz=None`` is the machine's local time,
    as every other time on the desks is shown."""
    return datetime.fromtimestamp(epoch_s, tz).strftime("%Y-%m-%d %H:%M") if epoch_s else ""
