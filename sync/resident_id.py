"""Citizen identity numbers (公民身份号码, GB 11643-1999).

Layout of the 18 characters: 6-digit address code (province prefix first), 8-digit birth date
``YYYYMMDD``, 3-digit sequence (odd for men, even for women), and a check character computed with
ISO 7064 MOD 11-2 (``0``-``9`` or ``X``).

Error messages never contain the number itself: it is personal data and must not reach a log.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date

from sync.messages import pair

__all__ = [
    "PROVINCE_CODES",
    "InvalidResidentId",
    "ResidentId",
    "check_character",
    "make_resident_id",
    "normalize_resident_id",
    "parse_resident_id",
    "resident_id_error",
]

PROVINCE_CODES: frozenset[str] = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "  # noqa: SIM905
    "61 62 63 64 65 71 81 82".split()
)
"""Province-level prefixes of GB/T 2260 address codes (incl. Taiwan 71, Hong Kong 81, Macao 82)."""

EARLIEST_BIRTH = date(1900, 1, 1)

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"
_OFFSET = 48 * sum(_WEIGHTS)
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# Full-width digits and X as typed with a Chinese input method; lower-case x; whitespace dropped.
_NORMALIZE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "Ｘ": "X", "ｘ": "X", "x": "X"})
_SPACE = re.compile(r"\s+")


class InvalidResidentId(ValueError):
    """A resident ID that fails GB 11643. ``code`` says why; ``zh``/``en`` never contain the number."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.zh, self.en = pair(f"resident_id.{code}")
        super().__init__(self.en)

    @staticmethod
    def messages(code: str) -> tuple[str, str]:
        """The (Chinese, English) message for a code."""
        return pair(f"resident_id.{code}")


@dataclass(frozen=True, slots=True)
class ResidentId:
    number: str
    region: str
    birth_date: date
    sex: str
    """``"male"`` or ``"female"`` (odd or even sequence number)."""


def normalize_resident_id(text: str) -> str:
    """Full-width digits and ``Ｘ``/``x`` to ASCII ``X``, whitespace removed."""
    return _SPACE.sub("", text.translate(_NORMALIZE))


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for 17 ASCII digits."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    # Weighted sum over the byte values, minus the ASCII offset of "0" under each weight.
    total = sum(map(operator.mul, _WEIGHTS, first17.encode("ascii"))) - _OFFSET
    return _CHECK[total % 11]


def resident_id_error(text: object, today: date) -> str | None:
    """Why ``text`` is not a valid normalized resident ID (an :class:`InvalidResidentId` code), or None.

    The fast path for validating many records: builds no objects for a good number.
    """
    if type(text) is not str or len(text) != 18:
        return "length"
    if not _SHAPE.fullmatch(text):
        return "format"
    if text[:2] not in PROVINCE_CODES:
        return "region"
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return "birth_date"
    if birth < EARLIEST_BIRTH:
        return "too_old"
    if birth > today:
        return "future"
    if check_character(text[:17]) != text[17]:
        return "check"
    return None


def parse_resident_id(text: object, *, today: date | None = None) -> ResidentId:
    """Parse a normalized 18-character resident ID.

    The text must already be normalized (see :func:`normalize_resident_id`); a lower-case ``x`` is
    rejected here so that stored numbers are always in one canonical form.

    Raises:
        InvalidResidentId: with ``code`` one of length, format, region, birth_date, future, too_old, check.
    """
    code = resident_id_error(text, today or date.today())
    if code is not None:
        raise InvalidResidentId(code)
    assert isinstance(text, str)
    birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    sex = "male" if (ord(text[16]) - 48) % 2 else "female"
    return ResidentId(number=text, region=text[:6], birth_date=birth, sex=sex)


def make_resident_id(region: str, birth: date, seq: int) -> str:
    """A valid resident ID for ``region`` (6 digits), ``birth`` and sequence ``seq`` (0..999).

    Odd ``seq`` makes a man, even a woman. Meant for tests and demo data.
    """
    if len(region) != 6 or not region.isdigit() or not region.isascii():
        raise ValueError("region must be 6 ASCII digits")
    if not 0 <= seq <= 999:
        raise ValueError("seq must be in 0..999")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    if len(first17) != 17:
        raise ValueError("birth year must have 4 digits")
    return first17 + check_character(first17)
