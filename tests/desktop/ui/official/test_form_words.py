"""What the official's questions and messages say: a delete names the record, a date that does not
exist is called that, a birth date against the resident ID names the ID's date, and a harmless
choice carries no red ✗."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProxyStyle, QStyle

from desktop.ui.shared.context import UiContext
from sync.resident_id import make_resident_id
from tests.desktop.ui.helpers import WORK_MS, open_main_window, press, tab, type_text
from tests.desktop.ui.official.test_official_day_forms import _open_tab_dialog
from tests.desktop.ui.official.test_records import _household


def _person(ui: UiContext, household_id: str, name: str, resident_id: str) -> str:
    return ui.session.save(
        "person",
        None,
        {
            "household_id": household_id,
            "name": name,
            "resident_id": resident_id,
            "relation": "head",
            "sex": "male",
            "birth_date": f"{resident_id[6:10]}-{resident_id[10:12]}-{resident_id[12:14]}",
            "ethnicity": "01",
            "status": "present",
        },
    )


def test_delete_names_the_record(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui, "0007", "赵德福")
    rid = make_resident_id("530102", date(1968, 3, 9), 11)
    _person(ui, household_id, "赵德福", rid)
    window = open_main_window(qtbot, ui, tmp_path)
    window.show_page(1)
    persons = window.persons
    qtbot.waitUntil(lambda: persons.model.total() == 1)
    persons.view.setFocus()
    persons.view.selectRow(0)
    press(qtbot, Qt.Key.Key_Delete)  # the button's tooltip says Del
    qtbot.waitUntil(lambda: persons.confirm is not None and persons.confirm.isVisible())
    text = persons.confirm.text()
    assert "赵德福" in text and rid in text and "0007" in text, text
    persons.confirm.button(QMessageBox.StandardButton.No).click()

    window.show_page(0)
    households = window.households.list
    households.select(household_id)
    window.activateWindow()  # back from the question (the platform may take a moment)
    qtbot.waitUntil(window.isActiveWindow, timeout=WORK_MS)
    households.view.setFocus()
    qtbot.keyClick(households.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: households.confirm is not None and households.confirm.isVisible())
    # A household's question names it (number and head) and what goes with it (its members).
    assert (
        "家庭户 0007 赵德福" in households.confirm.text() and "1 名成员：赵德福" in households.confirm.text()
    )
    households.confirm.button(QMessageBox.StandardButton.No).click()


def test_a_date_that_does_not_exist_is_called_that(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "members")
    birth = dialog.form.editors["birth_date"]
    message = dialog.form.problem_labels["birth_date"]
    for typed, says in (
        ("19800230", "1980-02-30 这个日期不存在（1980-02 只有 29 天）"),
        ("1981-02-29", "1981-02-29 这个日期不存在（1981-02 只有 28 天）"),
        ("19801301", "1980-13-01 这个日期不存在（没有 13 月）"),
    ):
        birth.setFocus()
        birth.selectAll()
        type_text(qtbot, typed)
        tab(qtbot)
        assert message.isVisible() and says in message.text(), message.text()
        assert "格式" not in message.text() and "19530219" not in message.text()
    birth.setFocus()
    birth.selectAll()
    type_text(qtbot, "1980年2月")  # not a date at all: then the ways of writing one are shown
    tab(qtbot)
    assert "19530219" in message.text()


def test_the_birth_date_message_names_the_date_in_the_resident_id(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "members")
    form = dialog.form
    form.editors["name"].setFocus()
    type_text(qtbot, "钱学文")
    tab(qtbot)
    type_text(qtbot, make_resident_id("530102", date(1968, 3, 9), 11))
    tab(qtbot)
    birth = form.editors["birth_date"]
    assert birth.text() == "1968-03-09"  # filled in from the ID
    birth.setFocus()
    birth.selectAll()
    type_text(qtbot, "19680310")
    tab(qtbot)
    with qtbot.waitSignal(dialog.save_failed):
        dialog.save_button.click()
    text = form.problem_labels["birth_date"].text()
    assert "1968-03-09" in text and "不一致" in text, text


class _IconButtons(QProxyStyle):
    """A desktop whose dialog buttons carry icons (GNOME, UOS): Cancel/No get a red ✗ there."""

    def styleHint(self, hint, option=None, widget=None, data=None):
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 1
        return super().styleHint(hint, option, widget, data)


@pytest.fixture
def icon_style(qapp) -> Iterator[None]:
    before = QApplication.style().name()
    QApplication.setStyle(_IconButtons(before))
    yield
    QApplication.setStyle(before)


def test_keep_editing_carries_no_red_cross(qtbot, zh, icon_style, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "members")
    dialog.form.editors["name"].setFocus()
    type_text(qtbot, "赵小明")
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible())
    keep = dialog.confirm.button(QMessageBox.StandardButton.Cancel)
    assert keep.text() == "继续编辑" and keep.icon().isNull()
    assert all(b.icon().isNull() for b in dialog.confirm.buttons())
    keep.click()
    qtbot.waitUntil(lambda: dialog.confirm is None)


def test_the_excel_page_chooses_the_indicators_year(qtbot, zh, ui: UiContext, tmp_path) -> None:
    """The workbook's indicator sheet was for last year with no way to say otherwise."""
    from openpyxl import load_workbook

    from desktop.ui.official.excel_page import ExcelPage

    page = ExcelPage(ui)
    qtbot.addWidget(page)
    assert page.year.value() == date.today().year - 1  # the year with complete figures, as on Indicators
    page.year.setValue(date.today().year)
    task = page.export(tmp_path / "村数据.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    sheet = load_workbook(tmp_path / "村数据.xlsx")["指标"]
    year_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "年度")
    assert year_row[2] == date.today().year


def test_the_strength_meter_is_not_a_box_to_type_in(qtbot, zh, runner) -> None:
    from desktop.ui.official.wizard import UserPage

    page = UserPage()
    qtbot.addWidget(page)
    page.passphrase.setText("green hills 2025")
    assert not page.strength.isTextVisible() and page.strength.maximumHeight() <= 10
    assert page.strength.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert page.strength_text.text() in ("一般", "较强", "强") and page.strength.value() >= 2


def test_the_excel_page_follows_the_year_on_the_indicators_page(qtbot, zh, ui: UiContext, tmp_path) -> None:
    from desktop.ui.official.excel_page import ExcelPage
    from desktop.ui.official.indicators_page import IndicatorsPage, ReportsPart

    window = open_main_window(qtbot, ui, tmp_path)
    window.add_part(ReportsPart(ui))
    indicators = window.part_page(IndicatorsPage)
    excel = window.part_page(ExcelPage)
    assert indicators is not None and excel is not None
    indicators.year.setValue(date.today().year)
    assert excel.year.value() == date.today().year
