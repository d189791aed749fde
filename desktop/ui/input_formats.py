"""What an official may type into a money or a date field, read into the schema's values. No Qt.

Money is typed in yuan with at most two decimals (``35000.50``, ``35,000.5``, full-width digits, a
trailing 元) and kept as whole fen (``3500050``), never as a float. Dates are typed as ``19530219``,
``1953-02-19``, ``1953/2/19``, ``1953.2.19`` or ``1953年2月19日`` and kept as ISO ``1953-02-19``.

Text that cannot be read comes back unchanged (a ``str``), so the form shows a message for it and
the record cannot be saved with it; an empty field is ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

_YUAN = re.compile(r"-?\d+(\.\d{0,2})?|-?\.\d{1,2}")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SPLIT_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _clean(text: str) -> str:
    # NFKC turns full-width digits and punctuation (from a Chinese input method) into ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def parse_yuan(text: str | None) -> int | str | None:
    """``"35000.50"`` -> 3500050 fen; ``""`` -> None; anything else (3 decimals, letters) -> the text."""
    if text is None:
        return None
    cleaned = _clean(text).replace(",", "").replace("。", ".").removesuffix("元").strip()
    if not cleaned:
        return None
    if not _YUAN.fullmatch(cleaned):
        return text
    try:
        fen = Decimal(cleaned) * 100
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return text
    return int(fen)


def format_yuan(value: Any) -> str:
    """Whole fen as yuan with two decimals (``3500050`` -> ``"35000.50"``); other values as text."""
    if value is None or value == "":
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        sign = "-" if value < 0 else ""
        yuan, fen = divmod(abs(value), 100)
        return f"{sign}{yuan}.{fen:02d}"
    return str(value)


def parse_date(text: str | None) -> str | None:
    """``"19530219"``, ``"1953/2/19"``, ``"1953年2月19日"`` -> ``"1953-02-19"``; ``""`` -> None; a date
    that cannot be read (or does not exist, like 1953-02-30) -> the text as typed."""
    if text is None:
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    compact = cleaned.replace("年", "-").replace("月", "-").removesuffix("日").replace(" ", "")
    match = _COMPACT_DATE.fullmatch(compact) or _SPLIT_DATE.fullmatch(compact)
    if match is None:
        return text
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return text


def impossible_date(text: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) when ``text`` is written as a date that does not exist (``19800230``,
    ``1980-13-01``), so the form can say that rather than ask for another way of writing it."""
    if not text:
        return None
    compact = _clean(text).replace("年", "-").replace("月", "-").removesuffix("日").replace(" ", "")
    match = _COMPACT_DATE.fullmatch(compact) or _SPLIT_DATE.fullmatch(compact)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    try:
        date(year, month, day)
    except ValueError:
        return year, month, day
    return None
