"""How a screen plugs into a window: the one small interface between them.

A window (the village main window, the township staff window) is a list of pages on the left, the
chosen page on the right and a status bar below. What fills it comes from *parts*. A part brings

* its pages (title, widget, and a ``place`` that orders them: records first, settings last),
* widgets for the status bar and window actions (shortcuts),
* a ``shutdown`` called when the window goes away,

and receives, in ``attach``, the :class:`Host`: the few things a part may ask of the window (show one
of my pages, the status bar, the "something changed, count what waits" call). The window asks its
parts; parts never reach into the window's attributes, and the window never knows a part's insides.
Whoever assembles the window (``DeskApp``) keeps the parts it needs to talk to.

    window.add_part(SyncPart(ui, settings_page))
    window.part(SyncPart).controller.enroll(code)

``add_page`` stays for a page that needs no wiring (``window.add_page(title, widget)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStatusBar,
    QWidget,
)


class Place(IntEnum):
    """Where a page goes in the navigation; pages of one place keep the order they were added in."""

    RECORDS = 100
    REVIEW = 300
    TOOLS = 500
    SETTINGS = 900


@dataclass
class Page:
    title: str
    widget: QWidget
    place: Place = Place.TOOLS


class Host(Protocol):
    """What a part may ask of the window that holds it."""

    def show_page(self, page: int | QWidget) -> None: ...
    def status_bar(self) -> QStatusBar: ...
    def refresh_pending(self) -> None: ...


class Part:
    """A piece of a window. Subclasses override what they bring; every method has a neutral default."""

    host: Host | None = None

    def attach(self, host: Host) -> None:
        """Called once, after the part's pages and widgets were added."""
        self.host = host

    def pages(self) -> Sequence[Page]:
        return ()

    def status_widgets(self) -> Sequence[QWidget]:
        return ()

    def actions(self) -> Sequence[QAction]:
        return ()

    def shutdown(self) -> None:
        """Stop timers and running work; the window is about to go away."""


P = TypeVar("P", bound=Part)
W = TypeVar("W", bound=QWidget)


class PagedWindow(QMainWindow):
    """Navigation + pages + status bar, filled by parts. Subclasses add their own fixed pages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: list[tuple[str, QWidget]] = []
        self._places: list[Place] = []
        self.parts: list[Part] = []
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(120)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stack = QStackedWidget(self)
        self.nav.currentRowChanged.connect(self.show_page)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._shut = False
        for i in range(9):
            action = QAction(f"page {i + 1}", self)
            action.setObjectName(f"page{i}")
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _c=False, n=i: self.show_page(n))
            self.addAction(action)

    # -- parts ------------------------------------------------------------------------------------
    def add_part(self, part: P) -> P:
        for page in part.pages():
            self.add_page(page.title, page.widget, place=page.place)
        bar = self.statusBar()
        for widget in part.status_widgets():
            bar.addPermanentWidget(widget)
        for action in part.actions():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self.parts.append(part)
        part.attach(self)
        return part

    def part(self, kind: type[P]) -> P | None:
        """The first part of that type, for whoever assembled the window (and for tests)."""
        return next((p for p in self.parts if isinstance(p, kind)), None)

    def part_page(self, kind: type[W]) -> W | None:
        """The first page of that widget type, whichever part brought it."""
        return next((p for _t, p in self.pages if isinstance(p, kind)), None)

    def shutdown(self) -> None:
        """Shut every part down (once), newest first."""
        if self._shut:
            return
        self._shut = True
        for part in reversed(self.parts):
            part.shutdown()

    # -- Host -------------------------------------------------------------------------------------
    def status_bar(self) -> QStatusBar:
        return self.statusBar()

    def refresh_pending(self) -> None:
        """Count what waits to sync; a window without a store has nothing to count."""

    # -- pages ------------------------------------------------------------------------------------
    def add_page(
        self, title: str, page: QWidget, *, before: QWidget | None = None, place: Place = Place.TOOLS
    ) -> None:
        """Add a page to the navigation: in front of ``before`` when given, else after the pages of
        its ``place`` (so a tools page lands before the settings)."""
        index = next((i for i, p in enumerate(self._places) if p > place), len(self.pages))
        if before is not None:
            for i, (_t, existing) in enumerate(self.pages):
                if existing is before:
                    index = i
                    place = self._places[i]
        self.pages.insert(index, (title, page))
        self._places.insert(index, place)
        self.nav.insertItem(index, QListWidgetItem(title))
        self.stack.insertWidget(index, page)
        for i in range(self.nav.count()):
            self.nav.item(i).setToolTip(f"Ctrl+{i + 1}" if i < 9 else "")

    def page_index(self, page: QWidget) -> int:
        return next((i for i, (_t, p) in enumerate(self.pages) if p is page), -1)

    def show_page(self, page: int | QWidget) -> None:
        row = page if isinstance(page, int) else self.page_index(page)
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if self.nav.currentRow() != row:
                self.nav.setCurrentRow(row)
            widget = self.pages[row][1]
            focus = getattr(widget, "focus_search", None)
            if focus is not None:
                focus()

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
