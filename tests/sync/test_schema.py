"""Forms: the JSON definitions, normalize() and validate() with every rule, good and bad values."""

from __future__ import annotations

import json
import timeit
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync.ids import uuid7
from sync.protocol import Problem
from sync.resources import ENV_VAR, resources_dir
from sync.schema import FormError, Forms, load_forms, make_resident_id

TODAY = date(2025, 6, 15)
HOUSEHOLD_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
PERSON_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
RID_MALE_1965 = make_resident_id("410105", date(1965, 8, 1), 13)
RID_FEMALE_1990 = make_resident_id("410105", date(1990, 3, 7), 24)


@pytest.fixture(scope="module")
def forms() -> Forms:
    return load_forms()


class MemoryLookup:
    """The real ``Lookup`` interface over a list of records: live records of one village."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, dict[str, Any]]] = []

    def add(self, entity: str, record: dict[str, Any]) -> None:
        self.rows.append((entity, record))

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
        return sum(
            1
            for e, r in self.rows
            if e == entity
            and not r.get("deleted")
            and r.get("id") != exclude_id
            and all(r.get(k) == v for k, v in where.items())
        )


def good(entity: str) -> dict[str, Any]:
    return {
        "household": {
            "household_no": "0012-A",
            "head_name": "王建国",
            "address": "河南省郑州市某村3组12号",
            "phone": "13812345678",
            "category": "low_income",
            "status": "active",
        },
        "person": {
            "household_id": HOUSEHOLD_ID,
            "name": "王建国",
            "resident_id": RID_MALE_1965,
            "relation": "head",
            "sex": "male",
            "birth_date": "1965-08-01",
            "ethnicity": "01",
            "education": "junior",
            "occupation": "务农",
            "health": "chronic",
            "disability": "none",
            "medical_insurance": "resident",
            "pension_insurance": "resident",
            "phone": "0371-62345678",
            "status": "present",
        },
        "income": {
            "household_id": HOUSEHOLD_ID,
            "year": 2024,
            "source": "wages",
            "amount_fen": 3_456_700,
            "note": "外出务工\n全年",
        },
        "service": {
            "household_id": HOUSEHOLD_ID,
            "person_id": None,
            "type": "health_check",
            "date": "2025-06-15",
            "amount_fen": None,
            "provider": "乡卫生院",
            "note": None,
        },
    }[entity]


def codes(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


# ---------------------------------------------------------------------------------------------------
# The definitions

CONTRACT_FIELDS = {
    "household": ["household_no", "head_name", "address", "phone", "category", "status"],
    "person": [
        "household_id",
        "name",
        "resident_id",
        "relation",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "occupation",
        "health",
        "disability",
        "medical_insurance",
        "pension_insurance",
        "phone",
        "status",
    ],
    "income": ["household_id", "year", "source", "amount_fen", "note"],
    "service": ["household_id", "person_id", "type", "date", "amount_fen", "provider", "note"],
}


def test_field_names_are_the_contract_ones(forms: Forms) -> None:
    assert forms.entities == ("household", "person", "income", "service")
    for entity, names in CONTRACT_FIELDS.items():
        assert list(forms[entity].field_names) == names
        assert forms[entity].entity == entity


@pytest.mark.parametrize("path", sorted((resources_dir() / "forms").glob("*.json")), ids=lambda p: p.name)
def test_form_json_is_well_formed(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["label"]["zh_CN"] and data["label"]["en"]
    for f in data["fields"]:
        assert set(f) >= {
            "name",
            "type",
            "label",
            "required",
            "choices",
            "min",
            "max",
            "max_length",
            "pattern",
            "ref",
        }
        assert f["label"]["zh_CN"].strip() and f["label"]["en"].strip(), f["name"]
        assert all("\u4e00" <= ch <= "\u9fff" or ch in "（）/" for ch in f["label"]["zh_CN"]), f["name"]
        if "hint" in f:
            assert f["hint"]["zh_CN"] and f["hint"]["en"]
        if f["type"] == "choice":
            assert f["choices"], f["name"]
        for c in f["choices"]:
            assert isinstance(c["value"], str) and c["value"]
            assert c["label"]["zh_CN"].strip() and c["label"]["en"].strip(), (f["name"], c["value"])
        if f["type"] == "ref":
            assert f["ref"] in ("household", "person")


def test_field_and_choice_labels_in_both_languages(forms: Forms) -> None:
    person = forms["person"]
    assert person.label("zh_CN") == "家庭成员" and person.label("en") == "Person"
    rid = person.field("resident_id")
    assert rid.label("zh_CN") == "公民身份号码" and rid.label("en") == "Resident ID number"
    assert rid.hint("zh_CN") and rid.hint("en")
    relation = person.field("relation")
    assert relation.label() == "与户主关系"
    assert (
        relation.choice_label("head") == "户主" and relation.choice_label("head", "en") == "Head of household"
    )
    assert relation.choice_label("nope") == "" and relation.choice_label(None) == ""
    household = forms["household"]
    assert household.field("household_no").label() == "户号"
    assert household.field("head_name").label() == "户主姓名"
    category = {c.value: c.label("zh_CN") for c in household.field("category").choices}
    assert category == {
        "ordinary": "一般户",
        "low_income": "低保户",
        "monitored": "监测户",
        "extreme_poverty": "特困户",
        "lifted": "脱贫户",
    }
    assert household.field("category").label() == "家庭类别"
    with pytest.raises(KeyError):
        person.field("nope")


def test_ethnicity_is_gb3304(forms: Forms) -> None:
    choices = forms["person"].field("ethnicity").choices
    values = [c.value for c in choices]
    assert values == [f"{i:02d}" for i in range(1, 57)] + ["97", "98"]
    zh = {c.value: c.zh for c in choices}
    en = {c.value: c.en for c in choices}
    assert len(set(zh.values())) == 58 and len(set(en.values())) == 58
    expected = {
        "01": "汉族", "02": "蒙古族", "03": "回族", "04": "藏族", "05": "维吾尔族", "08": "壮族",
        "09": "布依族", "10": "朝鲜族", "11": "满族", "15": "土家族", "17": "哈萨克族", "21": "佤族",
        "22": "畲族", "29": "柯尔克孜族", "31": "达斡尔族", "32": "仫佬族", "37": "仡佬族", "38": "锡伯族",
        "43": "乌孜别克族", "44": "俄罗斯族", "45": "鄂温克族", "46": "德昂族", "49": "京族",
        "51": "独龙族", "52": "鄂伦春族", "53": "赫哲族", "54": "门巴族", "55": "珞巴族", "56": "基诺族",
        "97": "其他", "98": "外国血统中国籍人士",
    }  # fmt: skip
    for code, name in expected.items():
        assert zh[code] == name
    assert all(name.endswith("族") for code, name in zh.items() if code <= "56")
    assert en["01"] == "Han" and en["04"] == "Tibetan" and en["10"] == "Korean"


def test_limits_from_the_contract(forms: Forms) -> None:
    income = forms["income"]
    assert income.field("year").min == 1990 and income.field("year").max == date.today().year
    assert income.field("amount_fen").min == 0 and income.field("amount_fen").max == 100_000_000_00
    assert forms["person"].field("name").max_length == 30
    assert forms["household"].field("address").max_length == 100
    assert forms["service"].field("provider").max_length == 50
    assert forms["person"].field("household_id").ref == "household"
    assert forms["service"].field("person_id").ref == "person"
    required = {e: {f.name for f in forms[e].fields if f.required} for e in forms.entities}
    assert required == {
        "household": {"household_no", "head_name", "address", "category", "status"},
        "person": {
            "household_id",
            "name",
            "resident_id",
            "relation",
            "sex",
            "birth_date",
            "ethnicity",
            "status",
        },
        "income": {"household_id", "year", "source", "amount_fen"},
        "service": {"type", "date"},
    }


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: d["rules"].append({"rule": "no_such_rule", "fields": ["name"]}), "unknown rule kind"),
        (lambda d: d["rules"].append({"rule": "unique", "fields": ["nope"]}), "rule on unknown field"),
        (lambda d: d["fields"][3]["choices"][0]["label"].pop("en"), "choice without English"),
        (lambda d: d["fields"][1]["label"].pop("zh_CN"), "field without Chinese"),
        (lambda d: d["fields"][0].update(ref="nowhere"), "ref to unknown form"),
        (lambda d: d["fields"][1].update(type="blob"), "unknown type"),
        (lambda d: d["fields"].append(dict(d["fields"][1])), "repeated field"),
        (lambda d: d["fields"][1].update(pattern="(["), "bad pattern"),
        (lambda d: d["fields"][5].update(min=1900), "date limit not a date"),
        (lambda d: d["fields"][3].update(choices=[]), "choice field without choices"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_malformed_definitions_are_refused(tmp_path: Path, mutate: Any, why: str) -> None:
    source = resources_dir() / "forms"
    for path in source.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["entity"] == "person":
            mutate(data)
        (tmp_path / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FormError):
        load_forms(tmp_path)


def test_resources_dir_honours_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = resources_dir()
    assert (default / "forms" / "person.json").is_file()
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert resources_dir() == tmp_path
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError):
        resources_dir()


def test_load_forms_is_cached(forms: Forms) -> None:
    assert load_forms() is forms


# ---------------------------------------------------------------------------------------------------
# Every field rule: one bad value -> exactly one problem on that field, with that code.

BAD = [
    ("household", "household_no", None, "required"),
    ("household", "household_no", "", "pattern"),
    ("household", "household_no", "12 34", "pattern"),
    ("household", "household_no", "户号12", "pattern"),
    ("household", "household_no", "A" * 21, "too_long"),
    ("household", "household_no", 1234, "not_text"),
    ("household", "head_name", None, "required"),
    ("household", "head_name", "王" * 31, "too_long"),
    ("household", "head_name", "王建\x00国", "control_chars"),
    ("household", "head_name", "王建\n国", "control_chars"),
    ("household", "address", "村" * 101, "too_long"),
    ("household", "address", None, "required"),
    ("household", "phone", "1381234567", "phone"),
    ("household", "phone", "12812345678", "phone"),
    ("household", "phone", "138123456789", "phone"),
    ("household", "phone", "0558-123456", "phone"),
    ("household", "phone", "558-12345678", "phone"),
    ("household", "phone", "+8613812345678", "phone"),
    ("household", "phone", "１３８１２３４５６７８", "phone"),
    ("household", "phone", 13812345678, "phone"),
    ("household", "category", "poor", "choice"),
    ("household", "category", "一般户", "choice"),
    ("household", "category", None, "required"),
    ("household", "status", "closed", "choice"),
    ("household", "status", ["active"], "choice"),
    ("person", "household_id", None, "required"),
    ("person", "household_id", "not-a-uuid-at-all", "ref"),
    ("person", "household_id", HOUSEHOLD_ID.upper(), "ref"),
    ("person", "household_id", 12345, "ref"),
    ("person", "name", "", "too_short"),
    ("person", "name", "张" * 31, "too_long"),
    ("person", "name", None, "required"),
    ("person", "resident_id", None, "required"),
    (
        "person",
        "resident_id",
        RID_MALE_1965[:17] + ("0" if RID_MALE_1965[17] != "0" else "1"),
        "resident_id_check",
    ),
    ("person", "resident_id", RID_MALE_1965[:17], "resident_id_length"),
    ("person", "resident_id", "41010519650801013x", "resident_id_format"),
    ("person", "resident_id", "99" + RID_MALE_1965[2:], "resident_id_region"),
    ("person", "relation", "father", "choice"),
    ("person", "relation", None, "required"),
    ("person", "sex", "男", "choice"),
    ("person", "sex", "M", "choice"),
    ("person", "sex", None, "required"),
    ("person", "sex", "female", "sex_mismatch"),
    ("person", "birth_date", None, "required"),
    ("person", "birth_date", "1965-8-1", "not_date"),
    ("person", "birth_date", "1965-02-30", "not_date"),
    ("person", "birth_date", "1965/08/01", "not_date"),
    ("person", "birth_date", "１９６５-08-01", "not_date"),
    ("person", "birth_date", 19650801, "not_date"),
    ("person", "birth_date", "2025-06-16", "future"),
    ("person", "birth_date", "1899-12-31", "too_small"),
    ("person", "birth_date", "1966-08-01", "birth_date_mismatch"),
    ("person", "ethnicity", "57", "choice"),
    ("person", "ethnicity", "1", "choice"),
    ("person", "ethnicity", "99", "choice"),
    ("person", "ethnicity", 1, "choice"),
    ("person", "ethnicity", None, "required"),
    ("person", "education", "phd", "choice"),
    ("person", "occupation", "农" * 31, "too_long"),
    ("person", "health", "sick", "choice"),
    ("person", "disability", "grade5", "choice"),
    ("person", "medical_insurance", "commercial", "choice"),
    ("person", "pension_insurance", "private", "choice"),
    ("person", "phone", "10086", "phone"),
    ("person", "status", "dead", "choice"),
    ("person", "status", None, "required"),
    ("income", "household_id", None, "required"),
    ("income", "household_id", "0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", "ref"),
    ("income", "year", 1989, "too_small"),
    ("income", "year", 2026, "after_current_year"),
    ("income", "year", 2024.0, "not_int"),
    ("income", "year", True, "not_int"),
    ("income", "year", "2024", "not_int"),
    ("income", "year", None, "required"),
    ("income", "source", "salary", "choice"),
    ("income", "source", None, "required"),
    ("income", "amount_fen", -1, "too_small"),
    ("income", "amount_fen", 100_000_000_01, "too_large"),
    ("income", "amount_fen", 12.5, "not_int"),
    ("income", "amount_fen", 1200.0, "not_int"),
    ("income", "amount_fen", True, "not_int"),
    ("income", "amount_fen", "1200", "not_int"),
    ("income", "amount_fen", None, "required"),
    ("income", "note", "注" * 201, "too_long"),
    ("income", "note", "a\x07b", "control_chars"),
    ("service", "person_id", "abc", "ref"),
    ("service", "household_id", "abc", "ref"),
    ("service", "type", "visit", "choice"),
    ("service", "type", None, "required"),
    ("service", "date", "2025-06-16", "future"),
    ("service", "date", "2025-13-01", "not_date"),
    ("service", "date", "2025-06-15T10:00", "not_date"),
    ("service", "date", None, "required"),
    ("service", "amount_fen", -5, "too_small"),
    ("service", "amount_fen", 1.5, "not_int"),
    ("service", "provider", "院" * 51, "too_long"),
    ("service", "note", "注" * 201, "too_long"),
]


@pytest.mark.parametrize(("entity", "name", "value", "code"), BAD, ids=[f"{b[0]}.{b[1]}-{b[3]}" for b in BAD])
def test_bad_value_is_reported(forms: Forms, entity: str, name: str, value: Any, code: str) -> None:
    record = good(entity) | {name: value}
    problems = forms.validate(entity, record, today=TODAY)
    assert codes(problems) == {(name, code)}
    (problem,) = problems
    assert isinstance(problem, Problem)
    assert problem.zh and problem.en and problem.zh != problem.en
    text = str(value)
    if len(text) >= 3:
        assert text not in problem.zh and text not in problem.en


def test_messages_do_not_depend_on_the_value(forms: Forms) -> None:
    # Same field and code, different bad values -> the very same message: nothing of the value leaks.
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    repeated = 0
    for entity, name, value, _code in BAD:
        for p in forms.validate(entity, good(entity) | {name: value}, today=TODAY):
            key = (entity, p.field, p.code)
            if key in seen:
                repeated += 1
                assert seen[key] == (p.zh, p.en), key
            seen[key] = (p.zh, p.en)
    assert repeated >= 20


GOOD = [
    ("household", "household_no", "1"),
    ("household", "household_no", "A-12-b"),
    ("household", "household_no", "9" * 20),
    ("household", "head_name", "王" * 30),
    ("household", "head_name", "阿卜杜热合曼·买买提"),
    ("household", "address", "村" * 100),
    ("household", "phone", None),
    ("household", "phone", "13912345678"),
    ("household", "phone", "19912345678"),
    ("household", "phone", "037162345678"),
    ("household", "phone", "010-12345678"),
    ("household", "phone", "0898-1234567"),
    ("household", "category", "ordinary"),
    ("household", "category", "monitored"),
    ("household", "category", "extreme_poverty"),
    ("household", "category", "lifted"),
    ("household", "status", "dissolved"),
    ("person", "name", "张"),
    ("person", "name", "张" * 30),
    ("person", "relation", "child_in_law"),
    ("person", "ethnicity", "56"),
    ("person", "ethnicity", "97"),
    ("person", "ethnicity", "98"),
    ("person", "education", None),
    ("person", "education", "postgraduate"),
    ("person", "occupation", None),
    ("person", "health", None),
    ("person", "disability", "grade4"),
    ("person", "medical_insurance", "none"),
    ("person", "pension_insurance", "employee"),
    ("person", "phone", None),
    ("person", "status", "deceased"),
    ("income", "year", 1990),
    ("income", "year", 2025),
    ("income", "amount_fen", 0),
    ("income", "amount_fen", 100_000_000_00),
    ("income", "source", "transfers"),
    ("income", "note", None),
    ("income", "note", "注" * 200),
    ("income", "note", "第一行\n第二行\t制表"),
    ("service", "date", "2025-06-15"),
    ("service", "date", "1900-01-01"),
    ("service", "date", "2024-02-29"),
    ("service", "amount_fen", 0),
    ("service", "amount_fen", 150_000),
    ("service", "provider", "院" * 50),
    ("service", "person_id", PERSON_ID),
    ("service", "type", "elderly_care_visit"),
]


@pytest.mark.parametrize(
    ("entity", "name", "value"), GOOD, ids=[f"{g[0]}.{g[1]}-{i}" for i, g in enumerate(GOOD)]
)
def test_good_value_passes(forms: Forms, entity: str, name: str, value: Any) -> None:
    assert forms.validate(entity, good(entity) | {name: value}, today=TODAY) == []


@pytest.mark.parametrize("entity", CONTRACT_FIELDS)
def test_good_records_pass(forms: Forms, entity: str) -> None:
    assert forms.validate(entity, good(entity), today=TODAY) == []
    minimal = {
        f.name: v for f in forms[entity].fields if (v := good(entity)[f.name]) is not None and f.required
    }
    if entity == "service":
        minimal["household_id"] = HOUSEHOLD_ID
    assert forms.validate(entity, minimal, today=TODAY) == []


def test_person_with_a_valid_id_of_each_kind(forms: Forms) -> None:
    for number, birth, sex in [
        (RID_FEMALE_1990, "1990-03-07", "female"),
        ("11010519491231002X", "1949-12-31", "female"),
        (make_resident_id("460100", date(2000, 2, 29), 1), "2000-02-29", "male"),
    ]:
        record = good("person") | {"resident_id": number, "birth_date": birth, "sex": sex}
        assert forms.validate("person", record, today=TODAY) == []


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


# ---------------------------------------------------------------------------------------------------
# Speed: the server validates thousands of records a second; a per-call JSON load or regex compile
# would show up here as a hundredfold slowdown.


def test_validation_is_fast(forms: Forms) -> None:
    record = good("person") | {"id": uuid7(), "village_code": "410105001001"}
    assert forms.validate("person", record, today=TODAY) == []
    runs = 2000
    best = min(timeit.repeat(lambda: forms.validate("person", record, today=TODAY), number=runs, repeat=3))
    assert best / runs < 200e-6
