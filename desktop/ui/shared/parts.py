"""How a screen plugs into a window: the one way, for both windows.

A window (the village official's :class:`~desktop.ui.official.main_window.MainWindow`, the township
:class:`~desktop.ui.township.staff_window.StaffWindow`) is a list of pages on the left, the chosen page on the
right and a status bar below. Everything in it comes from *parts*, handed to the window's
constructor as a list. A part brings

* its pages, each a :class:`Page`: title, widget, ``place`` (records first, settings last) and the
  keys it answers, declared, not guessed: ``focus`` (where the keyboard goes when the page is
  shown, and Ctrl+F) and ``new_record`` (Ctrl+N);
* widgets for the status bar, and actions (shortcuts) for the whole window;
* ``restore_state``/``save_state`` for what it remembers between starts (a splitter), and
  ``shutdown``, called when the window goes away;

and receives, in ``attach``, its host: only the interface of the window it needs, a Protocol, never
the window or one of its widgets. :class:`Host` is what every window offers (show one of my pages);
:class:`VillageHost` is the official's window (the status line's sync and review fields, "count
what waits to sync"). Whoever assembles the window (``DeskApp``, through
``desktop.ui.official.parts.official_parts`` and ``desktop.ui.township.parts.staff_parts``) keeps the
parts it needs to talk to, and wires parts to each other there:

    window = MainWindow(ui, qsettings, official_parts(ui))
    window.part(SyncPart).enroll(code)

How to add a screen: README.md, "Adding a screen".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from desktop.ui.shared.window_fit import place_window


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
    focus: Callable[[], None] | None = None
    """Where the keyboard goes when the page is shown, and what Ctrl+F does (usually: its search box)."""
    new_record: Callable[[], None] | None = None
    """What Ctrl+N does on this page (the official's window); ``None``: nothing."""


class Host(Protocol):
    """What a part may ask of any window that holds it."""

    def show_page(self, page: int | QWidget) -> None: ...


class SyncStatus(Protocol):
    """The status line's sync fields."""

    def set_online(self, online: bool | None) -> None: ...
    def set_last_sync(self, when: float | None) -> None: ...
    def say(self, text: str) -> None:
        """A passing note (the laptop's clock is off); ``""`` clears it."""


class ReviewStatus(Protocol):
    """The status line's count of records waiting on the township."""

    def set_review(self, waiting: int, decided: int) -> None: ...
    def on_review_clicked(self, slot: Callable[[], None]) -> None: ...


class VillageStatus(SyncStatus, ReviewStatus, Protocol):
    pass


class VillageHost(Host, Protocol):
    """The official's window: its status line, and "something changed, count what waits to sync"."""

    @property
    def status(self) -> VillageStatus: ...
    def refresh_pending(self) -> None: ...


H = TypeVar("H", bound=Host, contravariant=True)


class Part(Generic[H]):
    """A piece of a window. Subclasses override what they bring; every method has a neutral default.
    ``Part[Host]`` fits any window; ``Part[VillageHost]`` only the official's."""

    def attach(self, host: H) -> None:
        """Called once, after the part's pages, widgets and actions were added."""

    def pages(self) -> Sequence[Page]:
        return ()

    def status_widgets(self) -> Sequence[QWidget]:
        return ()

    def actions(self) -> Sequence[QAction]:
        return ()

    def restore_state(self, qsettings: QSettings) -> None:
        """Take back what ``save_state`` kept (after ``attach``)."""

    def save_state(self, qsettings: QSettings) -> None:
        """Keep what should survive a restart (a splitter's position)."""

    def shutdown(self) -> None:
        """Stop timers and running work; the window is about to go away."""


P = TypeVar("P", bound=Part[Any])
W = TypeVar("W", bound=QWidget)


class PagedWindow(QMainWindow):
    """Navigation + pages + status bar, filled by parts (``add_part``, in the order given).

    A window sets ``qsettings`` and its ``geometry_key``; its size and place, and what its parts
    remember, are saved when it closes (``save_geometry``) and put back by ``place``."""

    geometry_key = "window/geometry"
    qsettings: QSettings

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: list[Page] = []
        self.parts: list[Part[Any]] = []
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
            self._add_page(page)
        bar = self.statusBar()
        for widget in part.status_widgets():
            bar.addPermanentWidget(widget)
        for action in part.actions():
            if action.parent() is None:
                action.setParent(self)  # goes with the window, as the window's own actions do
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
        return next((p.widget for p in self.pages if isinstance(p.widget, kind)), None)

    def restore_parts(self, qsettings: QSettings) -> None:
        for part in self.parts:
            part.restore_state(qsettings)

    def save_parts(self, qsettings: QSettings) -> None:
        for part in self.parts:
            part.save_state(qsettings)

    # -- geometry ---------------------------------------------------------------------------------
    def place(self) -> None:
        """Inside the screen's available area (a 1366x768 laptop with a taskbar), at the size the
        person left it, pulled back on-screen when that no longer fits."""
        geometry = self.qsettings.value(self.geometry_key)
        restored = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(QByteArray(geometry))
        place_window(self, self.geometry() if restored else None)

    def save_geometry(self) -> None:
        self.qsettings.setValue(self.geometry_key, self.saveGeometry())
        self.save_parts(self.qsettings)
        self.qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Shut every part down (once), newest first."""
        if self._shut:
            return
        self._shut = True
        for part in reversed(self.parts):
            part.shutdown()

    # -- pages ------------------------------------------------------------------------------------
    def _add_page(self, page: Page) -> None:
        """After the pages of its ``place`` (so a tools page lands before the settings)."""
        index = next((i for i, p in enumerate(self.pages) if p.place > page.place), len(self.pages))
        self.pages.insert(index, page)
        self.nav.insertItem(index, QListWidgetItem(page.title))
        self.stack.insertWidget(index, page.widget)
        for i in range(self.nav.count()):
            self.nav.item(i).setToolTip(f"Ctrl+{i + 1}" if i < 9 else "")

    def page_index(self, page: QWidget) -> int:
        return next((i for i, p in enumerate(self.pages) if p.widget is page), -1)

    def show_page(self, page: int | QWidget) -> None:
        row = page if isinstance(page, int) else self.page_index(page)
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if self.nav.currentRow() != row:
                self.nav.setCurrentRow(row)
            focus = self.pages[row].focus
            if focus is not None:
                focus()

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def current(self) -> Page | None:
        """The shown page with what it declared (its keys)."""
        row = self.stack.currentIndex()
        return self.pages[row] if 0 <= row < len(self.pages) else None
