"""``village-desk --demo``: a demo village and a county server on loopback, opened straight away.

The demo keeps its own folder (``<data>/demo``) so it never touches real village data. The store is
made once, whole or not at all (user ``demo``, passphrase in ``desktop.services.demo``; a failed
attempt leaves nothing, so the next start makes it again); the county server (SQLite, in the
same folder) is started on a free loopback port each time, so the demo's server address is set
again on every start, and the laptop enrolls with a fresh code when it is not enrolled yet.
"""

from __future__ import annotations

import shutil

from desktop.services import demo
from desktop.services.settings import AppPaths
from desktop.services.sync_service import SyncService
from desktop.storage import Store
from desktop.ui.app import DeskApp


def prepare_demo(paths: AppPaths) -> tuple[AppPaths, demo.DemoServer]:
    demo_paths = AppPaths.default(paths.demo_dir).ensure()
    county = demo_paths.data_dir / "county"
    if not demo.demo_store_ready(demo_paths.store_path):
        # A new demo village: its county starts afresh too (it would hold the last one's records).
        shutil.rmtree(county, ignore_errors=True)
        demo.build_demo_store(demo_paths.store_path)
    server = demo.start_demo_server(county)
    return demo_paths, server


def _open(store_path: object, server: demo.DemoServer) -> tuple[Store, str | None]:
    """On the database thread: unlock, point the store at this run's server; the code if needed."""
    store = Store.unlock(store_path, demo.DEMO_USER, demo.DEMO_PASSPHRASE)  # type: ignore[arg-type]
    service = SyncService(store)
    if service.server_url != server.url:
        # Same server database on a new port: set the address directly, keeping the enrollment.
        store.state_set("server_url", server.url)
    return store, (None if service.enrolled else server.enrollment_code)


def open_demo(desk: DeskApp, server: demo.DemoServer) -> None:
    from desktop.ui.shared.i18n import install_language

    install_language(desk.settings.get("language"))
    path = desk.store_path
    desk.runner.run_db(
        lambda: _open(path, server),
        name="demo-unlock",
        on_done=lambda result: desk.open_session(result[0], enrollment_code=result[1]),
    )
