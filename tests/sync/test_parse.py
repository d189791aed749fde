"""One parse per field type (sync.parse): what is typed, read into the stored value, or left as typed
so the schema names the problem."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sync.parse import parse_date, parse_typed, parse_yuan
from sync.schema import load_forms


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("date", "19530219", "1953-02-19"),
        ("date", "1953-02-19", "1953-02-19"),
        ("date", "1953/2/19", "1953-02-19"),
        ("date", "1953.2.19", "1953-02-19"),
        ("date", "1953年2月19日", "1953-02-19"),
        ("date", "１９５３年２月１９日", "1953-02-19"),
        ("date", "", None),
        ("date", "19530230", "19530230"),  # does not exist: left as typed for the schema to name
        ("date", "١٩٥٣٠٢١٩", "١٩٥٣٠٢١٩"),  # other scripts' digits are not read as a date
        ("money", "35,000.5元", 3500050),
        ("money", "３５０００", 3500000),
        ("money", "-12.5", -1250),
        ("money", "12.345", "12.345"),
        ("money", "  ", None),
        ("int", "２０２４", 2024),
        ("int", "1,200", 1200),
        ("int", "12.5", "12.5"),
        ("int", "٣", "٣"),
        ("text", " 张三 ", " 张三 "),
        ("choice", "male", "male"),
        ("money", 1250, 1250),  # already a stored value
    ],
)
def test_parse_table(kind: str, typed: Any, stored: Any) -> None:
    out = parse_typed(kind, typed)
    assert out == stored and type(out) is type(stored)


@pytest.mark.parametrize(
    "typed", ["19530219", "1953/2/19", "1953年2月19日", "１９５３－０２－１９", " 1953.2.19 "]
)
def test_the_schema_and_so_the_server_read_every_typed_date(typed: str) -> None:
    forms = load_forms()
    assert forms.normalize("person", {"birth_date": typed}) == {"birth_date": "1953-02-19"}


def test_a_date_that_does_not_exist_keeps_its_coded_problem() -> None:
    forms = load_forms()
    value = forms.normalize("person", {"birth_date": "19800230"})["birth_date"]
    (problem,) = forms.validate_field("person", "birth_date", value, today=date(2026, 1, 1))
    assert problem.code == "not_date" and problem.field == "birth_date"


# What may be typed into money and date fields (a table of cases, good and bad).


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
    assert parse_date("") is None and parse_date(None) is None
