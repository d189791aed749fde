"""Money for people: whole fen (an ``int``, never a float) written as yuan. The one formatter.

Typed yuan are read into fen by :func:`sync.parse.parse_yuan`; everything that shows an amount writes
it here: the lists and the record editor, the township desk, form messages, history and indicators.
Callers differ only in what the parameters say (thousands separators, decimal places) and in the
unit word they put around the number.

``yuan(-150)`` is ``"-1.50"``: the sign is taken off before the fen are split off, so a negative
amount is never written as ``-2.50`` (floor division would). Fewer places than two round halves away
from zero (:mod:`sync.rounding`).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sync.rounding import number_text

__all__ = ["format_yuan", "yuan"]


def yuan(fen: int, *, grouping: bool = True, places: int = 2) -> str:
    """Whole fen as yuan: ``-150`` -> ``"-1.50"``, ``123456789`` -> ``"1,234,567.89"`` (without
    ``grouping``: ``"1234567.89"``); with ``places=0``, whole yuan (halves away from zero)."""
    if places == 2:  # exact: no rounding, and no Fraction for every cell of a list
        sign = "-" if fen < 0 else ""
        whole, cents = divmod(abs(int(fen)), 100)
        return f"{sign}{whole:,}.{cents:02d}" if grouping else f"{sign}{whole}.{cents:02d}"
    return number_text(Fraction(int(fen), 100), places, grouping=grouping)


def format_yuan(value: Any) -> str:
    """What a money field's editor shows for a stored value: whole fen as yuan with two decimals and
    no separators (``3500050`` -> ``"35000.50"``, read back the same by ``parse_yuan``); ``""`` for
    none; any other value (text that was never read as money) as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return yuan(value, grouping=False)
    return str(value)
