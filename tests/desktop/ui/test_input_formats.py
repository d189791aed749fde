"""What may be typed into money and date fields (a table of cases, good and bad)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.ui.input_formats import format_yuan, parse_date, parse_yuan


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("35000.50", 3500050),
        ("35000.5", 3500050),
        ("35000", 3500000),
        ("35,000.50", 3500050),
        ("０.０１", 1),
        ("12。5", 1250),
        ("88元", 8800),
        (" 7 ", 700),
        (".5", 50),
        ("", None),
        ("   ", None),
    ],
)
def test_yuan_read_as_whole_fen(typed: str, fen: int | None) -> None:
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["12.345", "abc", "12元5角", "1e3", "1.2.3", "--5", "5-", "inf", "NaN"])
def test_what_is_not_yuan_comes_back_as_typed(typed: str) -> None:
    assert parse_yuan(typed) == typed


@given(st.integers(min_value=0, max_value=10**12))
def test_fen_shown_as_yuan_reads_back_the_same(fen: int) -> None:
    shown = format_yuan(fen)
    assert shown.count(".") == 1 and len(shown.split(".")[1]) == 2
    assert parse_yuan(shown) == fen


@pytest.mark.parametrize(
    "typed",
    ["19530219", "1953-02-19", "1953/2/19", "1953.2.19", "1953年2月19日", "１９５３０２１９", " 1953-2-19 "],
)
def test_dates_in_the_ways_officials_write_them(typed: str) -> None:
    assert parse_date(typed) == "1953-02-19"


@pytest.mark.parametrize("typed", ["19530230", "1953-13-01", "1953-2", "530219", "195302190", "yesterday"])
def test_what_is_not_a_date_comes_back_as_typed(typed: str) -> None:
    assert parse_date(typed) == typed


def test_empty_is_none() -> None:
    assert parse_date("") is None and parse_date(None) is None and format_yuan(None) == ""
