"""Forms: the JSON definitions and every field rule, good and bad values."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync.form_rules import FormError
from sync.protocol import Problem
from sync.resident_id import make_resident_id
from sync.resources import ENV_VAR, resources_dir
from sync.schema import Forms, load_forms
from tests.sync.schema_cases import (
    HOUSEHOLD_ID,
    PERSON_ID,
    RID_FEMALE_1990,
    RID_MALE_1965,
    TODAY,
    codes,
    good,
)


@pytest.fixture(scope="module")
def forms() -> Forms:
    return load_forms()


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
    assert (
        income.field("amount_fen").min == -100_000_000_00 and income.field("amount_fen").max == 100_000_000_00
    )
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
    # Hidden characters (issue 10, item 6): the right-to-left override shows "王五321" as "王五123";
    # zero-width ones make two equal-looking names different; ESC drives a terminal.
    ("household", "head_name", "王五\u202e321", "control_chars"),
    ("household", "head_name", "王\u2066五\u2069", "control_chars"),
    ("household", "head_name", "王\u200b五", "control_chars"),
    ("household", "head_name", "王\u200d五", "control_chars"),
    ("household", "head_name", "\ufeff王五", "control_chars"),
    ("household", "head_name", "王五\x1b[2J", "control_chars"),
    ("household", "head_name", "王五\x9b2J", "control_chars"),
    ("household", "address", "东村\u2028一组", "control_chars"),
    ("person", "name", "李\u00ad四", "control_chars"),
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
    ("income", "amount_fen", -1, "negative_wages"),  # the good record's source is wages
    ("income", "amount_fen", -100_000_000_01, "too_small"),
    ("income", "amount_fen", 100_000_000_01, "too_large"),
    ("income", "amount_fen", 12.5, "not_int"),
    ("income", "amount_fen", 1200.0, "not_int"),
    ("income", "amount_fen", True, "not_int"),
    ("income", "amount_fen", "1200", "not_int"),
    ("income", "amount_fen", None, "required"),
    ("income", "note", "注" * 201, "too_long"),
    ("income", "note", "a\x07b", "control_chars"),
    ("income", "note", "第一行\n\u202e第二行", "control_chars"),
    ("income", "note", "零宽\u200c字符", "control_chars"),
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
    # Private-use characters stay allowed: old registers encode rare name characters there.
    ("household", "head_name", "王\ue000"),
    ("person", "name", "阿依古丽·买买提"),  # a Uyghur name in Chinese letters, with the middle dot
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
