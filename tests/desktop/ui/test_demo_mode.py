"""``village-desk --demo`` after a first demo that failed half-way: the village opens full, not empty."""

from __future__ import annotations

from desktop.services import demo
from desktop.services.settings import AppPaths
from desktop.storage import Store
from desktop.ui.app import DeskApp
from desktop.ui.demo_mode import open_demo, prepare_demo
from desktop.ui.official.main_window import MainWindow
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.shared.tasks import TaskRunner


def test_demo_after_a_half_made_first_one_opens_a_full_village(qtbot, zh, home: AppPaths) -> None:
    # What an interrupted first demo used to leave: the store made in place, the village not in it.
    demo_paths = AppPaths.default(home.demo_dir).ensure()
    Store.create(demo_paths.store_path, demo.DEMO_USER, demo.DEMO_PASSPHRASE, demo.DEMO_VILLAGE).close()
    paths, server = prepare_demo(home)
    desk = DeskApp(paths, runner=TaskRunner())
    try:
        open_demo(desk, server)
        qtbot.waitUntil(lambda: isinstance(desk.window, MainWindow), timeout=20000)
        window = desk.window
        assert isinstance(window, MainWindow)
        qtbot.waitUntil(lambda: window.households.list.model.total() > 0, timeout=10000)
        assert window.households.list.model.total() >= 40  # 160 persons live in about 45 households
        # The demo enrolls and syncs on its own: let that end before closing.
        never = window.status.tr("Never synced")
        qtbot.waitUntil(lambda: window.status.last_sync.text() not in ("", never), timeout=60000)
        sync = window.part(SyncPart)
        assert sync is not None
        qtbot.waitUntil(lambda: not sync.controller.running)
    finally:
        desk.shutdown()
        server.stop()
