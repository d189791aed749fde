"""Forms: cross-field rules, whole records and normalize() (speed: benchmarks/bench_codec.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from sync.ids import uuid7
from sync.schema import Forms, load_forms
from tests.sync.schema_cases import (
    HOUSEHOLD_ID,
    PERSON_ID,
    RID_FEMALE_1990,
    RID_MALE_1965,
    TODAY,
    MemoryLookup,
    codes,
    good,
)


@pytest.fixture(scope="module")
def forms() -> Forms:
    return load_forms()


# ---------------------------------------------------------------------------------------------------
# Cross-field rules


def test_service_needs_a_household_or_a_person(forms: Forms) -> None:
    record = good("service") | {"household_id": None, "person_id": None}
    problems = forms.validate("service", record, today=TODAY)
    assert codes(problems) == {("household_id", "one_of_required")}
    assert "所属家庭户" in problems[0].zh and "服务对象" in problems[0].zh
    assert forms.validate("service", record | {"person_id": PERSON_ID}, today=TODAY) == []
    assert forms.validate("service", record | {"household_id": HOUSEHOLD_ID}, today=TODAY) == []


def test_resident_id_mismatch_reports_both_fields(forms: Forms) -> None:
    record = good("person") | {"birth_date": "1965-08-02", "sex": "female"}
    problems = forms.validate("person", record, today=TODAY)
    assert codes(problems) == {("birth_date", "birth_date_mismatch"), ("sex", "sex_mismatch")}
    for p in problems:
        assert RID_MALE_1965 not in p.zh + p.en and "1965" not in p.zh + p.en


def test_mismatch_is_not_reported_when_the_id_itself_is_bad(forms: Forms) -> None:
    record = good("person") | {"resident_id": "123", "birth_date": "1970-01-01", "sex": "female"}
    assert codes(forms.validate("person", record, today=TODAY)) == {("resident_id", "resident_id_length")}


def test_household_no_is_unique_in_the_village(forms: Forms) -> None:
    lookup = MemoryLookup()
    existing = good("household") | {"id": uuid7()}
    lookup.add("household", existing)
    new = good("household") | {"id": uuid7()}
    problems = forms.validate("household", new, lookup=lookup, today=TODAY)
    assert codes(problems) == {("household_no", "duplicate_household_no")}
    assert "户号" in problems[0].zh and "0012-A" not in problems[0].zh + problems[0].en
    # the record itself is not a duplicate of itself, and the rule is skipped without a lookup
    assert forms.validate("household", existing, lookup=lookup, today=TODAY) == []
    assert forms.validate("household", new, today=TODAY) == []
    assert forms.validate("household", new | {"household_no": "0013"}, lookup=lookup, today=TODAY) == []
    existing["deleted"] = 1  # a tombstone frees the number
    assert forms.validate("household", new, lookup=lookup, today=TODAY) == []


def test_resident_id_is_unique_in_the_village(forms: Forms) -> None:
    lookup = MemoryLookup()
    lookup.add("person", good("person") | {"id": uuid7(), "relation": "child"})
    record = good("person") | {"id": uuid7(), "household_id": PERSON_ID}
    problems = forms.validate("person", record, lookup=lookup, today=TODAY)
    assert codes(problems) == {("resident_id", "duplicate_resident_id")}
    assert RID_MALE_1965 not in problems[0].zh + problems[0].en


def test_one_head_per_household(forms: Forms) -> None:
    lookup = MemoryLookup()
    head = good("person") | {"id": uuid7()}
    lookup.add("person", head)
    wife = good("person") | {
        "id": uuid7(),
        "resident_id": RID_FEMALE_1990,
        "sex": "female",
        "birth_date": "1990-03-07",
    }
    problems = forms.validate("person", wife, lookup=lookup, today=TODAY)
    assert codes(problems) == {("relation", "second_head")}
    assert "户主" in problems[0].zh
    assert forms.validate("person", wife | {"relation": "spouse"}, lookup=lookup, today=TODAY) == []
    other_household = wife | {"household_id": PERSON_ID}
    assert forms.validate("person", other_household, lookup=lookup, today=TODAY) == []
    assert forms.validate("person", head, lookup=lookup, today=TODAY) == []  # editing the head itself
    head["relation"] = "other"  # the old head steps down: the wife may become head
    assert forms.validate("person", wife, lookup=lookup, today=TODAY) == []


def test_uniqueness_is_not_asked_about_bad_values(forms: Forms) -> None:
    class Refusing:
        def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
            raise AssertionError("lookup asked about an invalid value")

    record = good("person") | {"resident_id": "1", "household_id": "bad", "relation": "head"}
    problems = forms.validate("person", record, lookup=Refusing(), today=TODAY)
    assert codes(problems) == {("resident_id", "resident_id_length"), ("household_id", "ref")}


# ---------------------------------------------------------------------------------------------------
# The record as a whole


def test_all_problems_are_returned_at_once(forms: Forms) -> None:
    record = good("person") | {
        "name": None,
        "resident_id": RID_MALE_1965[:-1] + ("1" if RID_MALE_1965[-1] != "1" else "2"),
        "relation": "boss",
        "birth_date": "2030-01-01",
        "ethnicity": "00",
        "phone": "123",
        "favourite_colour": "red",
    }
    assert codes(forms.validate("person", record, today=TODAY)) == {
        ("name", "required"),
        ("resident_id", "resident_id_check"),
        ("relation", "choice"),
        ("birth_date", "future"),
        ("ethnicity", "choice"),
        ("phone", "phone"),
        ("favourite_colour", "unknown_field"),
    }


def test_missing_keys_count_as_empty(forms: Forms) -> None:
    assert codes(forms.validate("income", {}, today=TODAY)) == {
        ("household_id", "required"),
        ("year", "required"),
        ("source", "required"),
        ("amount_fen", "required"),
    }


def test_unknown_fields_are_rejected_without_their_value(forms: Forms) -> None:
    problems = forms.validate("household", good("household") | {"secret": "110105194912310021"}, today=TODAY)
    assert codes(problems) == {("secret", "unknown_field")}
    assert "110105" not in problems[0].zh + problems[0].en


def test_record_keys_outside_the_form(forms: Forms) -> None:
    meta = {"id": uuid7(), "village_code": "410105001001", "deleted": 0}
    assert forms.validate("household", good("household") | meta, today=TODAY) == []
    bad = {"id": "1", "village_code": "4101"}
    assert codes(forms.validate("household", good("household") | bad, today=TODAY)) == {
        ("id", "bad_id"),
        ("village_code", "bad_village_code"),
    }


def test_today_defaults_to_the_real_date(forms: Forms) -> None:
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    assert codes(forms.validate("service", good("service") | {"date": tomorrow})) == {("date", "future")}
    year = date.today().year
    assert forms.validate("income", good("income") | {"year": year}) == []
    assert codes(forms.validate("income", good("income") | {"year": year + 1})) == {
        ("year", "after_current_year")
    }


def test_validate_field_for_inline_checks(forms: Forms) -> None:
    assert forms.validate_field("person", "phone", None) == []
    assert [p.code for p in forms.validate_field("person", "name", None)] == ["required"]
    assert [p.code for p in forms.validate_field("income", "amount_fen", 1.0)] == ["not_int"]
    assert [p.code for p in forms.validate_field("service", "date", "2025-06-16", today=TODAY)] == ["future"]
    assert forms.validate_field("person", "resident_id", RID_MALE_1965, today=TODAY) == []


def test_messages_are_in_both_languages_and_use_labels(forms: Forms) -> None:
    (problem,) = forms.validate("household", good("household") | {"head_name": None}, today=TODAY)
    assert problem.zh == "请填写户主姓名"
    assert problem.en == "Name of household head is required"
    (problem,) = forms.validate("household", good("household") | {"category": None}, today=TODAY)
    assert problem.zh == "请选择家庭类别"
    (problem,) = forms.validate("income", good("income") | {"amount_fen": 100_000_000_01}, today=TODAY)
    assert "元" in problem.zh and "yuan" in problem.en


# ---------------------------------------------------------------------------------------------------
# normalize()


def test_normalize(forms: Forms) -> None:
    raw = {
        "household_id": HOUSEHOLD_ID,
        "name": "  王建国\u3000",
        "resident_id": " " + RID_MALE_1965.lower() + " ",
        "occupation": "   ",
        "phone": "１３８１２３４５６７８",
        "education": "",
        "health": None,
        "sex": "male",
        "extra": "  kept as is ",
    }
    out = forms.normalize("person", raw)
    assert out == {
        "household_id": HOUSEHOLD_ID,
        "name": "王建国",
        "resident_id": RID_MALE_1965.upper(),
        "occupation": None,
        "phone": "13812345678",
        "education": None,
        "health": None,
        "sex": "male",
        "extra": "  kept as is ",
    }
    assert raw["name"] == "  王建国\u3000"  # the input is not changed


def test_normalize_full_width_resident_id_then_validates(forms: Forms) -> None:
    full = RID_MALE_1965.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"}).replace("X", "Ｘ")
    out = forms.normalize("person", good("person") | {"resident_id": full})
    assert out["resident_id"] == RID_MALE_1965
    assert forms.validate("person", out, today=TODAY) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 1200 ", 1200), ("-3", -3), ("", None), ("12.5", "12.5"), ("1e3", "1e3"), ("１２", "１２"),
     (12, 12), (12.0, 12.0), (True, True)],
)  # fmt: skip
def test_normalize_money_only_converts_ascii_digit_strings(forms: Forms, value: Any, expected: Any) -> None:
    out = forms.normalize("income", {"amount_fen": value})["amount_fen"]
    assert out == expected and type(out) is type(expected)


def test_normalized_strings_still_fail_when_not_integers(forms: Forms) -> None:
    out = forms.normalize("income", good("income") | {"amount_fen": "12.50", "year": " 2024 "})
    assert codes(forms.validate("income", out, today=TODAY)) == {("amount_fen", "not_int")}
