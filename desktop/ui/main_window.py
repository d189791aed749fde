"""The main window: pages on the left, the chosen page on the right, the status bar below."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from desktop.ui.context import UiContext
from desktop.ui.pages.households import HouseholdsPage
from desktop.ui.pages.records import RecordListPage
from desktop.ui.status import StatusBar
from desktop.ui.window_fit import place_window

if TYPE_CHECKING:  # the sync parts load only when a session starts (attach_sync)
    from desktop.ui.pages.settings_page import SettingsPage
    from desktop.ui.pages.sync_page import SyncPage
    from desktop.ui.sync_wiring import SyncController


class MainWindow(QMainWindow):
    lock_requested = Signal()
    language_changed = Signal(str)

    def __init__(self, ui: UiContext, qsettings: QSettings) -> None:
        super().__init__()
        self.ui = ui
        self.qsettings = qsettings
        self.setObjectName("main_window")
        self.setWindowTitle(
            self.tr("Village Data Desk — village {code}, {user}").format(
                code=ui.session.village_code, user=ui.session.user
            )
        )
        self.households = HouseholdsPage(ui, self)
        self.persons = RecordListPage(ui, "person", parent=self)
        self.income = RecordListPage(ui, "income", parent=self)
        self.services = RecordListPage(ui, "service", parent=self)
        self.pages: list[tuple[str, QWidget]] = [
            (self.tr("Households"), self.households),
            (self.tr("Persons"), self.persons),
            (self.tr("Income"), self.income),
            (self.tr("Services"), self.services),
        ]
        self.settings_page: SettingsPage | None = None
        self.shutdown: Callable[[], None] = lambda: None
        """Set by the parts that plug in (sync), called when the window goes away."""
        self.sync_page: SyncPage | None = None
        self.sync_controller: SyncController | None = None
        self.enroll: Callable[[str], None] | None = None
        """Set by attach_sync: enroll this laptop with a one-time code."""

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(120)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stack = QStackedWidget(self)
        for title, page in self.pages:
            self.nav.addItem(QListWidgetItem(title))
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._actions()
        self._restore()
        self.nav.setCurrentRow(0)
        ui.bus.changed.connect(lambda _entity: self.refresh_pending())
        self.refresh_pending()

    def _actions(self) -> None:
        def add(text: str, keys: QKeySequence | str, slot: Any, name: str) -> QAction:
            action = QAction(text, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            return action

        self.new_action = add(
            self.tr("New record"), QKeySequence(QKeySequence.StandardKey.New), self.new_record, "action_new"
        )
        self.member_action = add(self.tr("Add member"), "Ctrl+M", self.add_member, "action_member")
        self.find_action = add(
            self.tr("Search"), QKeySequence(QKeySequence.StandardKey.Find), self.focus_search, "action_find"
        )
        self.lock_action = add(self.tr("Lock"), "Ctrl+L", self.lock_requested, "action_lock")
        for i in range(9):
            add(f"page {i + 1}", f"Ctrl+{i + 1}", lambda _c=False, n=i: self.show_page(n), f"page{i}")

    # -- pages ----------------------------------------------------------------------------------------
    def add_page(self, title: str, page: QWidget, *, before: QWidget | None = None) -> None:
        """Add a page to the navigation (at the end, or in front of ``before``)."""
        index = len(self.pages)
        for i, (_t, existing) in enumerate(self.pages):
            if existing is before:
                index = i
        self.pages.insert(index, (title, page))
        self.nav.insertItem(index, QListWidgetItem(title))
        self.stack.insertWidget(index, page)
        for i in range(self.nav.count()):
            self.nav.item(i).setToolTip(f"Ctrl+{i + 1}")

    def show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if self.nav.currentRow() != row:
                self.nav.setCurrentRow(row)
            page = self.pages[row][1]
            focus = getattr(page, "focus_search", None)
            if focus is not None:
                focus()

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def new_record(self) -> None:
        new_record = getattr(self.current_page(), "new_record", None)
        if new_record is not None:
            new_record()

    def add_member(self) -> None:
        self.nav.setCurrentRow(0)
        self.households.add_member()

    def focus_search(self) -> None:
        focus = getattr(self.current_page(), "focus_search", None)
        if focus is not None:
            focus()

    def refresh_pending(self) -> None:
        session = self.ui.session
        self.ui.runner.run_db(session.pending_count, name="pending", on_done=self.status.set_pending)

    # -- geometry -------------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.qsettings.value("window/geometry")
        restored = isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(QByteArray(geometry))
        place_window(self, self.geometry() if restored else None)
        state = self.qsettings.value("window/splitter")
        if isinstance(state, QByteArray | bytes):
            self.households.restore_splitter(QByteArray(state))

    def save_geometry(self) -> None:
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/splitter", self.households.splitter.saveState())
        self.qsettings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_geometry()
        super().closeEvent(event)

    def focus_first(self) -> None:
        QTimer.singleShot(0, self.focus_search)
