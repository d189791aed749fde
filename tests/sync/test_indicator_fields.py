"""Fields a published form marks for the indicators (issue 17): a select_one counted per choice, a
number or money field summed and averaged, over the same records as the other figures (active
households, persons present), with every value of a live record accounted for. Hand-worked sets."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sync import form_versions as fv
from sync.form_rules import FormError
from sync.form_workbook import document_from_workbook, read_workbook
from sync.indicator_labels import figures, format_value
from sync.indicators import compute
from sync.schema import Forms
from tests.sync.form_workbooks import write_workbook

TODAY = date(2025, 6, 1)
HID = "0190f5a0-0000-7000-8000-0000000000{:02d}"
DOCTOR = [{"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}},
          {"value": "not_signed", "label": {"zh_CN": "未签约", "en": "Not signed"}}]  # fmt: skip


def version(*changes: tuple[str, dict[str, Any]], number: int = 2) -> dict[str, Any]:
    doc = copy.deepcopy(fv.builtin_document())
    doc["version"] = number
    for entity, field in changes:
        next(f for f in doc["forms"] if f["entity"] == entity)["fields"].append(field)
    return doc


def field(name: str, kind: str, zh: str, en: str, indicator: str | None, **more: Any) -> dict[str, Any]:
    out = {"name": name, "type": kind, "label": {"zh_CN": zh, "en": en}, **more}
    return {**out, "indicator": indicator} if indicator else out


V2 = version(
    ("household", field("family_doctor", "choice", "家庭医生签约", "Family doctor contract", "count",
                        choices=DOCTOR)),
    ("household", field("members_away", "int", "外出务工人数", "Members working away", "sum")),
    ("person", field("subsidy", "money", "个人补贴", "Personal subsidy", "sum")),
    ("person", field("hobby", "choice", "爱好", "Hobby", None, choices=DOCTOR)),  # not marked: not counted
)  # fmt: skip


def _hh(n: int, status: str = "active", **more: Any) -> dict[str, Any]:
    return {"id": HID.format(n), "household_no": f"{n:03d}", "head_name": "某", "address": "一组",
            "category": "ordinary", "status": status, **more}  # fmt: skip


def _p(n: int, household: int, status: str = "present", **more: Any) -> dict[str, Any]:
    return {"id": f"p{n}", "household_id": HID.format(household), "name": "某", "resident_id": "X",
            "relation": "other", "sex": "male", "birth_date": "1980-01-01", "ethnicity": "01",
            "status": status, **more}  # fmt: skip


HOUSEHOLDS = [
    _hh(1, family_doctor="signed", members_away=1),
    _hh(2, family_doctor="signed", members_away=2),
    _hh(3),  # neither answered
    _hh(4, family_doctor="not_signed", members_away=0),
    _hh(5, "moved_out", family_doctor="signed", members_away=5),  # not active: left out, with its 5
    _hh(6, family_doctor="retired_choice"),  # a value the list no longer has: counted under itself
]
PERSONS = [
    _p(1, 1, subsidy=100_050), _p(2, 1, subsidy=0), _p(3, 2),
    _p(4, 2, "moved_out", subsidy=999), _p(5, 4, "deceased", subsidy=1),
]  # fmt: skip


@pytest.fixture(scope="module")
def forms() -> Forms:
    return fv.forms_of(V2)


def result(forms: Forms) -> dict[str, Any]:
    return compute(HOUSEHOLDS, PERSONS, [], [], year=2024, today=TODAY, forms=forms)


def test_a_marked_choice_field_is_counted_per_choice_over_active_households(forms: Forms) -> None:
    fields = {(f["entity"], f["field"]): f for f in result(forms)["form_fields"]}
    assert set(fields) == {
        ("household", "family_doctor"),
        ("household", "members_away"),
        ("person", "subsidy"),
    }
    doctor = fields["household", "family_doctor"]
    assert doctor["kind"] == "count" and doctor["records"] == 5  # households 1-4 and 6 are active
    assert doctor["by_choice"] == {"signed": 2, "not_signed": 1, "retired_choice": 1}
    assert doctor["unanswered"] == 1
    assert sum(doctor["by_choice"].values()) + doctor["unanswered"] == doctor["records"]
    assert doctor["left_out"] == {"records": 1}  # household 5, moved out, answered
    assert doctor["label"] == {"zh_CN": "家庭医生签约", "en": "Family doctor contract"}
    assert doctor["choice_labels"]["signed"] == {"zh_CN": "已签约", "en": "Signed"}


def test_a_marked_number_is_summed_and_averaged_and_every_yuan_accounted_for(forms: Forms) -> None:
    fields = {(f["entity"], f["field"]): f for f in result(forms)["form_fields"]}
    away = fields["household", "members_away"]
    # Active households 1, 2, 4 answered 1 + 2 + 0; 3 and 6 did not; 5 (moved out, 5) is left out.
    assert (away["records"], away["answered"], away["unanswered"]) == (5, 3, 2)
    assert (away["sum"], away["mean"], away["type"]) == (3, 1.0, "int")
    assert away["left_out"] == {"records": 1, "sum": 5}
    subsidy = fields["person", "subsidy"]
    # Present persons 1, 2, 3: 100,050 + 0 fen, one unanswered; mean over the two answered = 50,025 fen.
    assert (subsidy["records"], subsidy["answered"], subsidy["sum"], subsidy["mean"]) == (
        3,
        2,
        100_050,
        50_025,
    )
    assert subsidy["left_out"] == {"records": 2, "sum": 1_000}  # moved out 999 + deceased 1
    every = sum(p.get("subsidy") or 0 for p in PERSONS)
    assert subsidy["sum"] + subsidy["left_out"]["sum"] == every  # every fen of every live record


def test_the_figures_carry_their_own_labels_so_a_desk_with_older_forms_shows_them(forms: Forms) -> None:
    shown = {
        f.label: f for f in figures(result(forms), "zh_CN")
    }  # the built-in forms: labels from the result
    assert format_value(shown["家庭医生签约：已签约"]) == "2"
    assert format_value(shown["家庭医生签约：未填写"]) == "1"
    assert format_value(shown["个人补贴（合计）"]) == "1,000.50 元"
    assert format_value(shown["个人补贴（平均，2 人填写）"]) == "500.25 元"
    assert format_value(shown["个人补贴：不在册人员的记录（未计入，2 人）"]) == "10.00 元"
    assert format_value(shown["外出务工人数（合计）"]) == "3"
    assert format_value(shown["外出务工人数（平均，3 户填写）"]) == "1.00"
    english = {f.label for f in figures(result(forms), "en")}
    assert "Family doctor contract: Signed" in english
    # No marked field: no section (the figures of the built-in forms are as they were).
    plain = compute(HOUSEHOLDS, PERSONS, [], [], year=2024, today=TODAY)
    assert plain["form_fields"] == [] and not any(f.key.startswith("form_fields") for f in figures(plain))


def test_a_removed_field_is_no_longer_counted(forms: Forms) -> None:
    v3 = copy.deepcopy(V2)
    v3["version"] = 3
    household = next(f for f in v3["forms"] if f["entity"] == "household")
    household["fields"] = [f for f in household["fields"] if f["name"] != "family_doctor"]
    hidden = fv.effective_forms([fv.builtin_document(), V2, v3])
    assert hidden["household"].field("family_doctor").hidden
    names = [f["field"] for f in compute(HOUSEHOLDS, PERSONS, [], [], year=2024, today=TODAY,
                                         forms=hidden)["form_fields"]]  # fmt: skip
    assert "family_doctor" not in names and "members_away" in names


@pytest.mark.parametrize(
    ("entity", "made", "words"),
    [
        ("household", field("x", "int", "甲", "X", "count"), "count is for a select_one field"),
        ("household", field("x", "text", "甲", "X", "sum"), "sum is for an integer or money field"),
        ("household", field("x", "int", "甲", "X", "average"), "indicator is count or sum"),
        ("income", field("x", "int", "甲", "X", "sum"), "only household and person fields"),
    ],
)
def test_a_mark_the_indicators_cannot_use_is_refused(entity: str, made: dict[str, Any], words: str) -> None:
    found = fv.problems(version((entity, made)))
    assert any(words in p for p in found), found


def test_the_workbook_marks_fields_in_an_indicator_column(tmp_path: Path) -> None:
    def change(survey: list[list[Any]], choices: list[list[Any]]) -> None:
        survey.append(["select_one family_doctor", "family_doctor", "家庭医生签约", "Family doctor", "no",
                       None, None, None, None, "count"])  # fmt: skip
        survey.append(["integer", "members_away", "外出务工人数", "Away", "no", 0, 20, None, None, "sum"])
        survey.append(["integer", "rooms", "住房间数", "Rooms", "no", 0, 20, None, None, "tally"])
        choices += [["family_doctor", c["value"], c["label"]["zh_CN"], c["label"]["en"]] for c in DOCTOR]

    from sync.form_workbook import WorkbookProblems

    path = write_workbook(tmp_path / "h.xlsx", "household", 2, change, extra_columns=("indicator",))
    book = read_workbook(path)
    try:
        with pytest.raises(WorkbookProblems) as caught:
            document_from_workbook(book, fv.builtin_document())
    finally:
        book.close()
    assert any("column indicator: write count, sum or leave it empty" in p for p in caught.value.problems)

    def fixed(survey: list[list[Any]], choices: list[list[Any]]) -> None:
        change(survey, choices)
        survey[-1][-1] = None

    book = read_workbook(
        write_workbook(tmp_path / "h2.xlsx", "household", 2, fixed, extra_columns=("indicator",))
    )
    try:
        doc = document_from_workbook(book, fv.builtin_document())
    finally:
        book.close()
    assert fv.problems(doc) == []
    form = fv.forms_of(doc)["household"]
    assert form.field("family_doctor").indicator == "count" and form.field("members_away").indicator == "sum"
    assert form.field("rooms").indicator is None and form.field("category").indicator is None


def test_a_form_error_names_the_field() -> None:
    with pytest.raises(FormError, match=r"household\.x"):
        fv.forms_of(version(("household", field("x", "int", "甲", "X", "count"))))


def test_a_workbook_marking_an_income_field_names_the_row(tmp_path: Path) -> None:
    from sync.form_workbook import WorkbookProblems

    def change(survey: list[list[Any]], choices: list[list[Any]]) -> None:
        survey.append(["integer", "helpers", "帮工人数", "Helpers", "no", None, None, None, None, "sum"])

    book = read_workbook(
        write_workbook(tmp_path / "i.xlsx", "income", 2, change, extra_columns=("indicator",))
    )
    try:
        with pytest.raises(WorkbookProblems) as caught:
            document_from_workbook(book, fv.builtin_document())
    finally:
        book.close()
    assert caught.value.problems == [
        "survey sheet, row 7, column indicator: the indicators count only household and person fields"
    ]
