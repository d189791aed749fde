"""Start the Qt application (normal or demo) and run it until the last window closes."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.services.settings import AppPaths
from desktop.ui.app import DeskApp
from sync.resources import resources_dir

SCREENSHOT_DELAY_MS = 1500


def make_qapp() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Village Data Desk")
    app.setOrganizationName("VillageDataDesk")
    icon = resources_dir() / "icons" / "village-desk.png"
    if icon.is_file():  # every window's icon (Windows takes the program's own from the .exe)
        app.setWindowIcon(QIcon(str(icon)))
    app.setQuitOnLastWindowClosed(False)
    return app


def run_app(
    home: str | None = None,
    *,
    demo: bool = False,
    language: str | None = None,
    staff: bool = False,
    ready_report: str | None = None,
    ready_screenshot: str | None = None,
) -> int:
    """Run the app. ``ready_report`` (``-`` for stdout, or a file): once the first screen is up,
    write the time (seconds since the epoch) there and quit, as ``--exit-when-ready`` asks;
    ``ready_screenshot``: save a picture of the screen first (``--screenshot``)."""
    qapp = make_qapp()
    paths = AppPaths.default(home)
    demo_server = None
    if demo:
        from desktop.ui.demo_mode import prepare_demo

        paths, demo_server = prepare_demo(paths)
    desk = DeskApp(paths)
    if language:
        desk.settings.set("language", language)
    if demo_server is not None:
        from desktop.ui.demo_mode import open_demo

        open_demo(desk, demo_server)
    else:
        first = desk.start(staff=staff)
        first.show()
    if ready_report:
        QTimer.singleShot(0, lambda: _report_ready(ready_report, ready_screenshot))
    # Quit when the person closes the last window (a lock swaps windows without closing the last).
    qapp.lastWindowClosed.connect(lambda: QTimer.singleShot(0, _quit_if_idle))
    # Everything made so far (modules, widgets, forms) lives as long as the app: keep it out of the
    # collector's full passes, which otherwise walk it all and stall the UI for ~50 ms mid-sync.
    gc.freeze()
    code = qapp.exec()
    desk.shutdown()
    if demo_server is not None:
        demo_server.stop()
    return code


def _report_ready(where: str, screenshot: str | None = None) -> None:
    """The first screen is shown and the event loop runs: a person could type now.

    Writes ``ready <seconds since the epoch> <screen> <field>``: the shown window's object name and
    the field a person would type into first (``-`` when none has focus), so a smoke test can tell
    the first-run wizard's pre-seeded path (``setup_wizard setup_user``) from the plain one.
    """
    now = time.time()
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    screen = shown[-1] if shown else None
    focus = screen.focusWidget() if screen is not None else None
    line = " ".join(
        (
            f"ready {now:.6f}",
            (screen.objectName() or type(screen).__name__) if screen is not None else "-",
            (focus.objectName() or type(focus).__name__) if focus is not None else "-",
        )
    )
    if screenshot:
        # The window system draws the window after this first turn of the event loop: the picture
        # waits a moment for it (the ready time above is already taken).
        QTimer.singleShot(SCREENSHOT_DELAY_MS, lambda: _finish_ready(where, line, screenshot))
        return
    _finish_ready(where, line, None)


def _finish_ready(where: str, line: str, screenshot: str | None) -> None:
    if screenshot:
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        screen = shown[-1].screen() if shown else QApplication.primaryScreen()
        screen.grabWindow(0).save(screenshot, "PNG")  # the whole screen, as the window system shows it
    if where == "-":
        if sys.stdout is not None:  # a windowed Windows build has no stdout
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
    else:
        Path(where).write_text(line + "\n", encoding="utf-8")
    QApplication.quit()


def _quit_if_idle() -> None:
    if not any(w.isVisible() for w in QApplication.topLevelWidgets()):
        QApplication.quit()
