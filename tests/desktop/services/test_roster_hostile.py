"""Hostile workbooks at the roster import (issue 15): each one is refused before openpyxl spends
hours or gigabytes on it, with a reason in plain words, and nothing is read. The files are built
by hand with zipfile, as an attacker (or a broken exporter) would."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.services import roster_import as ri
from sync import xlsx_guard

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>
</Relationships>"""
SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>户号</t></si></sst>"""


def by_hand(path: Path, sheet: str | bytes, strings: str = STRINGS, **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in extra.items():
            z.writestr(name, data)
    return path


def rows_xml(*rows: str, dimension: str = "A1:B2") -> str:
    return f'{SHEET_HEAD}<dimension ref="{dimension}"/><sheetData>{"".join(rows)}</sheetData></worksheet>'


def test_a_hand_made_file_within_the_limits_reads(tmp_path: Path) -> None:
    sheet = rows_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', '<row r="2"><c r="A2"><v>7</v></c></row>'
    )
    roster = ri.read_roster(by_hand(tmp_path / "ok.xlsx", sheet))
    assert roster.headers == ["户号"] and [n for n, _ in roster.rows] == [2]


def test_a_sheet_declaring_every_cell_of_excel_is_refused_at_once(tmp_path: Path) -> None:
    # 1.5 KB: rows 1 and 1,048,576, the dimension A1:XFD1048576. openpyxl would pad each row to
    # 16,384 cells and walk a million rows.
    sheet = rows_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1"><v>1</v></c></row>',
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
        dimension="A1:XFD1048576",
    )
    path = by_hand(tmp_path / "huge.xlsx", sheet)
    assert path.stat().st_size < 2000
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(path)
    assert "1048576" in caught.value.zh.replace(",", "") or "16384" in caught.value.zh.replace(",", "")


def test_only_the_dimension_is_huge(tmp_path: Path) -> None:
    # A lying dimension alone is harmless: the rows are read as they are.
    sheet = rows_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        '<row r="2"><c r="A2"><v>5</v></c></row>',
        dimension="A1:XFD1048576",
    )
    roster = ri.read_roster(by_hand(tmp_path / "dim.xlsx", sheet))
    assert [n for n, _ in roster.rows] == [2] and len(roster.rows[0][1]) == 1


def test_too_many_columns_are_refused(tmp_path: Path) -> None:
    sheet = rows_xml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="ZZ1"><v>1</v></c></row>')
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(by_hand(tmp_path / "wide.xlsx", sheet))
    assert "列" in caught.value.zh and "column" in caught.value.en


def test_too_many_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_ROWS", 50)
    rows = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 60)]
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(by_hand(tmp_path / "long.xlsx", rows_xml(*rows)))
    assert "50" in caught.value.zh and "rows" in caught.value.en


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    # A few hundred KB that inflate to 400 MB of padding in the sheet.
    path = tmp_path / "bomb.xlsx"
    by_hand(path, rows_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/media/pad.xml", "w") as f:
        block = b" " * (1 << 20)
        for _ in range(400):
            f.write(block)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(path)
    assert "压缩" in caught.value.zh


def test_a_file_too_large_to_be_a_roster_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_guard, "MAX_FILE_BYTES", 1000)
    path = by_hand(
        tmp_path / "big.xlsx", rows_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), extra=b"x" * 5000
    )
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(path)
    assert "太大" in caught.value.zh


def test_billion_laughs_in_the_shared_strings_is_refused_in_plain_words(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "hahahahahahahahahaha">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&j;</t></si></sst>'
    )
    path = by_hand(
        tmp_path / "laughs.xlsx", rows_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings=laughs
    )
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(path)
    assert "DOCTYPE" in caught.value.en


def test_a_damaged_sheet_is_said_in_plain_words(tmp_path: Path) -> None:
    path = by_hand(tmp_path / "broken.xlsx", SHEET_HEAD + "<sheetData><row r='1'><c r='A1'><v>1</v></c>")
    with pytest.raises(ri.ImportRefused) as caught:
        ri.read_roster(path)
    assert "损坏" in caught.value.zh


def test_the_first_visible_sheet_is_read_not_a_hidden_one(tmp_path: Path) -> None:
    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "旧名单"
    hidden.append(["户号*", "姓名*"])
    hidden.append(["999", "不该导入"])
    hidden.sheet_state = "hidden"
    visible = book.create_sheet("花名册")
    visible.append(["户号*", "姓名*"])
    visible.append(["001", "张三"])
    book.active = 1
    path = tmp_path / "two.xlsx"
    book.save(path)
    roster = ri.read_roster(path)
    assert [c.value for c in roster.rows[0][1]] == ["001", "张三"]


def test_reading_can_be_cancelled(tmp_path: Path) -> None:
    rows = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 5001)]
    path = by_hand(tmp_path / "many.xlsx", rows_xml(*rows))
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, _total: int) -> None:
        seen.append(done)
        stop.set()

    with pytest.raises(ri.ImportCancelled):
        ri.read_roster(path, progress=progress, cancelled=stop.is_set)
    assert seen
