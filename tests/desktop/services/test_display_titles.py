"""Titles of records on the township desk say which record: an income record its year and source."""

from __future__ import annotations

from desktop.services.display import record_title
from sync.schema import load_forms


def test_an_income_record_is_titled_with_year_and_source() -> None:
    forms = load_forms()
    context = {"household_no": "0007", "head_name": "李四", "year": 2025, "source": "wages"}
    title = record_title("income", context, forms, "zh_CN")
    assert title.startswith("0007 · 李四 · 2025年 · ")
    assert title.split(" · ")[-1] == forms["income"].field("source").choice_label("wages", "zh_CN")
    assert record_title("income", context, forms, "en").split(" · ")[2] == "2025"
    person = {"name": "王五", "household_no": "0007", "head_name": "李四"}
    assert record_title("person", person) == "王五 · 0007 · 李四"


def test_a_money_amount_with_too_many_decimals_speaks_of_decimals_not_fen() -> None:
    (problem,) = load_forms().validate_field("income", "amount_fen", 1.5)
    assert "分" not in problem.zh and "fen" not in problem.en
    assert "两位小数" in problem.zh
