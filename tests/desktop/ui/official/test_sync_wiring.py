"""The sync controller's enrollment and server callbacks, against a real county server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from desktop.ui.official.sync_page import SyncPart
from desktop.ui.shared.context import UiContext
from sync.server import admin, embedded
from tests.desktop.ui.conftest import VILLAGE
from tests.desktop.ui.helpers import WORK_MS, open_main_window


@pytest.fixture
def county_url(tmp_path) -> Iterator[str]:
    server = embedded.start(tmp_path / "county.sqlite3")
    admin.add_village(server.store, VILLAGE, "测试村")
    yield server.url
    server.stop()


def test_a_wrong_code_reports_enroll_failed_and_configure_reports_state(
    qtbot, ui: UiContext, county_url, tmp_path
) -> None:
    window = open_main_window(qtbot, ui, tmp_path)
    controller = window.add_part(SyncPart(ui)).controller
    assert controller is not None

    with qtbot.waitSignal(controller.state_changed, timeout=WORK_MS):
        controller.configure(county_url)
    assert controller.service.server_url == county_url

    with qtbot.waitSignal(controller.enroll_failed, timeout=10000) as failed:
        controller.enroll("not-a-real-code", sync_after=False)
    assert isinstance(failed.args[0], Exception)
    assert not controller.service.enrolled


@pytest.fixture
def county_server(tmp_path) -> Iterator[embedded.EmbeddedServer]:
    server = embedded.start(tmp_path / "county2.sqlite3")
    admin.add_village(server.store, VILLAGE, "测试村")
    yield server
    server.stop()


def test_the_ui_thread_never_reads_the_store_for_sync_state(
    qtbot, ui: UiContext, county_server, tmp_path
) -> None:
    """A sync run holds the store for whole pages at a time: the controller's timers and callbacks
    must read it through the task runner's database thread, or the window freezes meanwhile.
    Every statement the store runs is traced with the thread that ran it."""
    from sync.server import enroll

    county_url = county_server.url
    window = open_main_window(qtbot, ui, tmp_path)
    main = threading.get_ident()
    on_ui_thread: list[str] = []

    def trace(sql: str) -> None:
        if threading.get_ident() == main:
            on_ui_thread.append(sql)

    ui.session.store.db.conn.set_trace_callback(trace)
    ui.settings.set("auto_sync", True)
    controller = window.add_part(SyncPart(ui)).controller
    with qtbot.waitSignal(controller.state_changed, timeout=WORK_MS):
        controller.configure(county_url)
    with qtbot.waitSignal(controller.reachability, timeout=WORK_MS):
        controller.check_reachable()
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.enroll(enroll.issue_code(county_server.store, VILLAGE), sync_after=True)
    qtbot.waitUntil(lambda: controller.task is None, timeout=WORK_MS)
    with qtbot.waitSignal(controller.finished, timeout=20000):
        controller.auto_timer.timeout.emit()  # the automatic sync: reachability, then a run
    controller.reach_timer.timeout.emit()
    qtbot.waitUntil(lambda: controller.task is None, timeout=WORK_MS)
    qtbot.wait(200)  # callbacks queued behind the last signals
    ui.session.store.db.conn.set_trace_callback(None)
    assert on_ui_thread == [], "\n".join(on_ui_thread)


def test_a_wrong_laptop_clock_is_shown_in_the_status_bar(
    qtbot, ui: UiContext, county_server, tmp_path
) -> None:
    import time

    window = open_main_window(qtbot, ui, tmp_path)
    controller = window.add_part(SyncPart(ui)).controller
    with qtbot.waitSignal(controller.state_changed, timeout=WORK_MS):
        controller.configure(county_server.url)
    qtbot.waitUntil(lambda: not ui.runner.busy, timeout=WORK_MS)  # the checks configuring started
    assert window.status.currentMessage() == ""
    county_server.store.clock = lambda: time.time() + 3 * 3600  # the laptop is 3 hours behind
    with qtbot.waitSignal(controller.clock_checked, timeout=WORK_MS):
        controller.check_reachable()
    assert "3 hours" in window.status.currentMessage()
    county_server.store.clock = time.time
    with qtbot.waitSignal(controller.clock_checked, timeout=WORK_MS):
        controller.check_reachable()
    assert window.status.currentMessage() == ""
