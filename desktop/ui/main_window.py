"""The main window: pages on the left, the chosen page on the right, the status bar below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence

from desktop.ui.context import UiContext
from desktop.ui.pages.households import HouseholdsPage
from desktop.ui.pages.records import RecordListPage
from desktop.ui.parts import PagedWindow, Place
from desktop.ui.status import StatusBar
from desktop.ui.window_fit import place_window

if TYPE_CHECKING:
    from desktop.ui.pages.settings_page import SettingsPage


class MainWindow(PagedWindow):
    """The village official's window: the record pages here; sync, review and settings come as parts
    (``desktop.ui.parts``), assembled by ``DeskApp``."""

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
        for title, page in (
            (self.tr("Households"), self.households),
            (self.tr("Persons"), self.persons),
            (self.tr("Income"), self.income),
            (self.tr("Services"), self.services),
        ):
            self.add_page(title, page, place=Place.RECORDS)
        self.settings_page: SettingsPage | None = None
        """The settings page once the app added it (other parts add their sections to it)."""
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._actions()
        self._restore()
        self.nav.setCurrentRow(0)
        # A bound method, not a lambda: Qt drops the connection when this window is deleted (the
        # bus outlives it), where a lambda would go on calling into the deleted window.
        ui.bus.changed.connect(self._data_changed)
        self.refresh_pending()

    def _data_changed(self, _entity: str) -> None:
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

    # -- actions ---------------------------------------------------------------------------------------
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
