"""One rounding rule for every figure people read: decimal, halves away from zero.

Values are rounded once, from their exact value (an ``int``, a ``Fraction`` or a ``Decimal``), to the
places shown. A ``float`` is taken as the decimal it prints as (``0.2245`` is 0.2245, not the binary
number just below it), which is exact for the figures of :mod:`sync.indicators`: they are already
rounded there, from exact fractions, to the places shown, so nothing is rounded twice. Money is
written by :func:`sync.money.yuan`, with this rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Number = int | float | Fraction | Decimal


def _decimal(value: Number) -> Decimal | Fraction:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction | Decimal):
        return value
    return Decimal(int(value))


def half_away(value: Number, places: int = 0) -> Decimal:
    """``value`` to ``places`` decimals, halves away from zero (``ROUND_HALF_UP`` is away from zero in
    :mod:`decimal`)."""
    exact = _decimal(value)
    quantum = Decimal(1).scaleb(-places)
    if isinstance(exact, Fraction):
        scaled = exact * 10**places
        whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
        if 2 * rest >= scaled.denominator:
            whole += 1
        return (Decimal(whole if scaled >= 0 else -whole) * quantum).quantize(quantum)
    return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def number_text(value: Number, places: int = 0, *, grouping: bool = True) -> str:
    """``1234.5`` -> ``"1,234.5"`` with ``places`` decimals; ``-0`` is written ``0``."""
    rounded = half_away(value, places)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,}" if grouping else f"{rounded}"


def percent(share: Number, places: int = 1) -> str:
    """A share 0..1 as per cent: ``0.2245`` -> ``"22.5%"``, ``0.1235`` -> ``"12.4%"``."""
    return number_text(_decimal(share) * 100, places, grouping=False) + "%"
