"""Where the main window goes: inside the screen's available area (the taskbar left free), at the
size and place the official left it, pulled back on-screen when that no longer fits (a smaller
screen, a projector unplugged, a taskbar moved).

A 1366x768 laptop with a 40-pixel Windows taskbar has 1366x728 available, and the title bar and
borders take some of that: the window is sized so that its frame, not only its inside, fits.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = QSize(1360, 800)
"""The inside size a first start asks for, when the screen has room for it."""

FRAME = QMargins(8, 31, 8, 8)
"""A Windows 10 title bar and borders: assumed while the window has no frame yet (before show)."""


def fit_rect(saved: QRect | None, available: QRect, frame: QMargins = FRAME) -> QRect:
    """The window's inside geometry: ``saved`` (or PREFERRED, centred) shrunk and moved so the
    window with its ``frame`` lies inside ``available``."""
    room = available.marginsRemoved(frame)
    size = saved.size() if saved is not None and saved.isValid() else PREFERRED
    size = size.boundedTo(room.size())
    rect = QRect(room.topLeft(), size)
    if saved is None or not saved.isValid():
        rect.moveCenter(room.center())
        return rect
    left = min(max(saved.left(), room.left()), room.right() - size.width() + 1)
    top = min(max(saved.top(), room.top()), room.bottom() - size.height() + 1)
    rect.moveTopLeft(QPoint(left, top))
    return rect


def _frame(window: QWidget) -> QMargins:
    inside, outside = window.geometry(), window.frameGeometry()
    if outside == inside or not window.isVisible():
        return FRAME
    return QMargins(
        inside.left() - outside.left(),
        inside.top() - outside.top(),
        outside.right() - inside.right(),
        outside.bottom() - inside.bottom(),
    )


def available_area(window: QWidget, near: QRect | None = None) -> QRect:
    """The available geometry (screen minus taskbar) of the screen under ``near``, else the
    window's own screen, else the primary one."""
    screen = QGuiApplication.screenAt(near.center()) if near is not None else None
    if screen is None:
        screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def place_window(window: QWidget, saved: QRect | None) -> None:
    """Give ``window`` the ``saved`` inside geometry (or a first-start one), made to fit its screen."""
    if window.isMaximized() or window.isFullScreen():
        return
    window.setGeometry(fit_rect(saved, available_area(window, saved), _frame(window)))
