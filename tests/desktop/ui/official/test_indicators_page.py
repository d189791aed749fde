"""The Indicators page on a real encrypted store: figures computed off the UI thread, charts drawn in
Chinese at 1366x768, the printed report (no personal data in it), the Excel export and the Excel page."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QImage

from desktop.services import demo
from desktop.services.indicators import village_indicators
from desktop.ui.official.excel_page import ExcelPage
from desktop.ui.official.indicators_page import IndicatorsPage, ReportsPart
from desktop.ui.shared.context import UiContext
from sync.indicator_labels import format_value, reconciliation
from tests.desktop.ui.helpers import open_main_window


@pytest.fixture
def village(ui: UiContext) -> UiContext:
    demo.populate(ui.session.store, 120, seed=11)
    return ui


def _page(qtbot, ui: UiContext) -> IndicatorsPage:
    page = IndicatorsPage(ui)
    qtbot.addWidget(page)
    page.resize(1216, 700)  # the page's share of a 1366x768 window
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.show()
    return page


def test_figures_match_the_service_and_the_charts_draw(qtbot, zh, village: UiContext, tmp_path: Path) -> None:
    page = _page(qtbot, village)
    expected = village_indicators(village.session.store, year=page.year.value())
    table = page.view.table
    assert table.value_of("在册人口") == f"{expected['population']['total']:,}"
    assert table.value_of("人均可支配收入（均值）") == format_value((expected["income"]["mean_fen"], "fen"))
    assert table.value_of("基尼系数") == format_value((expected["income"]["gini"], "index"))
    assert page.status.text().startswith("统计日期")
    shot = tmp_path / "indicators.png"
    assert page.grab().save(str(shot))
    image = QImage(str(shot))
    for chart in page.view.charts:  # each chart painted something besides its white background
        area = image.copy(chart.geometry().translated(page.view.pos()))
        colours = {area.pixel(x, y) for x in range(0, area.width(), 7) for y in range(0, area.height(), 7)}
        assert len(colours) > 3, chart.objectName()


def test_a_new_income_line_recomputes(qtbot, zh, village: UiContext) -> None:
    page = _page(qtbot, village)
    before = page.result
    assert before is not None
    page.line.setValue(1_000_000)  # 1,000,000 yuan: everyone is under it
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.line.editingFinished.emit()
    assert page.result is not None and page.result["income"]["line_fen"] == 100_000_000
    assert page.result["income"]["under_line_person_share"] == 1.0


def test_a_saved_record_marks_the_figures_stale(qtbot, zh, village: UiContext) -> None:
    page = _page(qtbot, village)
    total = page.result["population"]["total"] if page.result else 0
    store = village.session.store
    household = next(iter(store.household.iter_all()))
    person = next(p for p in store.person.iter_all() if p["household_id"] == household["id"])
    store.person.update(person["id"], {"status": "moved_out" if person["status"] == "present" else "present"})
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        village.bus.changed.emit("person")
    assert page.result is not None and page.result["population"]["total"] == total + (
        -1 if person["status"] == "present" else 1
    )


def _personal(ui: UiContext) -> set[str]:
    store = ui.session.store
    found: set[str] = set()
    for p in store.person.iter_all():
        found |= {p["name"], p["resident_id"], p["resident_id"][:14], p["phone"] or p["name"]}
    for h in store.household.iter_all():
        found |= {h["head_name"], h["address"], h["phone"] or h["head_name"]}
    return {s for s in found if s}


def test_the_report_pdf_has_pages_and_no_personal_data(qtbot, zh, village: UiContext, tmp_path: Path) -> None:
    page = _page(qtbot, village)
    out = tmp_path / "report.pdf"
    drawn: list[str] = []
    assert page.write_pdf(out, drawn) >= 2
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2
    joined = "\n".join(drawn)
    assert "村级指标报告" in joined and "基尼系数" in joined and "人口年龄性别结构" in joined
    assert [s for s in _personal(village) if s in joined] == []  # every text drawn, charts included
    assert [s for s in drawn if re.search(r"\d{6,}", s) and village.session.village_code not in s] == []
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    raw = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True)
    text = raw.stdout  # as search and copy get it: no normalization
    assert "村级指标报告" in text and village.session.village_code in text
    assert "\u4eba\u53e3" in text and "在册人口" in text  # 人口 as U+4EBA U+53E3, not Kangxi radicals
    assert not re.search("[\u2e80-\u2fdf\uf900-\ufaff]", text)
    assert "数据质量" in text and "收入覆盖率" in text  # every figure, data quality included
    assert re.sub(r"\s+", "", reconciliation(page.result)) in re.sub(r"\s+", "", text)
    assert unicodedata.normalize("NFKC", text).count("人") == text.count("人")
    assert [s for s in _personal(village) if s in text] == []
    assert not re.search(r"\d{15,}", text.replace(",", ""))  # no resident ID, whole or in part
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
                       check=True)  # fmt: skip
        first = next(tmp_path.glob("p*.png"))
        assert QImage(str(first)).width() > 400


def test_excel_export_from_the_page(qtbot, zh, village: UiContext, tmp_path: Path) -> None:
    page = _page(qtbot, village)
    with qtbot.waitSignal(page.exported, timeout=30000):
        page.export_excel(tmp_path / "村")
    book = load_workbook(tmp_path / "村.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["家庭户", "家庭成员"] and "指标" in book.sheetnames
    assert page.status.text().startswith("已导出")


def test_excel_page_exports_and_opens_the_import(qtbot, zh, village: UiContext, tmp_path: Path) -> None:
    page = ExcelPage(village)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.exported, timeout=30000):
        page.export(tmp_path / "all.xlsx")
    assert (tmp_path / "all.xlsx").exists()
    dialog = page.open_import()  # a child of the page: it goes when the page goes
    assert dialog.isVisible() and dialog.windowTitle() == "从 Excel 导入花名册"
    dialog.close()
    qtbot.waitUntil(lambda: not village.runner.busy, timeout=10000)  # the export's task has ended


def test_the_pages_plug_into_the_main_window(qtbot, zh, village: UiContext, tmp_path: Path) -> None:
    window = open_main_window(qtbot, village, tmp_path)
    part = window.add_part(ReportsPart(village))
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[-2:] == ["指标", "Excel 导入导出"]
    page = window.pages[-2].widget
    assert page is part.indicators and isinstance(page, IndicatorsPage)
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        window.show_page(len(window.pages) - 2)


def test_low_coverage_is_warned_and_every_income_figure_marked(qtbot, zh, ui: UiContext) -> None:
    # Four active households, one with income of the year (and one record of a dissolved household):
    # coverage 1/4 = 25 %, under 80 %.
    from datetime import date

    from tests.acceptance.test_indicators_hand_worked import _household, _income, _person

    store = ui.session.store
    year = date.today().year - 1
    households = [_household(store, f"00{n}") for n in range(1, 5)]
    for n, hid in enumerate(households, start=1):
        _person(store, hid, n)
    _income(store, households[0], "business", -123_450, year=year)  # a net loss
    gone = _household(store, "009")
    _income(store, gone, "wages", 50_000, year=year)
    store.household.update(gone, {"status": "dissolved"})
    page = _page(qtbot, ui)
    view = page.view
    assert view.warning.isVisible()
    assert view.warning.text() == "收入数字只含 1 / 4 户（25.0%），低于 80%：这些数字不代表全村。"
    assert view.reconciliation.text() == (
        f"{year} 年收入记录 2 条，合计 -734.50 元：计入收入数字 1 条 -1,234.50 元，"
        "未计入 1 条 500.00 元（原因见“数据质量”）。"
    )
    assert view.reference.text().startswith("人口、年龄、参保资格和户人口按 ")
    table = view.table
    assert table.value_of("人均可支配收入（均值）（覆盖率低）") == "-1,234.50 元"
    assert table.value_of("收入覆盖率（1/4 户有当年收入）（覆盖率低）") == "25.0%"
    assert table.value_of("未计入收入：家庭户已销户（金额）") == "500.00 元"
    assert table.value_of("人均可支配收入（均值）") is None  # never shown unmarked
    row = next(i for i in range(table.rowCount()) if table.item(i, 0).text().startswith("基尼系数"))
    assert table.item(row, 0).foreground().color().name() == "#b0281f"


def test_enough_coverage_shows_no_warning(qtbot, zh, village: UiContext) -> None:
    page = _page(qtbot, village)
    assert page.result is not None and not page.result["income"]["coverage"]["low"]
    assert page.view.warning.isHidden()
    assert page.view.table.value_of("基尼系数") is not None  # the label carries no mark
