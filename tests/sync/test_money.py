"""One way to write money (sync.money): whole fen as yuan, the same sign, separators and rounding for
the lists, the editors, the township desk, form messages and indicators."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.form_defs import FieldDef
from sync.form_rules import field_problem
from sync.indicator_labels import format_value
from sync.money import format_yuan, yuan
from sync.parse import parse_yuan
from sync.rounding import number_text


@pytest.mark.parametrize(
    ("fen", "grouped", "plain"),
    [
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (-5, "-0.05", "-0.05"),
        (-150, "-1.50", "-1.50"),  # not -2.50 (floor division of -150 by 100)
        (-100, "-1.00", "-1.00"),
        (1234567, "12,345.67", "12345.67"),
        (-123_456_789, "-1,234,567.89", "-1234567.89"),
        (10**14, "1,000,000,000,000.00", "1000000000000.00"),
    ],
)
def test_fen_written_as_yuan(fen: int, grouped: str, plain: str) -> None:
    assert yuan(fen) == grouped
    assert yuan(fen, grouping=False) == plain


@pytest.mark.parametrize(
    ("fen", "places", "shown"),
    [
        (250, 0, "3"),  # halves away from zero
        (-250, 0, "-3"),
        (249, 0, "2"),
        (-49, 0, "0"),  # never "-0"
        (123_450, 0, "1,235"),
        (-155, 1, "-1.6"),
        (145, 1, "1.5"),
    ],
)
def test_fewer_places_round_halves_away_from_zero(fen: int, places: int, shown: str) -> None:
    assert yuan(fen, places=places) == shown


@given(st.integers(min_value=-(10**15), max_value=10**15), st.booleans())
def test_two_places_are_the_exact_amount(fen: int, grouping: bool) -> None:
    # The quick path for two places writes what the rounding rule writes for the exact fraction.
    assert yuan(fen, grouping=grouping) == number_text(Fraction(fen, 100), 2, grouping=grouping)


@given(st.integers(min_value=-(10**12), max_value=10**12), st.booleans())
def test_what_is_shown_reads_back_the_same(fen: int, grouping: bool) -> None:
    assert parse_yuan(yuan(fen, grouping=grouping)) == fen
    shown = format_yuan(fen)
    assert shown.count(".") == 1 and len(shown.split(".")[1]) == 2 and "," not in shown
    assert parse_yuan(shown) == fen


@pytest.mark.parametrize(("value", "shown"), [(None, ""), ("", ""), ("12.345", "12.345"), (True, "True")])
def test_an_editor_shows_what_is_not_fen_as_it_is(value: object, shown: str) -> None:
    assert format_yuan(value) == shown


def test_form_messages_write_limits_with_the_sign_first_and_no_needless_decimals() -> None:
    amount = FieldDef("amount_fen", "money", "金额", "Amount", min=-150, max=1_000_000)
    low, high = field_problem(amount, "too_small"), field_problem(amount, "too_large")
    assert low.zh == "金额不能少于-1.50元" and low.en == "Amount must be at least -1.50 yuan"
    assert high.zh == "金额不能超过10000元" and high.en == "Amount must be at most 10000 yuan"


def test_indicators_write_yuan_with_their_unit() -> None:
    assert format_value((-150, "fen")) == "-1.50 元"
    assert format_value((123_456_789, "fen"), "en") == "1,234,567.89 yuan"
