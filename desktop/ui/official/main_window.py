"""The village official's window: pages on the left, the chosen page on the right, the status line
below. What fills it comes as parts (``desktop.ui.shared.parts``), listed in ``desktop.ui.official.parts``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence

from desktop.ui.official.households import HouseholdsPage
from desktop.ui.official.parts import RecordsPart
from desktop.ui.official.records import RecordListPage
from desktop.ui.official.status import StatusBar
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.parts import PagedWindow, Part, VillageHost


class MainWindow(PagedWindow):
    """``parts``: every screen (``desktop.ui.official.parts.official_parts``); by default only the record
    pages (tests, the screenshots). Ctrl+N and Ctrl+F go to what the shown page declared."""

    lock_requested = Signal()
    language_changed = Signal(str)

    def __init__(
        self, ui: UiContext, qsettings: QSettings, parts: Sequence[Part[VillageHost]] | None = None
    ) -> None:
        super().__init__()
        self.ui = ui
        self.qsettings = qsettings
        self.setObjectName("main_window")
        self.setWindowTitle(
            self.tr("Village Data Desk — village {code}, {user}").format(
                code=ui.session.village_code, user=ui.session.user
            )
        )
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        for part in [RecordsPart(ui)] if parts is None else parts:
            self.add_part(part)
        records = self.part(RecordsPart)
        assert records is not None, "the official's window starts with its record pages"
        self.records = records
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
        self.find_action = add(
            self.tr("Search"), QKeySequence(QKeySequence.StandardKey.Find), self.focus_search, "action_find"
        )
        self.lock_action = add(self.tr("Lock"), "Ctrl+L", self.lock_requested, "action_lock")

    # -- actions ---------------------------------------------------------------------------------------
    def new_record(self) -> None:
        page = self.current()
        if page is not None and page.new_record is not None:
            page.new_record()

    def focus_search(self) -> None:
        page = self.current()
        if page is not None and page.focus is not None:
            page.focus()

    # The record pages, for tests and the screenshots (they belong to the records part).
    @property
    def households(self) -> HouseholdsPage:
        return self.records.households

    @property
    def persons(self) -> RecordListPage:
        return self.records.persons

    @property
    def income(self) -> RecordListPage:
        return self.records.income

    @property
    def services(self) -> RecordListPage:
        return self.records.services

    def refresh_pending(self) -> None:
        session = self.ui.session
        self.ui.runner.run_db(session.pending_count, name="pending", on_done=self.status.set_pending)

    # -- geometry -------------------------------------------------------------------------------------
    def _restore(self) -> None:
        self.place()
        self.restore_parts(self.qsettings)

    def focus_first(self) -> None:
        # With the window as context: a window closed and deleted before the moment comes (a lock
        # right after the unlock) is not called.
        QTimer.singleShot(0, self, self.focus_search)
