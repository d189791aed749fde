"""Parts plug pages, status widgets, actions and a shutdown into a window through one interface."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from desktop.ui.context import UiContext
from desktop.ui.pages.settings_page import SettingsPage
from desktop.ui.parts import Host, Page, Part, Place
from desktop.ui.sync_wiring import SyncPart

from .helpers import open_main_window


class Probe(Part):
    def __init__(self) -> None:
        self.page = QWidget()
        self.label = QLabel("probe")
        self.action = QAction("probe")
        self.action.setObjectName("probe_action")
        self.stopped = 0
        self.attached_to: Host | None = None

    def pages(self) -> list[Page]:
        return [Page("Probe", self.page, Place.REVIEW)]

    def status_widgets(self) -> list[QWidget]:
        return [self.label]

    def actions(self) -> list[QAction]:
        return [self.action]

    def attach(self, host: Host) -> None:
        super().attach(host)
        self.attached_to = host

    def shutdown(self) -> None:
        self.stopped += 1


def test_a_part_brings_its_page_status_widget_action_and_shutdown(qtbot, ui: UiContext, tmp_path) -> None:
    window = open_main_window(qtbot, ui, tmp_path)
    settings = SettingsPage(ui)
    window.add_page("Settings", settings, place=Place.SETTINGS)
    sync = window.add_part(SyncPart(ui, settings))
    probe = window.add_part(Probe())
    # A page added later without wiring (the indicators page) lands before the settings too.
    extra = QWidget()
    window.add_page("Indicators", extra)

    titles = [title for title, _page in window.pages]
    records = [window.households, window.persons, window.income, window.services]
    assert [page for _title, page in window.pages[:4]] == records
    assert titles[4] == "Probe" and titles[6:] == ["Indicators", "Settings"]
    assert window.pages[5][1] is sync.page and window.pages[4][1] is probe.page
    assert window.nav.count() == len(window.pages) == window.stack.count()
    assert probe.label.parent() is not None and probe.label.isVisibleTo(window)
    assert probe.action in window.actions()
    assert probe.attached_to is window
    assert window.part(SyncPart) is sync and window.part(Probe) is probe

    window.show_page(probe.page)
    assert window.current_page() is probe.page and window.nav.currentRow() == 4

    window.shutdown()
    window.shutdown()
    assert probe.stopped == 1  # once, however often the window is shut down
    assert not sync.controller.reach_timer.isActive()
