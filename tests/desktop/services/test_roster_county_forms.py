"""The roster template and import follow the county's forms (issue 17): a new field is a column
(its choices in the drop-down), a removed field is no longer asked for in the template, and a
roster that still has the removed field's column keeps its values (hidden, never dropped)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from desktop.services import roster_import as ri
from desktop.services.roster_template import write_template
from desktop.storage import KdfParams, Store
from sync import form_versions as fv
from sync.resident_id import make_resident_id

VILLAGE = "530102001001"


def version_2() -> dict[str, Any]:
    doc = copy.deepcopy(fv.builtin_document())
    doc["version"] = 2
    forms = {f["entity"]: f for f in doc["forms"]}
    forms["household"]["fields"].append(
        {"name": "family_doctor", "type": "choice", "label": {"zh_CN": "家庭医生签约", "en": "Family doctor"},
         "choices": [{"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}},
                     {"value": "not_signed", "label": {"zh_CN": "未签约", "en": "Not signed"}}]}
    )  # fmt: skip
    forms["person"]["fields"] = [f for f in forms["person"]["fields"] if f["name"] != "occupation"]
    return doc


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.vdd", "clerk", "green hills 2025", VILLAGE, kdf=KdfParams.fast_for_tests())
    s.take_forms(version_2())
    yield s
    s.close()


def test_the_template_asks_for_the_new_field_not_the_removed_one(store: Store, tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx", store.forms)
    book = load_workbook(tmp_path / "t.xlsx", read_only=True)
    header = [c for r in book["花名册"].iter_rows(values_only=True, max_row=1) for c in r]
    options = [c for r in book["选项"].iter_rows(values_only=True) for c in r if c]
    book.close()
    assert "家庭医生签约" in header and "职业" not in header
    assert "已签约" in options


def test_a_roster_with_the_removed_fields_column_keeps_its_values(store: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["户号*", "户主姓名*", "家庭住址*", "家庭类别*", "家庭医生签约", "姓名*", "公民身份号码*",
                  "与户主关系*", "民族*", "职业"])  # fmt: skip
    sheet.append(["0001", "张三", "一组", "一般户", "已签约", "张三",
                  make_resident_id("530102", date(1953, 2, 19), 2), "户主", "汉族", "木匠"])  # fmt: skip
    book.save(tmp_path / "r.xlsx")
    roster = ri.read_roster(tmp_path / "r.xlsx")
    plan = ri.check(store, roster, ri.guess_mapping(store.forms, roster.headers))
    assert plan.problems == [] and plan.ok
    assert ri.commit(store, plan) == {"household": 1, "person": 1}
    assert next(store.household.iter_all())["family_doctor"] == "signed"
    assert next(store.person.iter_all())["occupation"] == "木匠"  # typed, so kept (hidden)
