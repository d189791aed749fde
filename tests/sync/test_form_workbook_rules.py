"""A workbook's rules (issue 17): the XLSForm columns constraint, constraint_message, required,
required_message and relevant, read into what the forms can say (limits, lengths, a pattern, not
after today, a lower limit that depends on a choice, the form's own messages); anything else named by
sheet, row and column in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import form_versions as fv
from sync.form_workbook import WorkbookProblems, document_from_workbook, read_workbook
from sync.form_workbook_rules import RuleProblem, translate
from tests.sync.form_workbooks import SURVEY, write_workbook

EXTRA = (
    "constraint_message::zh_CN",
    "constraint_message::en",
    "required_message::zh_CN",
    "required_message::en",
)


def row(kind: str, name: str, zh: str, en: str, required: str = "no", **cells: Any) -> list[Any]:
    """A survey row with cells by column name (the helper's columns, then EXTRA)."""
    columns = [*SURVEY, *EXTRA]
    out: list[Any] = [kind, name, zh, en, required] + [None] * (len(columns) - 5)
    for column, value in cells.items():
        out[columns.index(column.replace("__", "::"))] = value
    return out


def read(path: Path) -> dict[str, Any]:
    book = read_workbook(path)
    try:
        return document_from_workbook(book, fv.builtin_document())
    finally:
        book.close()


def household(tmp_path: Path, *rows: list[Any], choices: tuple[list[Any], ...] = ()) -> dict[str, Any]:
    def change(survey: list[list[Any]], choice_rows: list[list[Any]]) -> None:
        survey.extend(rows)
        choice_rows.extend(choices)

    return read(write_workbook(tmp_path / "h.xlsx", "household", 2, change, extra_columns=EXTRA))


def problems_of(tmp_path: Path, *rows: list[Any]) -> str:
    with pytest.raises(WorkbookProblems) as caught:
        household(tmp_path, *rows)
    return "\n".join(caught.value.problems)


def test_limits_lengths_patterns_and_dates_become_the_fields_own_checks(tmp_path: Path) -> None:
    doc = household(
        tmp_path,
        row("integer", "children_in_school", "在校子女数", "Children in school",
            constraint=". >= 0 and . <= 10",
            constraint_message__zh_CN="在校子女数应在0到10之间", constraint_message__en="Between 0 and 10"),
        row("text", "bank_card", "社保卡号", "Social security card", constraint="string-length(.) = 19 and "
            "regex(., '^[0-9]+$')"),
        row("money", "subsidy", "补贴金额", "Subsidy", constraint=". > 0 and . <= 5000"),
        row("date", "signed_on", "签约日期", "Signed on",
            constraint=". >= date('2020-01-01') and . <= today()"),
        row("text", "nickname", "小名", "Nickname",
            constraint="string-length(.) <= 8 and string-length(.) >= 2", required="yes",
            required_message__zh_CN="请填写小名（没有就写“无”）",
            required_message__en="Fill in the nickname (write none if there is none)"),
    )  # fmt: skip
    assert fv.problems(doc) == []
    form = fv.forms_of(doc)["household"]
    children, card, subsidy = form.field("children_in_school"), form.field("bank_card"), form.field("subsidy")
    assert (children.min, children.max) == (0, 10)
    assert (card.min_length, card.max_length, card.pattern) == (19, 19, "^[0-9]+$")
    assert (subsidy.min, subsidy.max) == (1, 500000)  # fen: more than 0 yuan, at most 5,000 yuan
    signed = form.field("signed_on")
    assert (signed.min, signed.not_future) == ("2020-01-01", True)
    nickname = form.field("nickname")
    assert (nickname.min_length, nickname.max_length) == (2, 8)

    forms = fv.forms_of(doc)
    base = {"household_no": "0001", "head_name": "张三", "address": "一组", "category": "ordinary",
            "status": "active", "nickname": "小三"}  # fmt: skip
    assert forms.validate("household", base) == []
    found = forms.validate(
        "household",
        {**base, "children_in_school": 11, "bank_card": "12345678901234567x9", "subsidy": 0,
         "signed_on": "2019-12-31", "nickname": None},
    )  # fmt: skip
    by_field = {p.field: p for p in found}
    assert by_field["children_in_school"].zh == "在校子女数应在0到10之间"
    assert by_field["children_in_school"].en == "Between 0 and 10"
    assert by_field["bank_card"].code == "pattern"
    assert by_field["subsidy"].code == "too_small"
    assert by_field["signed_on"].code == "too_small"
    assert by_field["nickname"].zh == "请填写小名（没有就写“无”）"
    assert forms.validate("household", {**base, "signed_on": "2999-01-01"})[0].code == "future"


def test_an_unanchored_regex_is_found_anywhere_as_in_odk(tmp_path: Path) -> None:
    doc = household(tmp_path, row("text", "remark", "备注", "Remark", constraint="regex(., '[0-9]{3}')"))
    forms = fv.forms_of(doc)
    base = {"household_no": "0001", "head_name": "张三", "address": "一组", "category": "ordinary",
            "status": "active"}  # fmt: skip
    assert forms.validate("household", {**base, "remark": "门牌 123 号"}) == []
    assert forms.validate("household", {**base, "remark": "门牌 12 号"})[0].code == "pattern"


@pytest.mark.parametrize(
    "condition",
    [
        "${category} != 'low_income' or . >= 100",
        "not(selected(${category}, 'low_income')) or . >= 100",
        "if(${category} = 'low_income', . >= 100, true())",
        "if(selected(${category}, 'low_income'), . >= 100, true())",
    ],
)
def test_a_lower_limit_that_depends_on_a_choice_becomes_a_min_when_rule(
    tmp_path: Path, condition: str
) -> None:
    doc = household(
        tmp_path,
        row("money", "allowance", "低保金", "Allowance", constraint=condition,
            constraint_message__zh_CN="低保户的低保金不能少于100元",
            constraint_message__en="At least 100 yuan"),
    )  # fmt: skip
    assert fv.problems(doc) == []
    forms = fv.forms_of(doc)
    rule = next(r for r in forms["household"].rules if r["rule"] == "min_when")
    assert (
        rule["field"] == "allowance" and rule["min"] == 10000 and rule["when"] == {"category": "low_income"}
    )
    assert "+ household rule allowance >= 10000 when category = low_income" in fv.diff(
        fv.builtin_document(), doc
    )
    base = {"household_no": "0001", "head_name": "张三", "address": "一组", "status": "active"}
    low = forms.validate("household", {**base, "category": "low_income", "allowance": 5000})
    assert [(p.field, p.zh) for p in low] == [("allowance", "低保户的低保金不能少于100元")]
    assert forms.validate("household", {**base, "category": "ordinary", "allowance": 5000}) == []
    assert forms.validate("household", {**base, "category": "low_income", "allowance": 10000}) == []


def test_what_the_forms_cannot_say_is_named_by_row_and_column_in_plain_words(tmp_path: Path) -> None:
    text = problems_of(
        tmp_path,
        row("integer", "a1", "甲", "A1", relevant="${category} = 'low_income'"),  # row 8
        row("integer", "a2", "乙", "A2", constraint=". != 5"),
        row("integer", "a3", "丙", "A3", constraint=". >= ${a1}"),
        row("integer", "a4", "丁", "A4", constraint=". >= 1.5"),
        row("text", "a5", "戊", "A5", constraint=". <= 10"),
        row("integer", "a6", "己", "A6", constraint=". >="),
        row("integer", "a7", "庚", "A7", constraint="${nowhere} != 'x' or . >= 0"),
        row("integer", "a8", "辛", "A8", constraint="${category} != 'nothing' or . >= 0"),
        row("text", "a9", "壬", "A9", constraint="regex(., '[0-9')"),
        row("integer", "b1", "癸", "B1", min=0, constraint=". >= 5"),
        row("integer", "b2", "子", "B2", constraint="jr:choice-name(., 'x') = 'y'"),
        row("integer", "b3", "丑", "B3", required="${category} = 'low_income'"),
        row("date", "b4", "寅", "B4", constraint=". >= date(.)"),
    )
    first = 8  # the header, then the seven household fields the helper writes
    for offset, column, words in (
        (0, "relevant", "skip conditions"),
        (1, "constraint", "'. != 5'"),
        (2, "constraint", "compares with another field"),
        (3, "constraint", "'1.5' is not a whole number"),
        (4, "constraint", "a text field takes string-length(.) and regex"),
        (5, "constraint", "cannot be read"),
        (6, "constraint", "there is no field 'nowhere'"),
        (7, "constraint", "'nothing' is not a choice of category"),
        (8, "constraint", "not a pattern"),
        (9, "constraint", "the min column says 0"),
        (10, "constraint", "jr:choice-name"),
        (11, "required", "write yes or no"),
        (12, "constraint", "is not a date (write date('2020-01-01'))"),
    ):
        where = f"survey sheet, row {first + offset}, column {column}:"
        line = next((t for t in text.splitlines() if t.startswith(where)), None)
        assert line is not None, where
        assert words in line, (where, line)


def test_trivially_true_conditions_and_empty_cells_are_fine(tmp_path: Path) -> None:
    doc = household(
        tmp_path,
        row("integer", "c1", "甲", "C1", relevant="true()", constraint=""),
        row("integer", "c2", "乙", "C2", constraint="(. >= 0)"),
    )
    assert fv.problems(doc) == []
    assert fv.forms_of(doc)["household"].field("c2").min == 0


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([".", "${category}", "'low_income'", "5", "1.5", "-2", "(", ")", ",", "and", "or",
                         ">=", "<", "=", "!=", "not", "selected", "if", "true()", "today()", "date",
                         "string-length", "regex", "'^[0-9]+$'", "'2020-01-01'", "${nowhere}", "x"]),
        max_size=12,
    ),
    st.sampled_from(["int", "money", "date", "text", "choice", "phone"]),
)  # fmt: skip
def test_any_constraint_is_read_or_named_as_a_problem_never_a_crash(words: list[str], kind: str) -> None:
    fields = {"category": {"name": "category", "type": "choice", "choices": [{"value": "low_income"}]}}
    try:
        translate(" ".join(words), kind, kind, fields)
    except RuleProblem as exc:
        assert str(exc)
