"""What a person types into a field, read into the value the schema stores. One parse per field type.

The entry form, the roster import and the county server all read typed text here
(:meth:`sync.schema.Forms.normalize` calls :func:`parse_date`; the editors call :func:`parse_yuan`),
so a date or an amount the form accepts is accepted everywhere.

Money is typed in yuan with at most two decimals (``35000.50``, ``35,000.5``, full-width digits, a
trailing 元) and kept as whole fen (``3500050``), never as a float; :mod:`sync.money` writes fen as
yuan again (``format_yuan`` for an editor, read back here the same). Dates are typed as ``19530219``,
``1953-02-19``, ``1953/2/19``, ``1953.2.19`` or ``1953年2月19日`` and kept as ISO ``1953-02-19``.
Whole numbers may have full-width digits and thousands commas.

Text that cannot be read comes back unchanged (a ``str``): the schema's check of the field then
gives the coded problem (``not_date``, ``not_int``) with its message, and the record cannot be saved
with it. An empty field is ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["impossible_date", "parse_date", "parse_int", "parse_typed", "parse_yuan"]

_YUAN = re.compile(r"-?\d+(\.\d{0,2})?|-?\.\d{1,2}")
_INT = re.compile(r"-?\d+")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SPLIT_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def _clean(text: str) -> str:
    # NFKC turns full-width digits and punctuation (from a Chinese input method) into ASCII.
    return unicodedata.normalize("NFKC", text).strip()


def _ascii(pattern: re.Pattern[str], text: str) -> bool:
    # \d also matches other scripts' digits (Arabic-Indic...); only ASCII digits are numbers here.
    return bool(pattern.fullmatch(text)) and text.isascii()


def parse_yuan(text: str | None) -> int | str | None:
    """``"35000.50"`` -> 3500050 fen; ``""`` -> None; anything else (3 decimals, letters) -> the text."""
    if text is None:
        return None
    cleaned = _clean(text).replace(",", "").replace("。", ".").removesuffix("元").strip()
    if not cleaned:
        return None
    if not _ascii(_YUAN, cleaned):
        return text
    try:
        fen = Decimal(cleaned) * 100
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return text
    return int(fen)


def parse_int(text: str | None) -> int | str | None:
    """``"2024"``, ``"２０２４"``, ``"1,200"`` -> the int; ``""`` -> None; anything else -> the text."""
    if text is None:
        return None
    cleaned = _clean(text).replace(",", "")
    if not cleaned:
        return None
    return int(cleaned) if _ascii(_INT, cleaned) else text


def _date_parts(text: str) -> tuple[int, int, int] | None:
    compact = _clean(text).replace("年", "-").replace("月", "-").removesuffix("日").replace(" ", "")
    match = _COMPACT_DATE.fullmatch(compact) or _SPLIT_DATE.fullmatch(compact)
    if match is None or not compact.isascii():
        return None
    return int(match[1]), int(match[2]), int(match[3])


def parse_date(text: str | None) -> str | None:
    """``"19530219"``, ``"1953/2/19"``, ``"1953年2月19日"`` -> ``"1953-02-19"``; ``""`` -> None; a date
    that cannot be read (or does not exist, like 1953-02-30) -> the text as typed."""
    if text is None:
        return None
    if not _clean(text):
        return None
    parts = _date_parts(text)
    if parts is None:
        return text
    try:
        return date(*parts).isoformat()
    except ValueError:
        return text


def impossible_date(text: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) when ``text`` is written as a date that does not exist (``19800230``,
    ``1980-13-01``), so the form can say that rather than ask for another way of writing it."""
    if not text:
        return None
    parts = _date_parts(text)
    if parts is None:
        return None
    try:
        date(*parts)
    except ValueError:
        return parts
    return None


def parse_typed(field_type: str, value: Any) -> Any:
    """What a person typed (or a spreadsheet cell held as text) for a field of ``field_type``, read
    into the stored value; values that are not text, and other types, come back unchanged."""
    if not isinstance(value, str):
        return value
    if field_type == "date":
        return parse_date(value)
    if field_type == "money":
        return parse_yuan(value)
    if field_type == "int":
        return parse_int(value)
    return value
