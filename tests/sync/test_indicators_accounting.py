"""Every income record accounted for, coverage beside the income figures, one rounding rule, and
net income that may be negative: hand-worked sets (the arithmetic is in the comments).

The same sets through the encrypted store, a real sync and the server on both backends are in
tests/acceptance/test_indicators_hand_worked.py."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.form_rules import _yuan
from sync.indicator_labels import coverage_warning, figures, format_value, reconciliation, reference_period
from sync.indicators import LEFT_OUT, compute, fen, share
from sync.money import yuan
from sync.rounding import half_away, percent
from sync.schema import load_forms

TODAY = date(2025, 6, 1)
F = Fraction
HID = "0190f5a0-0000-7000-8000-0000000000{:02d}"


def _hh(n: int, status: str = "active") -> dict:
    return {"id": HID.format(n), "household_no": f"{n:03d}", "head_name": "某", "address": "一组",
            "category": "ordinary", "status": status}  # fmt: skip


def _p(n: int, household: int, status: str = "present") -> dict:
    return {"id": f"p{n}", "household_id": HID.format(household), "name": "某", "resident_id": "X",
            "relation": "other", "sex": "male", "birth_date": "1980-01-01", "ethnicity": "01",
            "status": status}  # fmt: skip


def _inc(n: int, household: int, source: str, amount: int | None, year: int = 2024) -> dict:
    return {"id": f"i{n}", "household_id": HID.format(household), "year": year, "source": source,
            "amount_fen": amount}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# 1. Every income record of the year: in the figures, or left out under a named reason, to the fen

HOUSEHOLDS = [_hh(1), _hh(2), _hh(3), _hh(4, "moved_out"), _hh(5, "dissolved"), _hh(7)]  # 6: deleted
PERSONS = [_p(1, 1), _p(2, 1), _p(3, 2), _p(4, 3, status="moved_out"), _p(5, 4), _p(6, 7)]
INCOMES = [
    _inc(1, 1, "wages", 1_000_000), _inc(2, 1, "business", -1_200_000),  # h1: -200,000 / 2
    _inc(3, 2, "transfers", -50_000), _inc(4, 2, "property", 20_000),  # h2: -30,000 / 1
    _inc(5, 3, "business", 30_000),  # h3 active, nobody present: no_present_member
    _inc(6, 4, "wages", 40_000),  # h4 moved out
    _inc(7, 5, "property", -5_000),  # h5 dissolved
    _inc(8, 6, "transfers", 7_000),  # h6 deleted (not among the live households)
    _inc(9, 1, "wages", None),  # no amount
    _inc(10, 1, "wages", 999_900, year=2023),  # another year: not a record of 2024 at all
]  # fmt: skip


@pytest.fixture(scope="module")
def result() -> dict:
    return compute(HOUSEHOLDS, PERSONS, INCOMES, [], year=2024, today=TODAY)


def test_every_income_record_of_the_year_is_in_the_figures_or_left_out_with_a_reason(result: dict) -> None:
    left = result["quality"]["income_left_out"]
    assert list(left) == list(LEFT_OUT)
    assert left == {
        "no_present_member": {"records": 1, "amount_fen": 30_000},
        "household_moved_out": {"records": 1, "amount_fen": 40_000},
        "household_dissolved": {"records": 1, "amount_fen": -5_000},
        "household_not_active": {"records": 0, "amount_fen": 0},
        "household_deleted": {"records": 1, "amount_fen": 7_000},
        "amount_missing": {"records": 1, "amount_fen": 0},
    }
    records = result["income"]["records"]
    # 9 records of 2024: -200,000 - 30,000 + 30,000 + 40,000 - 5,000 + 7,000 + 0 = -158,000
    assert records == {"of_year": 9, "of_year_fen": -158_000, "in_figures": 4, "in_figures_fen": -230_000}
    # The reconciliation, to the fen and to the record
    assert records["in_figures_fen"] + sum(v["amount_fen"] for v in left.values()) == records["of_year_fen"]
    assert records["in_figures"] + sum(v["records"] for v in left.values()) == records["of_year"]
    assert result["income"]["total_fen"] == records["in_figures_fen"]
    assert result["quality"]["households_without_income"] == 1  # h7: a member, no income


def test_a_household_of_another_status_is_named_not_active() -> None:
    out = compute([_hh(1, "merged")], [_p(1, 1)], [_inc(1, 1, "wages", 100)], [], year=2024, today=TODAY)
    assert out["quality"]["income_left_out"]["household_not_active"] == {"records": 1, "amount_fen": 100}


def test_negative_totals_give_figures_where_they_are_defined(result: dict) -> None:
    inc = result["income"]
    # Persons: -100,000 x2 (h1), -30,000 (h2): total -230,000 over 3
    assert inc["mean_fen"] == -76_667  # -76,666.67: halves and beyond away from zero
    assert inc["median_fen"] == -100_000
    assert inc["gini"] is None and inc["quintile_ratio"] is None and inc["quintile_means_fen"] is None
    assert inc["by_source_share"] == {}  # no share of a negative total
    # wages 1,000,000/3 = 333,333.33; business -400,000; property 6,666.67; transfers -16,666.67
    assert inc["by_source_per_capita_fen"] == {
        "business": -400_000, "property": 6_667, "transfers": -16_667, "wages": 333_333
    }  # fmt: skip
    assert inc["under_line_household_share"] == 1.0
    zh = {f.key: f for f in figures(result)}
    assert format_value(zh["income.mean"]) == "-766.67 元"
    assert format_value(zh["income.gini"]) == "—"


def test_the_reconciliation_sentence(result: dict) -> None:
    assert reconciliation(result) == (
        "2024 年收入记录 9 条，合计 -1,580.00 元：计入收入数字 4 条 -2,300.00 元，"
        "未计入 5 条 720.00 元（原因见“数据质量”）。"
    )


def test_the_left_out_income_is_labelled_among_the_figures(result: dict) -> None:
    zh = {f.key: f for f in figures(result)}
    assert zh["quality.household_deleted.records"].label == "未计入收入：家庭户已删除或不存在（条）"
    assert format_value(zh["quality.household_dissolved.fen"]) == "-50.00 元"
    assert "quality.household_not_active.records" not in zh  # reasons with no record are not listed
    en = {f.key: f for f in figures(result, "en")}
    assert (
        en["quality.no_present_member.fen"].label
        == "Income left out: household has no member present (amount)"
    )
    assert format_value(zh["income.records_of_year_fen"]) == "-1,580.00 元"


# --------------------------------------------------------------------------------------------------
# 2. Coverage beside the income figures: ten three-person households, one holding everything


def _ten(with_zero_records: bool) -> dict:
    households = [_hh(n) for n in range(1, 11)]
    persons = [_p(n * 10 + k, n) for n in range(1, 11) for k in range(3)]
    incomes = [_inc(1, 1, "wages", 9_000_000)]
    if with_zero_records:
        incomes += [_inc(n, n, "wages", 0) for n in range(2, 11)]
    return compute(households, persons, incomes, [], year=2024, today=TODAY)


def test_a_gini_over_a_tenth_of_the_village_is_marked_as_not_the_villages() -> None:
    full, tenth = _ten(True), _ten(False)
    # With zero records: 27 persons at 0, 3 at 3,000,000: pairs 2 * 27 * 3 * 3,000,000 / (2 * 900 *
    # 300,000) = 0.9
    assert full["income"]["gini"] == 0.9 and full["income"]["coverage"] == {
        "households": 10, "active_households": 10, "share": 1.0, "low": False
    }  # fmt: skip
    assert tenth["income"]["gini"] == 0.0 and tenth["income"]["mean_fen"] == 3_000_000
    assert tenth["income"]["coverage"] == {
        "households": 1,
        "active_households": 10,
        "share": 0.1,
        "low": True,
    }
    assert coverage_warning(full) is None
    assert coverage_warning(tenth) == "收入数字只含 1 / 10 户（10.0%），低于 80%：这些数字不代表全村。"
    zh = figures(tenth)
    income = [f for f in zh if f.key.startswith("income.") and not f.key.startswith("income.records")]
    income = [f for f in income if f.key != "income.line"]  # a setting, not a figure
    assert income and all(f.label.endswith("（覆盖率低）") for f in income)  # beside every income figure
    assert {f.key: f for f in zh}[
        "income.coverage_share"
    ].label == "收入覆盖率（1/10 户有当年收入）（覆盖率低）"
    assert not any("覆盖率低" in f.label for f in figures(full))


@pytest.mark.parametrize(("with_income", "low"), [(8, False), (7, True), (10, False), (0, True)])
def test_the_low_coverage_mark_starts_under_80_per_cent(with_income: int, low: bool) -> None:
    households = [_hh(n) for n in range(1, 11)]
    persons = [_p(n, n) for n in range(1, 11)]
    incomes = [_inc(n, n, "wages", 100) for n in range(1, with_income + 1)]
    out = compute(households, persons, incomes, [], year=2024, today=TODAY)
    assert out["income"]["coverage"]["low"] is low


def test_an_empty_village_is_not_marked() -> None:
    assert compute([], [], [], [], year=2024, today=TODAY)["income"]["coverage"]["low"] is False


# --------------------------------------------------------------------------------------------------
# 3. One rounding rule: decimal, halves away from zero, once, from the exact value


@pytest.mark.parametrize(
    ("value", "shown"), [(0.2245, "22.5%"), (0.1235, "12.4%"), (0.3345, "33.5%"), (-0.0005, "-0.1%")]
)
def test_percentages_at_the_halves(value: float, shown: str) -> None:
    assert format_value((value, "share")) == shown
    assert percent(value) == shown


def test_shares_are_rounded_once_from_the_exact_fraction() -> None:
    assert share(449, 2000) == 0.225 and format_value((share(449, 2000), "share")) == "22.5%"
    assert share(247, 2000) == 0.124 and share(669, 2000) == 0.335
    # 2245 / 10001 = 0.224478: 22.4 %. Rounded to 4 places first (0.2245) it would show 22.5 %.
    assert format_value((share(2245, 10001), "share")) == "22.4%"


def test_money_at_the_halves_and_negative_amounts() -> None:
    assert fen(F(5, 2)) == 3 and fen(F(-5, 2)) == -3 and fen(F(-76_666_666, 1000)) == -76_667
    assert yuan(-150) == "-1.50" and yuan(-5) == "-0.05" and yuan(123_456_789) == "1,234,567.89"
    assert yuan(250, places=0) == "3" and yuan(-250, places=0) == "-3" and yuan(249, places=0) == "2"
    assert format_value((-150, "fen")) == "-1.50 元" and format_value((-150, "fen"), "en") == "-1.50 yuan"
    assert format_value((0.125, "ratio")) == "0.13" and format_value((0.12345, "index")) == "0.1235"
    assert half_away(F(1, 8), 2) == half_away(0.125, 2)


def test_form_messages_write_negative_limits_right() -> None:
    assert _yuan(-150) == "-1.50" and _yuan(-100) == "-1" and _yuan(150) == "1.50"
    amount = load_forms()["income"].field("amount_fen")
    problems = load_forms().validate(
        "income", {"household_id": HID.format(1), "year": 2024, "source": "business",
                   "amount_fen": amount.min - 1},
    )  # fmt: skip
    assert [p.zh for p in problems] == ["金额（元）不能少于-100000000元"]


# --------------------------------------------------------------------------------------------------
# 4. Net income may be negative where the national definitions allow it; wages may not


@pytest.mark.parametrize(
    ("source", "amount", "codes"),
    [("business", -100_000, []), ("property", -1, []), ("transfers", -150, []), ("wages", 0, []),
     ("wages", -1, ["negative_wages"])],
)  # fmt: skip
def test_net_income_may_be_negative_except_wages(source: str, amount: int, codes: list[str]) -> None:
    record = {"household_id": HID.format(1), "year": 2024, "source": source, "amount_fen": amount}
    problems = load_forms().validate("income", record)
    assert [p.code for p in problems] == codes
    for p in problems:
        assert (
            p.field == "amount_fen" and "工资性收入不能为负数" in p.zh and "Wages cannot be negative" in p.en
        )


def test_the_form_says_net_income_may_be_negative() -> None:
    amount = load_forms()["income"].field("amount_fen")
    assert "净收入可为负" in amount.hint("zh_CN") and "may be negative" in amount.hint("en")


# --------------------------------------------------------------------------------------------------
# 5. The reference period


def test_the_reference_period_is_stated(result: dict) -> None:
    assert reference_period(result) == (
        "人口、年龄、参保资格和户人口按 2025-06-01 的登记计算；收入和服务为 2024 年度的记录。"
    )
    assert "register on 2025-06-01" in reference_period(result, "en")


# --------------------------------------------------------------------------------------------------
# The reconciliation holds on any village (hypothesis)

_status = st.sampled_from(["active", "active", "active", "moved_out", "dissolved", "merged"])
_amount = st.one_of(st.none(), st.integers(-5_000_000, 50_000_000))


@settings(deadline=None, max_examples=60)
@given(
    st.lists(_status, min_size=0, max_size=8),
    st.lists(st.tuples(st.integers(0, 9), st.booleans()), max_size=15),
    st.lists(st.tuples(st.integers(0, 9), _amount, st.sampled_from([2023, 2024])), max_size=25),
)
def test_every_record_is_accounted_for_on_any_village(
    statuses: list[str], people: list[tuple[int, bool]], rows: list[tuple[int, int | None, int]]
) -> None:
    households = [_hh(n, s) for n, s in enumerate(statuses)]  # numbers beyond them: deleted households
    persons = [_p(i, h, "present" if here else "moved_out") for i, (h, here) in enumerate(people)]
    incomes = [_inc(i, h, "business", amount, year) for i, (h, amount, year) in enumerate(rows)]
    out = compute(households, persons, incomes, [], year=2024, today=TODAY)
    records, left = out["income"]["records"], out["quality"]["income_left_out"]
    of_year = [r for r in incomes if r["year"] == 2024]
    assert records["of_year"] == len(of_year)
    assert records["of_year_fen"] == sum(r["amount_fen"] or 0 for r in of_year)
    assert records["in_figures_fen"] + sum(v["amount_fen"] for v in left.values()) == records["of_year_fen"]
    assert records["in_figures"] + sum(v["records"] for v in left.values()) == records["of_year"]
    assert records["in_figures_fen"] == out["income"]["total_fen"]
    cover = out["income"]["coverage"]
    assert cover["households"] == out["income"]["households"] <= cover["active_households"]
