"""A window that was closed and deleted hears nothing more from the longer-lived data bus, nor
from the timer it set for its first focus."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from desktop.ui.official.main_window import MainWindow
from desktop.ui.shared.context import UiContext


def test_a_deleted_main_window_is_not_called_by_the_bus(qtbot, ui: UiContext, tmp_path) -> None:
    # Locking closes and deletes the window (app.py) while the session's bus lives on: a save
    # finishing just then announces itself on the bus.
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ui, settings)
    qtbot.waitUntil(lambda: not ui.runner.busy)
    window.shutdown()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(window)
    ui.bus.changed.emit("person")  # raised "Internal C++ object already deleted" in a lambda
    qtbot.wait(50)
    assert ui.runner.pending() == 0  # and asked for no work on the dead window's behalf


def test_a_window_closed_before_its_first_focus_is_not_called(qtbot, ui: UiContext, tmp_path) -> None:
    # The app shows the window and puts the keyboard in its search a moment later (focus_first);
    # locking or quitting in between closed and deleted it, and that moment came all the same.
    window = MainWindow(ui, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    window.show()
    window.focus_first()
    window.shutdown()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(window)
    QCoreApplication.processEvents()  # raised "Internal C++ object already deleted" in the timer
