"""The township desk to Excel against the real county server: the work list, the decisions and the
indicators, every text a text cell (a value typed as a formula on a laptop stays text)."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from desktop.services.township.desk import TownshipService
from desktop.services.township.export import export_desk
from tests.desktop.ui.township.township_world import STAFF_PASSWORD, STAFF_USER, conflict_world


def test_work_list_history_and_indicators_to_excel_without_formulas(tmp_path) -> None:
    with conflict_world(tmp_path) as world:
        world.laptops[1].store.household.update(world.household, {"address": '=HYPERLINK("http://x")'})
        world.laptops[1].sync()
        desk = TownshipService(world.county.url, None, language="zh_CN")
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        try:
            items = desk.items().items
            first = next(i for i in items if i.kind == "field")
            desk.decide(first, "county", note="=1+1 核实")
            path = tmp_path / "desk.xlsx"
            counts = export_desk(
                path, desk, {"status": "open", "sort": "household"}, year=date.today().year - 1,
                line_fen=600000, lang="zh_CN",
            )  # fmt: skip
        finally:
            desk.close()
    assert counts["工作清单"] == len(items) - 1 and counts["处理记录"] == 1 and counts["各村指标"] >= 1
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["工作清单", "处理记录", "各村指标"]
    work = book["工作清单"]
    assert [c.value for c in work[1]][:3] == ["编号", "村", "记录"]
    numbers = {row[0].value for row in work.iter_rows(min_row=2)}
    assert {i.number for i in items if i.id != first.id} == numbers
    history = book["处理记录"]
    note = history.cell(row=2, column=9)
    assert note.value == "=1+1 核实" and note.data_type == "s"  # text, never a formula
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
