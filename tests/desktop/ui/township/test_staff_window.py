"""The staff window fits the screen it opens on (a 1366x768 laptop with a taskbar), remembers its
size and place, and is pulled back on-screen when the saved place no longer fits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QRect, QSettings
from PySide6.QtGui import QGuiApplication

from desktop.services.settings import DictBackend, Settings
from desktop.services.township.desk import TownshipService
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.shared.window_fit import FRAME, fit_rect
from desktop.ui.township.parts import staff_parts
from desktop.ui.township.staff_window import StaffContext, StaffWindow

LAPTOP = QRect(0, 0, 1366, 768 - 40)


@pytest.fixture
def staff(runner: TaskRunner, zh) -> Iterator[StaffContext]:
    # Not signed in: nothing is asked of the (absent) server while the window is laid out.
    desk = TownshipService("http://127.0.0.1:9", None, language="zh_CN")
    yield StaffContext(desk, runner, Settings(DictBackend()))
    desk.close()


def _window(qtbot, staff: StaffContext, ini) -> StaffWindow:
    window = StaffWindow(staff, QSettings(str(ini), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    return window


def test_first_start_fits_the_available_area_and_the_laptop(qtbot, staff, tmp_path) -> None:
    window = _window(qtbot, staff, tmp_path / "w.ini")
    available = QGuiApplication.primaryScreen().availableGeometry()  # 800x800 offscreen
    assert available.contains(window.geometry().marginsAdded(FRAME))
    for part in staff_parts(staff):
        window.add_part(part)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    room = fit_rect(None, LAPTOP).size()
    assert minimum.width() <= room.width() and minimum.height() <= room.height()


def test_size_and_place_are_remembered_and_pulled_back_on_screen(qtbot, staff, tmp_path) -> None:
    ini = tmp_path / "w.ini"
    window = _window(qtbot, staff, ini)
    window.setGeometry(QRect(40, 60, 700, 500))
    window.save_geometry()
    again = _window(qtbot, staff, ini)
    assert again.geometry() == QRect(40, 60, 700, 500)
    # Left half off the screen (a second screen unplugged): moved back, size kept.
    again.setGeometry(QRect(600, 500, 700, 500))
    again.save_geometry()
    third = _window(qtbot, staff, ini)
    available = QGuiApplication.primaryScreen().availableGeometry()
    assert third.geometry().size() == again.geometry().size()
    assert available.contains(third.geometry().marginsAdded(FRAME))


def test_the_title_names_the_township_when_known(qtbot, staff, tmp_path) -> None:
    from desktop.services.township.model import StaffAccount
    from desktop.ui.township.staff_window import staff_who

    staff.desk.account = StaffAccount("wang", "township", "110105001", {}, 0, "建外街道")
    assert staff_who(staff.desk) == "wang，建外街道（110105001）"
    staff.desk.account = StaffAccount("wang", "township", "110105001", {}, 0)
    assert staff_who(staff.desk) == "wang，乡镇 110105001"


def test_a_window_closed_before_its_first_page_is_not_called(qtbot, staff, tmp_path) -> None:
    # Signed out (or the app quit) right after the sign-in: the window was deleted before the
    # moment it meant to show its first page, and that moment came all the same.
    ini = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    window = StaffWindow(staff, ini, staff_parts(staff))
    window.show()
    window.focus_first()
    window.shutdown()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(window)
    QCoreApplication.processEvents()  # raised "Internal C++ object already deleted" in the timer
