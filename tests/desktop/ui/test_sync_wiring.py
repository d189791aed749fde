"""The sync controller's enrollment and server callbacks, against a real county server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.ui.context import UiContext
from desktop.ui.sync_wiring import SyncPart
from sync.server import admin, embedded

from .conftest import VILLAGE
from .helpers import open_main_window


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

    with qtbot.waitSignal(controller.state_changed, timeout=5000):
        controller.configure(county_url)
    assert controller.service.server_url == county_url

    with qtbot.waitSignal(controller.enroll_failed, timeout=10000) as failed:
        controller.enroll("not-a-real-code", sync_after=False)
    assert isinstance(failed.args[0], Exception)
    assert not controller.service.enrolled
