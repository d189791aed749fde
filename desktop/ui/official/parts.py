"""The village official's window, assembled: which parts fill it, in which order, and how they talk.

Every screen comes as a part (``desktop.ui.shared.parts``). The record pages, the indicators and Excel,
sync, the records waiting on the township and the settings are listed in :func:`official_parts`;
the navigation orders them by their ``place``. Parts that must hear each other are wired here, not
inside one another: the settings' automatic-sync switch and a new provisioning file reach the sync
part through its public methods.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction

from desktop.ui.official.households import HouseholdsPage
from desktop.ui.official.indicators_page import ReportsPart
from desktop.ui.official.records import RecordListPage
from desktop.ui.official.settings_page import SettingsPage
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.official.waiting import ReviewPart
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.parts import Host, Page, Part, Place, VillageHost


class RecordsPart(Part[Host]):
    """Households (with their members, income and services), persons, income, services: the pages
    the official types into. Ctrl+M adds a member to the household shown."""

    def __init__(self, ui: UiContext) -> None:
        self.households = HouseholdsPage(ui)
        self.persons = RecordListPage(ui, "person")
        self.income = RecordListPage(ui, "income")
        self.services = RecordListPage(ui, "service")
        self.member_action = QAction(QCoreApplication.translate("MainWindow", "Add member"))
        self.member_action.setObjectName("action_member")
        self.member_action.setShortcut("Ctrl+M")
        self.member_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.member_action.triggered.connect(self.add_member)
        self.host: Host | None = None

    def pages(self) -> list[Page]:
        def page(title: str, widget: HouseholdsPage | RecordListPage) -> Page:
            return Page(title, widget, Place.RECORDS, focus=widget.focus_search, new_record=widget.new_record)

        return [
            page(QCoreApplication.translate("MainWindow", "Households"), self.households),
            page(QCoreApplication.translate("MainWindow", "Persons"), self.persons),
            page(QCoreApplication.translate("MainWindow", "Income"), self.income),
            page(QCoreApplication.translate("MainWindow", "Services"), self.services),
        ]

    def actions(self) -> list[QAction]:
        return [self.member_action]

    def attach(self, host: Host) -> None:
        self.host = host

    def add_member(self) -> None:
        if self.host is not None:
            self.host.show_page(self.households)
        self.households.add_member()

    def restore_state(self, qsettings: QSettings) -> None:
        state = qsettings.value("window/splitter")
        if isinstance(state, QByteArray | bytes):
            self.households.restore_splitter(QByteArray(state))

    def save_state(self, qsettings: QSettings) -> None:
        qsettings.setValue("window/splitter", self.households.splitter.saveState())


class SettingsPart(Part[Host]):
    """The settings page, last in the navigation. ``DeskApp`` listens to its language and auto-lock
    signals; :func:`official_parts` connects the sync ones."""

    def __init__(self, ui: UiContext) -> None:
        self.page = SettingsPage(ui)

    def pages(self) -> list[Page]:
        return [Page(QCoreApplication.translate("MainWindow", "Settings"), self.page, Place.SETTINGS)]


def official_parts(ui: UiContext) -> Sequence[Part[VillageHost]]:
    """Every part of the official's window, in the order they are added: a new screen is one more
    line here."""
    settings = SettingsPart(ui)
    sync = SyncPart(ui)
    settings.page.auto_sync_changed.connect(sync.settings_changed)
    # A new provisioning file may move the laptop to another server: show it and check it.
    settings.page.provisioning.imported.connect(sync.server_changed)
    return [RecordsPart(ui), ReportsPart(ui), sync, ReviewPart(ui), settings]
