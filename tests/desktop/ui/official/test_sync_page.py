"""A sync run from the sync page against a real county server on loopback (embedded, SQLite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.services import demo
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.shared.context import UiContext
from sync.server import admin, embedded, enroll
from tests.desktop.ui.conftest import VILLAGE
from tests.desktop.ui.helpers import WORK_MS, open_main_window


@pytest.fixture
def county(tmp_path) -> Iterator[tuple[str, str]]:
    server = embedded.start(tmp_path / "county.sqlite3")
    admin.add_village(server.store, VILLAGE, "测试村")
    code = enroll.issue_code(server.store, VILLAGE)
    yield server.url, code
    server.stop()


def test_sync_reaches_100_percent_against_the_real_server(qtbot, zh, ui: UiContext, county, tmp_path) -> None:
    url, code = county
    demo.populate(ui.session.store, 40)
    ui.session.store.state_set("server_url", url)
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    controller, page = part.controller, part.page
    qtbot.waitUntil(
        lambda: window.status.connection.text() != "" and controller.online is True, timeout=WORK_MS
    )
    assert not page.sync_button.isEnabled()  # not enrolled yet

    page.code.setText(code)
    with qtbot.waitSignal(controller.enrolled, timeout=10000):
        page.enroll_button.click()
    values: list[int] = []
    page.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(controller.finished, timeout=30000) as done:
        pass  # enrolling starts the first sync
    report = done.args[0]
    assert report.pushed > 40 and not report.rejected
    assert page.progress.value() == 100 and values[-1] == 100
    assert values == sorted(values)  # never goes backwards
    assert ui.session.pending_count() == 0
    waiting = window.status.tr("Nothing waiting to sync")
    qtbot.waitUntil(lambda: window.status.pending.text() == waiting)
    # Its own task after the sync's end, like the count above: waited for, not raced.
    qtbot.waitUntil(lambda: window.status.last_sync.text() != window.status.tr("Never synced"))

    # An edit, then "Sync now" by the button: one more change goes up.
    person = ui.session.ids("person")[0]
    ui.session.save("person", person, {"occupation": "务农"})
    qtbot.waitUntil(page.sync_button.isEnabled)
    with qtbot.waitSignal(controller.finished, timeout=30000) as again:
        page.sync_button.click()
    assert again.args[0].pushed == 1
    assert page.progress.value() == 100


def test_no_server_is_said_in_plain_words(qtbot, zh, ui: UiContext, tmp_path) -> None:
    ui.session.store.state_set("server_url", "http://127.0.0.1:9")  # nothing listens there
    ui.session.store.state_set("device_id", "x")
    ui.session.store.state_set("device_key", "A" * 43 + "=")
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    controller, page = part.controller, part.page
    controller.service.remote_factory = _no_retry_remote
    with qtbot.waitSignal(controller.failed, timeout=20000):
        controller.sync_now()
    assert "无法连接" in page.result.text()
    assert controller.online is False
    assert window.status.connection.text() == window.status.tr("○ Offline")


def _no_retry_remote(config):
    from sync.laptop import client
    from sync.retry import RetryPolicy

    return client.HttpRemote(
        config.server_url, config.ca_bundle, config.device_id, config.key, retry=RetryPolicy(total=0)
    )
