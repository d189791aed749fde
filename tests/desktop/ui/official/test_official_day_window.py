"""The official's day around the lists: a window that fits a 1366x768 screen with a taskbar and
remembers its place, columns wide enough for IDs and phones, household order, focus after a sync."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QMargins, QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

from desktop.services import demo
from desktop.ui.official.main_window import MainWindow
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.window_fit import FRAME, fit_rect
from sync.resident_id import make_resident_id
from tests.desktop.ui.helpers import focused, open_main_window, press
from tests.desktop.ui.official.test_records import _household
from tests.desktop.ui.official.test_sync_page import county  # noqa: F401 - the fixture

LAPTOP = QRect(0, 0, 1366, 768 - 40)
"""A 1366x768 screen less a 40-pixel Windows taskbar."""


def _outer(inside: QRect, frame: QMargins = FRAME) -> QRect:
    return inside.marginsAdded(frame)


def test_first_start_fits_a_1366x768_laptop_with_a_taskbar() -> None:
    rect = fit_rect(None, LAPTOP)
    assert LAPTOP.contains(_outer(rect))
    assert rect.width() >= 1280 and rect.height() >= 680  # and uses the room there is
    big = QRect(0, 0, 2560, 1400)
    assert fit_rect(None, big).size() == QSize(1360, 800)  # a big screen: the preferred size, centred
    assert big.center().x() - fit_rect(None, big).center().x() in (0, 1)


def test_a_saved_place_that_no_longer_fits_is_pulled_back() -> None:
    # Left on a second screen that is gone, and larger than this one.
    saved = QRect(2000, 900, 1600, 1000)
    rect = fit_rect(saved, LAPTOP)
    assert LAPTOP.contains(_outer(rect))
    # Half off the right edge: moved in, size kept.
    rect = fit_rect(QRect(1000, 100, 900, 500), LAPTOP)
    assert rect.size() == QSize(900, 500) and LAPTOP.contains(_outer(rect))
    # A place that fits is kept exactly.
    assert fit_rect(QRect(40, 60, 900, 500), LAPTOP) == QRect(40, 60, 900, 500)
    # A taskbar on the left: the available area starts further right.
    left_bar = QRect(60, 0, 1306, 768)
    assert left_bar.contains(_outer(fit_rect(QRect(0, 0, 1000, 600), left_bar)))


def test_the_window_can_be_as_small_as_a_laptop_allows(qtbot, zh, ui: UiContext, tmp_path) -> None:
    window = open_main_window(qtbot, ui, tmp_path)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    room = fit_rect(None, LAPTOP).size()
    assert minimum.width() <= room.width() and minimum.height() <= room.height()
    # On this (offscreen, 800 pixels wide) screen too, the window with its frame lies in the
    # available area.
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert available.contains(window.frameGeometry())


def test_size_and_place_are_remembered_and_pulled_back_on_screen(qtbot, zh, ui: UiContext, tmp_path) -> None:
    window = open_main_window(qtbot, ui, tmp_path)
    window.setGeometry(QRect(12, 60, 780, 520))
    window.close()
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    again = MainWindow(ui, settings)
    qtbot.addWidget(again)
    assert again.geometry() == QRect(12, 60, 780, 520)
    # Saved while on a bigger screen further right: pulled back into this screen's available area.
    again.setGeometry(QRect(5000, 3000, 3000, 2000))
    again.save_geometry()
    third = MainWindow(ui, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(third)
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert available.contains(_outer(third.geometry()))


def _member(ui: UiContext, household_id: str, name: str, relation: str, seq: int, born: int) -> str:
    record = {
        "household_id": household_id,
        "name": name,
        "resident_id": make_resident_id("530102", date(born, 5, 6), seq),
        "relation": relation,
        "sex": "male" if seq % 2 else "female",
        "birth_date": f"{born}-05-06",
        "ethnicity": "01",
        "status": "present",
    }
    return ui.session.save("person", None, record)


def test_head_first_and_members_in_household_order_everywhere(qtbot, zh, ui: UiContext, tmp_path) -> None:
    later = _household(ui, "0002", "钱二")
    first = _household(ui, "0001", "赵德福")
    child = _member(ui, first, "赵小明", "child", 11, 1990)
    spouse = _member(ui, first, "孙桂兰", "spouse", 12, 1962)
    other_head = _member(ui, later, "钱二", "head", 13, 1970)
    head = _member(ui, first, "赵德福", "head", 15, 1960)
    for year in (2023, 2024):
        for home in (later, first):
            ui.session.save(
                "income", None, {"household_id": home, "year": year, "source": "wages", "amount_fen": 100}
            )
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households
    qtbot.waitUntil(lambda: page.list.model.total() == 2)
    assert page.list.model.id_at(0) == first
    page.list.select(first)
    qtbot.waitUntil(lambda: page.members.model.total() == 3)
    assert [page.members.model.id_at(i) for i in range(3)] == [head, spouse, child]
    window.show_page(1)
    qtbot.waitUntil(lambda: window.persons.model.total() == 4)
    assert [window.persons.model.id_at(i) for i in range(4)] == [head, spouse, child, other_head]
    window.show_page(2)
    qtbot.waitUntil(lambda: window.income.model.total() == 4)
    column = next(i for i, c in enumerate(window.income.model._columns) if c.name == "_household_no")
    qtbot.waitUntil(lambda: window.income.model.index(3, column).data() is not None)
    numbers = [window.income.model.index(i, column).data() for i in range(4)]
    assert numbers == ["0001", "0001", "0002", "0002"]


def _text_fits(view: QTableView, row: int, column: int) -> bool:
    text = view.model().index(row, column).data() or ""
    return view.fontMetrics().horizontalAdvance(text) + 8 <= view.columnWidth(column)


def test_ids_and_phones_show_whole_at_1366x768(qtbot, zh, ui: UiContext, tmp_path) -> None:
    demo.populate(ui.session.store, 30)
    window = open_main_window(qtbot, ui, tmp_path)
    window.setGeometry(
        fit_rect(None, LAPTOP).intersected(QGuiApplication.primaryScreen().availableGeometry())
    )
    window.resize(fit_rect(None, LAPTOP).size())  # the laptop's size, whatever this screen is
    page = window.households
    qtbot.waitUntil(lambda: page.list.model.total() > 0)
    page.list.select(page.list.model.id_at(0) or "")
    qtbot.waitUntil(lambda: page.members.model.total() > 0)
    qtbot.wait(50)
    lists = [page.list, page.members, window.persons]
    window.show_page(1)
    qtbot.waitUntil(lambda: window.persons.model.total() > 0)
    for lst in lists:
        model = lst.model
        qtbot.waitUntil(lambda m=model: m.cached(m.id_at(0) or "") is not None)
        names = [c.name for c in model._columns]
        for wanted in ("resident_id", "phone", "relation"):
            if wanted in names:
                column = names.index(wanted)
                assert all(_text_fits(lst.view, r, column) for r in range(min(model.rowCount(), 20))), (
                    lst.objectName(),
                    wanted,
                )
    window.show_page(0)
    qtbot.wait(50)
    # Both sides of the households page show their columns without cutting: whole tables in view.
    for lst in (page.list, page.members):
        header = lst.view.horizontalHeader()
        assert header.length() <= lst.view.viewport().width() + 1, lst.objectName()


def test_no_header_is_painted_outside_its_table(qtbot, zh, ui: UiContext, tmp_path) -> None:
    demo.populate(ui.session.store, 12)
    window = open_main_window(qtbot, ui, tmp_path)
    window.resize(fit_rect(None, LAPTOP).size())
    for page in range(4):
        window.show_page(page)
        qtbot.wait(50)
        for view in window.findChildren(QTableView):
            if not view.isVisible():
                continue
            frame = QRect(view.mapTo(window, QPoint(0, 0)), view.size())
            for header in view.findChildren(QHeaderView):
                if header.isVisible():
                    box = QRect(header.mapTo(window, QPoint(0, 0)), header.size())
                    assert frame.contains(box), (view.objectName(), header.orientation())


def test_after_sync_now_the_focus_stays_on_the_button(qtbot, zh, ui: UiContext, county, tmp_path) -> None:  # noqa: F811
    url, code = county
    demo.populate(ui.session.store, 5)
    ui.session.store.state_set("server_url", url)
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    controller, page = part.controller, part.page
    with qtbot.waitSignal(controller.finished, timeout=30000):
        controller.enroll(code)  # enrolling runs the first sync
    window.show_page(page)
    qtbot.waitUntil(page.sync_button.isEnabled)
    page.sync_button.setFocus()
    assert focused(qtbot) is page.sync_button
    with qtbot.waitSignal(controller.finished, timeout=30000):
        press(qtbot, Qt.Key.Key_Space)  # "Sync now" by keyboard
        qtbot.waitUntil(lambda: controller.running or page.cancel_button.isEnabled())
        assert QApplication.focusWidget() is not page.server
    qtbot.waitUntil(lambda: not page.cancel_button.isEnabled())
    qtbot.wait(100)  # the page refreshes its state after a run
    assert QApplication.focusWidget() is page.sync_button
    assert not page.server.hasSelectedText()
