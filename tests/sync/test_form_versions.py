"""Forms as data (issue 17): a workbook read into a form version, every problem named by sheet, row
and column; core fields kept; signed by the county key and refused by a laptop when it is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sync import form_versions as fv
from sync.form_workbook import WorkbookProblems, document_from_workbook, read_workbook
from sync.provisioning import generate_signing_keypair
from sync.schema import load_forms
from tests.sync.form_workbooks import v2_household, write_workbook

PASS = b"county signing key 1"


def read(path: Path) -> dict[str, Any]:
    book = read_workbook(path)
    try:
        return document_from_workbook(book, fv.builtin_document())
    finally:
        book.close()


def test_the_issue_v2_workbook_reads_into_a_version_that_can_be_published(tmp_path: Path) -> None:
    doc = read(write_workbook(tmp_path / "v2.xlsx", "household", 2, v2_household))
    assert fv.problems(doc) == []
    forms = fv.forms_of(doc)
    assert forms["household"].field("family_doctor").choice_label("signed") == "已签约"
    assert forms["household"].field("members_away").required
    assert "relapse_risk" in [c.value for c in forms["household"].field("category").choices]
    assert "phone" not in forms["household"].field_names
    # Kept from version 1 where the workbook says nothing: patterns, hints, the form's rules.
    assert (
        forms["household"].field("household_no").pattern
        == load_forms()["household"].field("household_no").pattern
    )
    assert forms["person"].rules == load_forms()["person"].rules
    assert fv.diff(fv.builtin_document(), doc) == [  # and nothing else changed by the round trip
        "+ household.category choice relapse_risk: 防返贫监测户",
        "+ household.family_doctor (choice): 家庭医生签约",
        "+ household.members_away (int, required): 外出务工人数",
        "- household.phone (hidden on laptops; its values are kept)",
    ]


def test_every_workbook_problem_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    def spoil(survey: list[list[Any]], choices: list[list[Any]]) -> None:
        survey.append(["select_one nowhere", "x1", "某项", "Something", "no"])  # row of its own
        survey.append(["decimal", "x2", "某项", "Something", "no"])
        survey.append(["text", "x3", "", "Something", "maybe"])
        survey.append(["integer", "x4", "某项", "Something", "no", "few", None, ". > ${a}", "${a} = 1"])
        choices.append(["category", "", "空", "Empty"])

    path = write_workbook(tmp_path / "bad.xlsx", "household", "two", spoil)
    with pytest.raises(WorkbookProblems) as caught:
        read(path)
    text = "\n".join(caught.value.problems)
    for expected in (
        "settings sheet, row 2, column version: the version is a whole number",
        "column type: the choice list 'nowhere' is not on the choices sheet",
        "column type: 'decimal' is not a type these forms have",
        "column label::zh_CN: empty",
        "column required: write yes or no",
        "column min: 'few' is not a limit for a integer field",
        "column constraint: '. > ${a}' compares with another field",
        "column relevant: skip conditions are not something these forms can say",
        "column name: empty",
    ):
        assert expected in text, expected
    assert "survey sheet, row " in text and "choices sheet, row " in text


def test_core_fields_cannot_be_removed_or_retyped(tmp_path: Path) -> None:
    def drop_core(survey: list[list[Any]], choices: list[list[Any]]) -> None:
        survey[:] = [r for r in survey if r[1] not in ("sex", "birth_date")]
        for r in survey:
            if r[1] == "relation":
                r[0] = "text"

    doc = read(write_workbook(tmp_path / "core.xlsx", "person", 2, drop_core))
    found = fv.problems(doc)
    assert "person.sex is a core field and cannot be removed" in found
    assert "person.birth_date is a core field and cannot be removed" in found
    assert "person.relation is a core field and cannot change type (choice -> text)" in found


def test_a_version_must_be_newer_and_choices_stay(tmp_path: Path) -> None:
    def drop_choice(survey: list[list[Any]], choices: list[list[Any]]) -> None:
        choices[:] = [c for c in choices if c[1] != "low_income"]

    doc = read(write_workbook(tmp_path / "old.xlsx", "household", 1, drop_choice))
    found = fv.problems(doc)
    assert any("is not newer than the version in use (1)" in p for p in found)
    assert any("choice low_income cannot be removed" in p for p in found)


def test_signed_by_the_county_key_taken_otherwise_refused(tmp_path: Path) -> None:
    private, _ = generate_signing_keypair(PASS)
    other, _ = generate_signing_keypair(PASS)
    doc = read(write_workbook(tmp_path / "v2.xlsx", "household", 2, v2_household))
    signed = fv.sign(doc, private, PASS)
    county_key = signed["signature"]["key"]
    assert "family_doctor" in fv.verify(signed, county_key)["household"].field_names
    tampered = json.loads(json.dumps(signed))
    tampered["forms"][0]["fields"][0]["label"]["zh_CN"] = "改过"
    cases = {
        "unsigned": doc,
        "signature": tampered,
        "signer": fv.sign(doc, other, PASS),
    }
    for reason, document in cases.items():
        with pytest.raises(fv.FormVersionRefused) as caught:
            fv.verify(document, county_key)
        assert caught.value.reason == reason and "keeps the forms it has" in caught.value.en
    with pytest.raises(fv.FormVersionRefused) as caught:
        fv.verify(signed, None)
    assert caught.value.reason == "no_key"


def test_a_removed_field_is_kept_hidden_with_its_values(tmp_path: Path) -> None:
    doc = read(write_workbook(tmp_path / "v2.xlsx", "household", 2, v2_household))
    forms = fv.effective_forms([fv.builtin_document(), doc])
    phone = forms["household"].field("phone")
    assert phone.hidden and not phone.required and phone.type == "phone"
    record = {"household_no": "0001", "head_name": "张三", "address": "一组", "category": "ordinary",
              "status": "active", "members_away": 1, "phone": "13812345678"}  # fmt: skip
    assert forms.validate("household", record) == []
