"""The laptop's Excel export: every list and the indicators, labelled, in yuan, ids as text, formula-like
input as text, logged without personal data, and no file but the one asked for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.excel_export import export_village
from desktop.storage import KdfParams, Store

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VILLAGE = "530102001001"
TRICKY = ["=1+1", "+8613800138000", "-5", "@SUM(A1)", "\t=cmd", '=HYPERLINK("http://x"&C2,"点此核对")']


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.vdd", "clerk", "green hills 2025", VILLAGE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


def _fill(store: Store) -> tuple[str, str]:
    from sync.resident_id import make_resident_id

    rid = make_resident_id("530102", date(1980, 5, 6), 13)  # may end in X for some seq; text either way
    hid = store.household.create({"household_no": "007", "head_name": "赵六", "address": TRICKY[5],
                                  "category": "monitored", "status": "active"})  # fmt: skip
    pid = store.person.create({"household_id": hid, "name": "赵六", "resident_id": rid, "relation": "head",
                               "sex": "male", "birth_date": "1980-05-06", "ethnicity": "01",
                               "medical_insurance": "resident", "status": "present",
                               "occupation": "=cmd|' /C calc'!A0"})  # fmt: skip
    for i, note in enumerate(TRICKY[:5]):
        store.income.create({"household_id": hid, "year": 2024, "source": "wages",
                             "amount_fen": 1_000_001 + i, "note": note})  # fmt: skip
    store.service.create({"household_id": hid, "person_id": pid, "type": "education_aid",
                          "date": "2024-09-01", "amount_fen": 50_000})  # fmt: skip
    return rid, hid


def test_every_list_and_the_indicators(store: Store, tmp_path: Path) -> None:
    rid, _hid = _fill(store)
    out = tmp_path / "chosen" / "村数据.xlsx"
    counts = export_village(store, out, year=2024, today=date(2025, 3, 1))
    assert counts == {"household": 1, "person": 1, "income": 5, "service": 1}
    assert sorted(p.name for p in out.parent.iterdir()) == ["村数据.xlsx"]  # no temp or side files

    book = load_workbook(out)
    assert book.sheetnames == [
        "家庭户",
        "家庭成员",
        "家庭收入",
        "公共服务",
        "指标",
        "人口年龄结构",
        "服务按月",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and UUID.search(cell.value))
    people = book["家庭成员"]
    header = [c.value for c in people[1]]
    assert header[:2] == ["户号", "户主姓名"]
    row = {h: c for h, c in zip(header, people[2], strict=True)}
    assert (
        row["户号"].value == "007"
        and row["与户主关系"].value == "户主"
        and row["医疗保险"].value == "城乡居民医保"
    )
    assert row["公民身份号码"].value == rid and row["公民身份号码"].data_type == "s"
    assert row["职业"].value == "=cmd|' /C calc'!A0" and row["职业"].data_type == "s"

    income = book["家庭收入"]
    header = [c.value for c in income[1]]
    notes = [r[header.index("备注")] for r in income.iter_rows(min_row=2)]
    assert all(c.data_type == "s" and c.quotePrefix for c in notes)
    amounts = [r[header.index("金额（元）")].value for r in income.iter_rows(min_row=2)]
    # Records made in the same millisecond have no set order (UUIDv7): compare the rows as pairs.
    assert sorted(zip(amounts, (c.value for c in notes), strict=True)) == [
        (a, t.strip())
        for a, t in zip((10_000.01, 10_000.02, 10_000.03, 10_000.04, 10_000.05), TRICKY[:5], strict=True)
    ]
    assert {r[header.index("收入来源")].value for r in income.iter_rows(min_row=2)} == {"工资性收入"}
    service = dict(zip(*list(book["公共服务"].iter_rows(values_only=True)), strict=True))
    assert (
        service["服务对象"] == "赵六" and service["服务类型"] == "教育资助" and service["金额（元）"] == 500
    )

    figures = {r[1]: r for r in book["指标"].iter_rows(min_row=2, values_only=True)}
    assert figures["人均可支配收入（均值）"][3] == 50_000.15  # 5,000,015 fen for one person
    assert figures["监测户"][2] == 1
    ages = list(book["人口年龄结构"].iter_rows(values_only=True))
    assert ages[0] == ("年龄组", "男", "女") and ("40-44岁", 1, 0) in ages
    months = list(book["服务按月"].iter_rows(values_only=True))
    assert months[0][:2] == ("服务类型", "1月") and months[1] == ("教育资助", *([0] * 8), 1, 0, 0, 0, 1)


def test_the_export_is_logged_without_personal_data(store: Store, tmp_path: Path) -> None:
    rid, _ = _fill(store)
    export_village(store, tmp_path / "out", year=2024)
    assert (tmp_path / "out.xlsx").exists()
    rows = store.db.query("SELECT user, action, detail FROM audit_log WHERE action = 'excel_export'")
    assert rows == [("clerk", "excel_export", "household 1, person 1, income 5, service 1")]
    assert rid not in rows[0][2] and "赵六" not in rows[0][2]


def test_an_empty_village_still_exports(store: Store, tmp_path: Path) -> None:
    export_village(store, tmp_path / "empty.xlsx", year=2024)
    book = load_workbook(tmp_path / "empty.xlsx")
    assert [c.value for c in book["家庭户"][1]][:2] == ["户号", "户主姓名"]
    assert book["家庭户"].max_row == 1


def test_the_indicator_sheet_accounts_for_every_income_record(store: Store, tmp_path: Path) -> None:
    from tests.acceptance.test_indicators_hand_worked import YEAR, enter_the_village

    enter_the_village(store)
    out = tmp_path / "hand.xlsx"
    export_village(store, out, year=YEAR)
    sheet = list(load_workbook(out)["指标"].iter_rows(min_row=2, values_only=True))
    notes = [r[1] for r in sheet if r[0] == "说明"]
    assert notes[0].startswith("人口、年龄、参保资格和户人口按 ")
    assert notes[1].startswith(f"{YEAR} 年收入记录 8 条，合计 -1,580.00 元：计入收入数字 4 条 -2,300.00 元")
    assert notes[2] == "收入数字只含 2 / 4 户（50.0%），低于 80%：这些数字不代表全村。"
    rows = {r[1]: r for r in sheet}
    # (section, indicator, count, yuan, share, number)
    assert rows["收入覆盖率（2/4 户有当年收入）（覆盖率低）"][4] == 0.5
    assert rows["人均可支配收入（均值）（覆盖率低）"][3] == -766.67
    assert rows["当年收入记录（条）"][2] == 8 and rows["当年收入记录金额"][3] == -1_580
    assert rows["计入收入数字的记录（条）"][2] == 4 and rows["计入收入数字的金额"][3] == -2_300
    left = {k: v for k, v in rows.items() if k and k.startswith("未计入收入：")}
    assert {k: v[2] if v[2] is not None else v[3] for k, v in left.items()} == {
        "未计入收入：家庭户无在册成员（条）": 1, "未计入收入：家庭户无在册成员（金额）": 300,
        "未计入收入：家庭户已迁出（条）": 1, "未计入收入：家庭户已迁出（金额）": 400,
        "未计入收入：家庭户已销户（条）": 1, "未计入收入：家庭户已销户（金额）": -50,
        "未计入收入：家庭户已删除或不存在（条）": 1, "未计入收入：家庭户已删除或不存在（金额）": 70,
    }  # fmt: skip
    assert all(v[0] == "数据质量" for v in left.values())
    # -2,300 + 300 + 400 - 50 + 70 = -1,580: every yuan of the year accounted for
    assert rows["计入收入数字的金额"][3] + sum(v[3] for v in left.values() if v[3] is not None) == -1_580
