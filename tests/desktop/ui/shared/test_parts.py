"""Screens plug into a window one way: parts, handed to the window, each bringing its pages (with the
keys they answer, declared), status widgets, actions, remembered state and a shutdown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from desktop.services.settings import DictBackend, Settings
from desktop.services.township.desk import TownshipService
from desktop.ui.official.indicators_page import ReportsPart
from desktop.ui.official.parts import RecordsPart, SettingsPart, official_parts
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.official.waiting import ReviewPart
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.parts import Host, Page, Part, Place, VillageStatus
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.staff_window import StaffContext, StaffWindow
from tests.desktop.ui.helpers import open_main_window


class Probe(Part[Host]):
    def __init__(self) -> None:
        self.page = QWidget()
        self.page.setObjectName("probe_page")
        self.label = QLabel("probe")
        self.action = QAction("probe")
        self.action.setObjectName("probe_action")
        self.calls: list[str] = []
        self.attached_to: Host | None = None

    def pages(self) -> list[Page]:
        return [
            Page(
                "Probe",
                self.page,
                Place.REVIEW,
                focus=lambda: self.calls.append("focus"),
                new_record=lambda: self.calls.append("new"),
            )
        ]

    def status_widgets(self) -> list[QWidget]:
        return [self.label]

    def actions(self) -> list[QAction]:
        return [self.action]

    def attach(self, host: Host) -> None:
        self.attached_to = host

    def restore_state(self, qsettings: QSettings) -> None:
        self.calls.append(f"restore {qsettings.value('probe/state', '')}")

    def save_state(self, qsettings: QSettings) -> None:
        qsettings.setValue("probe/state", "kept")

    def shutdown(self) -> None:
        self.calls.append("shutdown")


class Undeclared(QWidget):
    """A page with a search method it did not declare: the window must not guess it."""

    def __init__(self) -> None:
        super().__init__()
        self.searched = 0

    def focus_search(self) -> None:
        self.searched += 1


class Plain(Part[Host]):
    def __init__(self) -> None:
        self.page = Undeclared()

    def pages(self) -> list[Page]:
        return [Page("Plain", self.page, Place.TOOLS)]


def test_the_officials_window_is_its_list_of_parts(qtbot, zh, ui: UiContext, tmp_path) -> None:
    parts = official_parts(ui)
    assert [type(p) for p in parts] == [RecordsPart, ReportsPart, SyncPart, ReviewPart, SettingsPart]
    window = open_main_window(qtbot, ui, tmp_path, parts)
    titles = [page.title for page in window.pages]
    records, tools = ["家庭户", "人员", "收入", "服务"], ["指标", "Excel 导入导出", "同步"]
    assert titles == [*records, "等待乡镇处理", *tools, "设置"]
    assert window.nav.count() == len(window.pages) == window.stack.count()
    assert window.households is window.part(RecordsPart).households  # type: ignore[union-attr]
    # The settings' automatic-sync switch reaches the sync part (wired in official_parts).
    sync = window.part(SyncPart)
    settings = window.part(SettingsPart)
    assert sync is not None and settings is not None
    assert not sync.controller.auto_timer.isActive()
    ui.settings.set("auto_sync", True)
    settings.page.auto_sync.setChecked(True)
    assert sync.controller.auto_timer.isActive()
    window.shutdown()
    assert not sync.controller.reach_timer.isActive()


def test_a_part_brings_pages_keys_widgets_actions_state_and_shutdown(qtbot, ui: UiContext, tmp_path) -> None:
    probe, plain = Probe(), Plain()
    window = open_main_window(qtbot, ui, tmp_path, [RecordsPart(ui), plain, probe])
    titles = [page.title for page in window.pages]
    records = [window.households, window.persons, window.income, window.services]
    assert [page.widget for page in window.pages[:4]] == records
    assert titles[4:] == ["Probe", "Plain"]  # ordered by place, not by the order given
    assert probe.label.isVisibleTo(window) and probe.action in window.actions()
    assert probe.attached_to is window
    assert probe.calls == ["restore "]  # the window handed it its settings after attaching it
    assert window.part(Probe) is probe and window.part_page(Undeclared) is plain.page

    window.show_page(probe.page)
    assert window.current_page() is probe.page and window.nav.currentRow() == 4
    assert probe.calls[-1] == "focus"
    window.new_action.trigger()
    window.find_action.trigger()
    assert probe.calls[-2:] == ["new", "focus"]

    # Keys a page did not declare do nothing there, whatever methods its widget has.
    window.show_page(plain.page)
    window.new_action.trigger()
    window.find_action.trigger()
    assert plain.page.searched == 0 and probe.calls[-1] == "focus"

    window.save_geometry()
    assert window.qsettings.value("probe/state") == "kept"
    window.shutdown()
    window.shutdown()
    assert probe.calls.count("shutdown") == 1  # once, however often the window is shut down


def test_ctrl_m_comes_with_the_record_pages(qtbot, ui: UiContext, tmp_path) -> None:
    window = open_main_window(qtbot, ui, tmp_path, [RecordsPart(ui), Probe()])
    window.show_page(4)
    member = window.findChild(QAction, "action_member")
    assert member is not None and member.shortcut().toString() == "Ctrl+M"
    assert member.shortcutContext() == Qt.ShortcutContext.WindowShortcut
    member.trigger()
    assert window.current_page() is window.households


class Status:
    """The status line as a part sees it (``VillageStatus``), with nothing behind it."""

    def __init__(self) -> None:
        self.review: tuple[int, int] | None = None
        self.clicked: list[Callable[[], None]] = []

    def set_online(self, online: bool | None) -> None: ...
    def set_last_sync(self, when: float | None) -> None: ...
    def say(self, text: str) -> None: ...

    def set_review(self, waiting: int, decided: int) -> None:
        self.review = (waiting, decided)

    def on_review_clicked(self, slot: Callable[[], None]) -> None:
        self.clicked.append(slot)


class BareHost:
    """Only what ``VillageHost`` promises: no window, no status bar widget."""

    def __init__(self) -> None:
        self.status: VillageStatus = Status()
        self.shown: list[int | QWidget] = []

    def show_page(self, page: int | QWidget) -> None:
        self.shown.append(page)

    def refresh_pending(self) -> None: ...


def test_a_part_needs_only_the_interface_of_its_window(qtbot, ui: UiContext) -> None:
    host = BareHost()
    review = ReviewPart(ui)
    qtbot.addWidget(review.page)
    review.attach(host)
    status = host.status
    assert isinstance(status, Status)
    qtbot.waitUntil(lambda: status.review == (0, 0))
    status.clicked[0]()  # the official clicks the count
    assert host.shown == [review.page]
    review.shutdown()


def test_the_staff_window_takes_its_parts_the_same_way(qtbot, runner: TaskRunner, tmp_path) -> None:
    desk = TownshipService("http://127.0.0.1:9", None, language="zh_CN")
    try:
        probe = Probe()
        qsettings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
        window = StaffWindow(StaffContext(desk, runner, Settings(DictBackend())), qsettings, [probe])
        qtbot.addWidget(window)
        assert [page.widget for page in window.pages] == [probe.page] and probe.attached_to is window
        window.show_page(0)
        assert probe.calls[-1] == "focus"
        window.save_geometry()
        assert qsettings.value("probe/state") == "kept"
    finally:
        desk.close()
