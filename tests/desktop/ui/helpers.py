"""Small helpers for driving the real widgets by keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from desktop.ui.official.main_window import MainWindow
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.parts import Part, VillageHost

WORK_MS = 30_000
"""How long a test waits for work that goes through the database thread or a server (a save, a list
loading, a sync, a status bar counting): generous, because a loaded 2-core machine can take seconds
where an idle one takes milliseconds; a wait ends as soon as its condition holds, so a passing test
is no slower. The per-test timeout (300 s) still bounds a hang. conftest.py makes it the default of
``qtbot.waitSignal``/``waitSignals``/``waitUntil``/``waitCallback`` (pytest-qt's own is 5 s)."""


def focused(qtbot=None) -> QWidget:
    """The widget with the keyboard focus, on screen (with ``qtbot``: waiting for a window just
    shown to become the active one; until then the focus may still be in a hidden window)."""
    if qtbot is not None:
        qtbot.waitUntil(lambda: _shown(QApplication.focusWidget()), timeout=2000)
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    assert widget.isVisible(), f"the keyboard focus is in a hidden window ({widget.window().objectName()!r})"
    return widget


def _shown(widget: QWidget | None) -> bool:
    return widget is not None and widget.isVisible()


def type_text(qtbot, text: str) -> None:
    """Type ``text`` into the focused widget: ASCII as key presses, Chinese as an input method
    commits it (QTest cannot press keys that are not on the keyboard)."""
    for char in text:
        widget = focused(qtbot)
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(qtbot), key, modifier)


def tab(qtbot, times: int = 1) -> None:
    for _ in range(times):
        press(qtbot, Qt.Key.Key_Tab)


def open_main_window(
    qtbot, ui: UiContext, tmp_path, parts: Sequence[Part[VillageHost]] | None = None
) -> MainWindow:
    """The official's window: the record pages alone, or ``parts`` (``official_parts(ui)``: all)."""
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ui, settings, parts)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.households.list.refreshed):
        window.households.list.refresh()
    return window
