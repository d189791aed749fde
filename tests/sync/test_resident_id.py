"""GB 11643 resident IDs: parsing, normalizing, the check character and making test IDs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.resident_id import (
    PROVINCE_CODES,
    InvalidResidentId,
    make_resident_id,
    normalize_resident_id,
    parse_resident_id,
)
from sync.schema import derive_from_resident_id

TODAY = date(2025, 6, 15)


def reference_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 written the textbook way, independent of the code under test."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + reference_check(first17)


# (text as typed, birth date, sex, why it is valid)
VALID = [
    ("11010519491231002X", date(1949, 12, 31), "female", "the GB 11643 example, check X"),
    ("360426199101010071", date(1991, 1, 1), "male", "odd sequence is male"),
    (with_check("44030519800515123"), date(1980, 5, 15), "male", "Shenzhen, check by reference formula"),
    (with_check("41010520000229004"), date(2000, 2, 29), "female", "leap day of a leap century year"),
    (with_check("11010119000101001"), date(1900, 1, 1), "male", "earliest allowed birth date"),
    (with_check("65010220250615002"), TODAY, "female", "born today"),
    (with_check("82000019851111003"), date(1985, 11, 11), "male", "Macao prefix 82"),
    (with_check("71000019700101008"), date(1970, 1, 1), "female", "Taiwan prefix 71"),
    ("11010519491231002x", date(1949, 12, 31), "female", "lower-case x normalized"),
    (
        "１１０１０５１９４９１２３１００２Ｘ",
        date(1949, 12, 31),
        "female",
        "full-width digits and Ｘ normalized",
    ),
    ("11010519491231002ｘ", date(1949, 12, 31), "female", "full-width lower-case ｘ normalized"),
    (" 110105 19491231 002X ", date(1949, 12, 31), "female", "spaces removed"),
]

# (text, expected code, why it is invalid) — text is passed through normalize first
INVALID = [
    ("110105194912310021", "check", "wrong check digit"),
    ("11010519491231002", "length", "17 characters"),
    ("11010519491231002X1", "length", "19 characters"),
    ("110105491231002", "length", "old 15-digit ID"),
    ("", "length", "empty"),
    ("11010519491231A02X", "format", "a letter inside"),
    ("1101051949123100X2", "format", "X not in last place"),
    ("11010519491231002Y", "format", "last character neither digit nor X"),
    (with_check("11010119900230001"), "birth_date", "February 30"),
    (with_check("11010119990229001"), "birth_date", "February 29 of a non-leap year"),
    (with_check("11010119901301001"), "birth_date", "month 13"),
    (with_check("11010119900100001"), "birth_date", "day 0"),
    (with_check("11010120250616001"), "future", "birth date tomorrow"),
    (with_check("11010118991231001"), "too_old", "born before 1900"),
    (with_check("99010119900101001"), "region", "province 99 does not exist"),
    (with_check("01010119900101001"), "region", "address code starting with 0"),
    (with_check("10010119900101001"), "region", "province 10 does not exist"),
    (with_check("47010119900101001"), "region", "province 47 does not exist"),
]


@pytest.mark.parametrize(("text", "birth", "sex", "why"), VALID, ids=[v[3] for v in VALID])
def test_valid_ids_parse(text: str, birth: date, sex: str, why: str) -> None:
    parsed = parse_resident_id(normalize_resident_id(text), today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == sex
    assert parsed.number == normalize_resident_id(text)
    assert parsed.region == parsed.number[:6]
    assert derive_from_resident_id(text, today=TODAY) == {"birth_date": birth.isoformat(), "sex": sex}


@pytest.mark.parametrize(("text", "code", "why"), INVALID, ids=[v[2] for v in INVALID])
def test_invalid_ids_are_rejected_with_a_reason(text: str, code: str, why: str) -> None:
    with pytest.raises(InvalidResidentId) as info:
        parse_resident_id(normalize_resident_id(text), today=TODAY)
    exc = info.value
    assert exc.code == code
    assert exc.zh and exc.en
    for message in (exc.zh, exc.en, str(exc)):
        assert normalize_resident_id(text) not in message or not text
        assert text[:6] not in message or not text
    assert derive_from_resident_id(text, today=TODAY) is None


def test_parse_is_strict_about_unnormalized_text() -> None:
    # Stored numbers have one canonical form; normalize() is the only place that folds variants.
    for text in ("11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ"):
        with pytest.raises(InvalidResidentId) as info:
            parse_resident_id(text, today=TODAY)
        assert info.value.code == "format"


@pytest.mark.parametrize("value", [None, 110105194912310021, b"11010519491231002X", ["x"]])
def test_non_strings_are_rejected(value: object) -> None:
    with pytest.raises(InvalidResidentId):
        parse_resident_id(value, today=TODAY)
    assert derive_from_resident_id(value, today=TODAY) is None  # type: ignore[arg-type]


def test_today_defaults_to_the_real_date() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(InvalidResidentId) as info:
        parse_resident_id(make_resident_id("110101", tomorrow, 1))
    assert info.value.code == "future"
    assert parse_resident_id(make_resident_id("110101", date.today(), 1)).birth_date == date.today()


def test_make_resident_id_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        make_resident_id("11010", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_resident_id("11010a", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_resident_id("110101", date(1990, 1, 1), 1000)
    with pytest.raises(ValueError):
        make_resident_id("110101", date(1990, 1, 1), -1)


def test_province_list_is_the_gb2260_one() -> None:
    assert len(PROVINCE_CODES) == 34
    assert {"11", "31", "44", "54", "65", "71", "81", "82"} <= PROVINCE_CODES
    assert (
        not {"10", "20", "24", "30", "38", "40", "47", "55", "60", "66", "70", "80", "83", "99"}
        & PROVINCE_CODES
    )


regions = st.builds(
    lambda p, rest: p + f"{rest:04d}", st.sampled_from(sorted(PROVINCE_CODES)), st.integers(0, 9999)
)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(0, 999)


@given(region=regions, birth=births, seq=seqs)
def test_made_ids_parse_back(region: str, birth: date, seq: int) -> None:
    number = make_resident_id(region, birth, seq)
    assert len(number) == 18
    assert number[17] == reference_check(number[:17])
    parsed = parse_resident_id(number, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == ("male" if seq % 2 else "female")
    assert parsed.region == region
    assert derive_from_resident_id(number.lower(), today=TODAY) == {
        "birth_date": birth.isoformat(),
        "sex": parsed.sex,
    }


@given(region=regions, birth=births, seq=seqs, position=st.integers(0, 17), delta=st.integers(1, 9))
def test_any_single_character_typo_is_caught(
    region: str, birth: date, seq: int, position: int, delta: int
) -> None:
    number = make_resident_id(region, birth, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    typo = alphabet[(alphabet.index(number[position]) + delta) % len(alphabet)]
    with pytest.raises(InvalidResidentId):
        parse_resident_id(number[:position] + typo + number[position + 1 :], today=TODAY)


@given(region=regions, birth=births, seq=seqs, position=st.integers(0, 15))
def test_adjacent_swaps_are_caught(region: str, birth: date, seq: int, position: int) -> None:
    number = make_resident_id(region, birth, seq)
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(InvalidResidentId):
        parse_resident_id(swapped, today=TODAY)
