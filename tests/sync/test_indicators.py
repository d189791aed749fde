"""The shared indicators, checked against small datasets computed by hand (worked out in the comments)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.indicator_labels import figures, format_value
from sync.indicators import (
    AGE_GROUPS,
    age_group,
    age_on,
    compute,
    fen,
    gini,
    median,
    quintile_means,
    rounded,
)

TODAY = date(2025, 6, 1)
F = Fraction


def _brute_gini(pairs: list[tuple[int, int]]) -> Fraction:
    people = [F(v) for v, w in pairs for _ in range(w)]
    total = sum(people)
    diffs = sum(abs(a - b) for a, b in product(people, people))
    return diffs / (2 * len(people) * total)


def test_rounding_is_exact_and_halves_go_away_from_zero() -> None:
    assert fen(F(1, 2)) == 1 and fen(F(-1, 2)) == -1 and fen(F(5, 3)) == 2 and fen(F(-5, 3)) == -2
    assert fen(7) == 7 and fen(F(149, 100)) == 1
    assert rounded(F(81, 160), 4) == 0.5063  # 0.50625: a float round() could give 0.5062
    assert rounded(F(8, 11), 4) == 0.7273


def test_ages_and_five_year_groups() -> None:
    assert age_on("1960-06-02", TODAY) == 64  # birthday tomorrow
    assert age_on("1960-06-01", TODAY) == 65
    assert age_on("2030-01-01", TODAY) is None and age_on("not a date", TODAY) is None
    assert age_on(None, TODAY) is None
    assert [age_group(a) for a in (0, 4, 5, 84, 85, 120, None)] == [
        "0-4", "0-4", "5-9", "80-84", "85+", "85+", "unknown"
    ]  # fmt: skip
    assert len(AGE_GROUPS) == 18


def test_distribution_on_ties() -> None:
    # Everyone equal: no inequality; every fifth has the same mean.
    pairs = [(F(500), 4), (F(500), 6)]
    assert gini(pairs) == 0
    assert quintile_means(pairs) == [500] * 5
    # 100,100,100,200,200 (five persons, one per fifth); ties split across households.
    pairs = [(F(100), 3), (F(200), 2)]
    assert quintile_means(pairs) == [100, 100, 100, 200, 200]
    assert median(pairs) == 100
    # |x_i - x_j| over ordered pairs: 3*2*100*2 = 1200; 2 * N^2 * mean = 2 * 25 * 140 = 7000
    assert gini(pairs) == F(1200, 7000) == _brute_gini([(100, 3), (200, 2)])
    # Four persons, ties at both ends: 0,0,100,100 -> |diffs| sum 800 / (2*16*50) = 0.5
    assert gini([(F(0), 2), (F(100), 2)]) == F(1, 2)
    assert median([(F(0), 2), (F(100), 2)]) == 50  # mean of the two middle persons


def test_distribution_with_zero_and_negative_incomes() -> None:
    assert gini([(F(0), 3)]) is None  # mean zero: undefined
    assert gini([(F(-100), 1), (F(50), 1)]) is None  # mean negative: undefined
    assert gini([]) is None and median([]) is None and quintile_means([(F(1), 4)]) is None
    pairs = [(F(-100), 1), (F(300), 1)]  # mean 100; |diffs| 2*400 = 800 / (2*4*100) = 1.0
    assert gini(pairs) == 1
    pairs = [(F(-300), 1), (F(400), 1)]  # mean 50; 1400 / (2*4*50) = 3.5: above 1 with debts
    assert gini(pairs) == F(7, 2)


def _hh(hid: str, category: str = "ordinary", status: str = "active", address: str | None = "村东") -> dict:
    return {"id": hid, "household_no": hid, "head_name": "某", "address": address, "category": category,
            "status": status}  # fmt: skip


def _p(pid: str, hid: str, sex: str, born: str | None, medical: str | None = None,
       pension: str | None = None, status: str = "present") -> dict:  # fmt: skip
    return {"id": pid, "household_id": hid, "name": "某", "resident_id": "X", "relation": "other",
            "sex": sex, "birth_date": born, "ethnicity": "01", "medical_insurance": medical,
            "pension_insurance": pension, "status": status}  # fmt: skip


def _inc(hid: str, source: str, amount: int, year: int = 2024) -> dict:
    return {"id": f"i-{hid}-{source}-{year}", "household_id": hid, "year": year, "source": source,
            "amount_fen": amount}  # fmt: skip


HOUSEHOLDS = [
    _hh("hA"), _hh("hB", "low_income"), _hh("hC", "monitored"), _hh("hD", address=None),
    _hh("hE", status="dissolved"), _hh("hF"),
]  # fmt: skip
PERSONS = [
    _p("p1", "hA", "male", "1960-06-02", "resident", "resident"),  # 64
    _p("p2", "hA", "female", "1962-06-01", "employee", "none"),  # 63
    _p("p3", "hB", "female", "2020-01-01", "resident"),  # 5
    _p("p4", "hC", "male", "2000-12-31", "none", "employee"),  # 24
    _p("p5", "hC", "female", "2010-06-01", None, "resident"),  # 15: under the pension age
    _p("p6", "hD", "male", "1930-01-01", "resident", "resident"),  # 95
    _p("p7", "hE", "female", "1990-01-01", "resident", None),  # 35, household dissolved
    _p("p8", "hF", "male", "1985-03-03", "employee", "resident"),  # 40
    _p("p9", "hF", "female", "1987-03-03", "resident", "none"),  # 38
    _p("p10", "hF", "male", "2024-01-01"),  # 1
    _p("p11", "hF", "male", "1950-01-01", "resident", "resident", status="moved_out"),
    _p("p13", "hE", "female", None, "resident"),  # no birth date: unknown age, a required field missing
]
INCOMES = [
    _inc("hA", "wages", 1_000_000), _inc("hA", "business", 200_000),  # 1,200,000 / 2 = 600,000
    _inc("hA", "wages", 5_000_000, year=2023),  # another year: ignored
    _inc("hB", "transfers", 0),  # zero income: 0 / 1
    _inc("hC", "business", -300_000), _inc("hC", "wages", 100_000),  # -200,000 / 2 = -100,000
    _inc("hE", "wages", 9_999_999),  # dissolved household: ignored
    _inc("hF", "wages", 3_000_000),  # 3,000,000 / 3 = 1,000,000
]  # fmt: skip
SERVICES = [
    {"id": "s1", "person_id": "p3", "type": "health_check", "date": "2024-03-05", "amount_fen": None},
    {"id": "s2", "household_id": "hB", "type": "subsidy", "date": "2024-03-20", "amount_fen": 50_000},
    {"id": "s3", "household_id": "hC", "type": "subsidy", "date": "2024-11-01", "amount_fen": 30_000},
    {"id": "s4", "household_id": "hC", "type": "subsidy", "date": "2023-12-31", "amount_fen": 99_999},
]


@pytest.fixture(scope="module")
def result() -> dict:
    return compute(HOUSEHOLDS, PERSONS, INCOMES, SERVICES, year=2024, today=TODAY, line_fen=600_000,
                   never_synced=3, open_conflicts=1)  # fmt: skip


def test_population_by_sex_and_five_year_group(result: dict) -> None:
    pop = result["population"]
    assert pop["total"] == 11  # p11 moved out
    assert pop["by_sex"] == {"female": 6, "male": 5}
    nonzero = {g: v for g, v in pop["pyramid"].items() if v["male"] or v["female"]}
    assert nonzero == {
        "0-4": {"male": 1, "female": 0},
        "5-9": {"male": 0, "female": 1},
        "15-19": {"male": 0, "female": 1},
        "20-24": {"male": 1, "female": 0},
        "35-39": {"male": 0, "female": 2},
        "40-44": {"male": 1, "female": 0},
        "60-64": {"male": 1, "female": 1},
        "85+": {"male": 1, "female": 0},
        "unknown": {"male": 0, "female": 1},
    }
    assert list(pop["pyramid"])[:3] == ["0-4", "5-9", "10-14"]  # every group, in order


def test_households_by_category(result: dict) -> None:
    assert result["households"] == {
        "total": 5,
        "by_category": {"low_income": 1, "monitored": 1, "ordinary": 3},
    }


def test_income_distribution_with_zero_and_negative_households(result: dict) -> None:
    inc = result["income"]
    # Persons by per-capita income: -100,000 x2 (hC), 0 (hB), 600,000 x2 (hA), 1,000,000 x3 (hF).
    assert (inc["households"], inc["persons"], inc["total_fen"]) == (4, 8, 4_000_000)
    assert inc["mean_fen"] == 500_000  # 4,000,000 / 8
    assert inc["median_fen"] == 600_000  # 4th and 5th persons: 600,000 and 600,000
    # Fifths of 1.6 persons: [-100,000 x1.6], [-100,000 x0.4 + 0 + 600,000 x0.2] = 80,000 / 1.6,
    # [600,000 x1.6], [600,000 x0.2 + 1,000,000 x1.4] = 1,520,000 / 1.6, [1,000,000 x1.6]
    assert inc["quintile_means_fen"] == [-100_000, 50_000, 600_000, 950_000, 1_000_000]
    assert inc["quintile_ratio"] is None  # the bottom fifth is negative: no meaningful ratio
    # Pairs (later - earlier) weighted: 0 + 1*(0*2+200,000) + 2*(600,000*3+200,000)
    # + 3*(1,000,000*5-1,000,000) = 16,200,000; / (N * total) = 16.2 / 32 = 0.50625
    assert inc["gini"] == 0.5063
    assert F(16_200_000, 32_000_000) == _brute_gini([(-100_000, 2), (0, 1), (600_000, 2), (1_000_000, 3)])


def test_income_by_source_and_under_the_line(result: dict) -> None:
    inc = result["income"]
    assert inc["by_source_fen"] == {"wages": 4_100_000, "business": -100_000, "property": 0, "transfers": 0}
    assert inc["by_source_share"] == {"business": -0.025, "transfers": 0.0, "wages": 1.025}
    assert inc["by_source_per_capita_fen"] == {"business": -12_500, "transfers": 0, "wages": 512_500}
    # Under 600,000: hB (0) and hC (-100,000); hA at exactly 600,000 is not under the line.
    assert (inc["under_line_households"], inc["under_line_persons"]) == (2, 3)
    assert inc["under_line_household_share"] == 0.5 and inc["under_line_person_share"] == 0.375
    assert inc["line_fen"] == 600_000


def test_insurance_coverage_by_the_age_rules(result: dict) -> None:
    cov = result["coverage"]
    assert cov["medical"] == {"insured": 8, "eligible": 11, "unknown": 2, "share": 0.727}  # 72.7 %
    # 16 and over: p1 p2 p4 p6 p7 p8 p9 (p5 is 15 and insured: not counted; p13 age unknown)
    assert cov["pension"] == {"insured": 4, "eligible": 7, "unknown": 1, "share": 0.571}


def test_services_by_type_and_month(result: dict) -> None:
    svc = result["services"]
    assert svc["total"] == 3
    assert svc["by_type"] == {"health_check": 1, "subsidy": 2}
    assert svc["by_month"]["03"] == 2 and svc["by_month"]["11"] == 1 and sum(svc["by_month"].values()) == 3
    assert svc["by_type_month"]["subsidy"]["11"] == 1
    assert svc["amount_by_type_fen"] == {"health_check": 0, "subsidy": 80_000}


def test_data_quality(result: dict) -> None:
    assert result["quality"] == {
        "required_missing": {"household": 1, "person": 1, "income": 0, "service": 0},
        "unknown_age": 1,
        "households_without_income": 1,  # hD: a member, no income of 2024
        "income_left_out": {
            "no_present_member": {"records": 0, "amount_fen": 0},
            "household_moved_out": {"records": 0, "amount_fen": 0},
            "household_dissolved": {"records": 1, "amount_fen": 9_999_999},  # hE
            "household_not_active": {"records": 0, "amount_fen": 0},
            "household_deleted": {"records": 0, "amount_fen": 0},
            "amount_missing": {"records": 0, "amount_fen": 0},
        },
        "never_synced": 3,
        "open_conflicts": 1,
    }


def test_an_empty_village_has_no_figures_rather_than_zeros() -> None:
    empty = compute([], [], [], [], year=2024, today=TODAY)
    assert empty["income"]["mean_fen"] is None and empty["income"]["gini"] is None
    assert empty["coverage"]["medical"]["share"] is None
    assert empty["population"]["total"] == 0


def test_figures_are_labelled_in_both_languages(result: dict) -> None:
    zh = {f.label: f for f in figures(result, "zh_CN")}
    assert format_value(zh["人均可支配收入（均值）"]) == "5,000.00 元"
    assert format_value(zh["工资性收入"]) == "41,000.00 元"
    assert format_value(zh["低于收入线的人口占比"]) == "37.5%"
    assert format_value(zh["高低收入组倍数（五等份）"]) == "—"
    assert zh["养老保险参保率（16岁及以上）"].value == 0.571
    en = {f.label: f for f in figures(result, "en")}
    assert format_value(en["Gini coefficient"], "en") == "0.5063"
    assert en["Minimum-living-allowance household"].value == 1
    assert zh["低保户"].value == 1 and zh["监测户"].value == 1


# --------------------------------------------------------------------------------------------------
# Properties that must hold on any data (hypothesis)

households_st = st.lists(
    st.tuples(st.integers(-5_000_000, 50_000_000), st.integers(1, 6)), min_size=1, max_size=25
)


def _pairs(raw: list[tuple[int, int]]) -> list[tuple[Fraction, int]]:
    return [(Fraction(total, n), n) for total, n in raw]


@given(households_st)
def test_quintiles_split_every_person_exactly_once(raw: list[tuple[int, int]]) -> None:
    pairs = _pairs(raw)
    people = sum(n for _, n in pairs)
    q = quintile_means(pairs)
    if people < 5:
        assert q is None
        return
    assert q is not None and q == sorted(q)
    assert sum(q) * Fraction(people, 5) == sum(v * n for v, n in pairs)


@settings(deadline=None)  # the brute-force check is quadratic in persons
@given(households_st)
def test_gini_matches_the_pairwise_definition(raw: list[tuple[int, int]]) -> None:
    pairs = _pairs(raw)
    g = gini(pairs)
    total = sum(v * n for v, n in pairs)
    if total <= 0:
        assert g is None
        return
    people = [v for v, n in pairs for _ in range(n)]
    assert g == sum(abs(a - b) for a, b in product(people, people)) / (2 * len(people) * total)
    if all(v >= 0 for v, _ in pairs):
        assert 0 <= g < 1


@given(households_st, st.integers(1, 1000))
def test_gini_does_not_depend_on_the_currency_unit(raw: list[tuple[int, int]], k: int) -> None:
    pairs = _pairs(raw)
    assert gini(pairs) == gini([(v * k, n) for v, n in pairs])


@given(households_st)
def test_the_median_lies_between_the_lowest_and_highest_income(raw: list[tuple[int, int]]) -> None:
    pairs = _pairs(raw)
    m = median(pairs)
    assert m is not None and min(v for v, _ in pairs) <= m <= max(v for v, _ in pairs)
