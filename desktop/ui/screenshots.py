"""Render the main screens in Chinese to PNG files, offscreen, so anyone can look at them.

    python -m desktop.ui.screenshots OUTDIR        # e.g. screenshots/ (ignored by git)

Uses a throwaway demo village (made-up data) and a demo county server on loopback, so the sync page
shows a real run. Needs a CJK font (Debian/Ubuntu: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QRect, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.services import demo
from desktop.services.settings import AppPaths
from desktop.ui.app import DeskApp
from desktop.ui.launch import make_qapp
from desktop.ui.main_window import MainWindow
from desktop.ui.unlock import UnlockDialog
from desktop.ui.window_fit import fit_rect
from desktop.ui.wizard import SetupWizard

LAPTOP_AVAILABLE = QRect(0, 0, 1366, 768 - 40)


def _wait(ms: int = 300, until: Callable[[], bool] | None = None, timeout_ms: int = 20000) -> None:
    """Run the event loop for ``ms`` (or until ``until()`` holds, at most ``timeout_ms``)."""
    loop = QEventLoop()
    waited = 0
    while True:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50
        if until is None and waited >= ms:
            return
        if until is not None and (until() or waited >= timeout_ms):
            return


def _font(app: QApplication) -> None:
    families = QFontDatabase.families()
    for name in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei"):
        if name in families:
            app.setFont(QFont(name, 10))
            return


def _grab(widget: QWidget, out: Path, name: str) -> Path:
    _wait(200)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)
    return path


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    app = make_qapp()
    _font(app)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="village-desk-shots-") as tmp:
        # First run: the wizard, on a fresh home.
        first = DeskApp(AppPaths.default(Path(tmp) / "fresh"), kdf=None)
        first.settings.set("language", "zh_CN")
        wizard = first.start()
        assert isinstance(wizard, SetupWizard)  # a fresh home: no data file yet
        wizard.resize(640, 480)
        shots.append(_grab(wizard, out, "01-first-run-language"))
        wizard.next()
        shots.append(_grab(wizard, out, "02-first-run-server"))
        wizard.next()  # refused: no file given, so the message shows
        shots.append(_grab(wizard, out, "03-first-run-server-message"))
        wizard.server_page.use_none.setChecked(True)
        wizard.server_page.village.setText(demo.DEMO_VILLAGE)
        wizard.next()
        wizard.user_page.user.setText("村文书")
        wizard.user_page.passphrase.setText("青山绿水2025")
        shots.append(_grab(wizard, out, "04-first-run-user"))
        first.shutdown()

        # The demo village with its county server.
        home = AppPaths.default(Path(tmp) / "demo").ensure()
        server = demo.start_demo_server(home.data_dir / "county")
        store = demo.create_demo_store(home.store_path, persons=160)
        store.state_set("server_url", server.url)
        store.close()
        desk = DeskApp(home)
        desk.settings.set("language", "zh_CN")
        unlock = desk.start()
        assert isinstance(unlock, UnlockDialog)  # the demo data file exists
        shots.append(_grab(unlock, out, "05-unlock"))
        unlock.passphrase.setText("wrong passphrase")
        unlock.try_unlock()
        _wait(until=unlock.timer.isActive, timeout_ms=10000)
        shots.append(_grab(unlock, out, "06-unlock-wrong-passphrase"))
        _wait(until=unlock.button.isEnabled, timeout_ms=5000)
        unlock.passphrase.setText(demo.DEMO_PASSPHRASE)
        unlock.try_unlock()
        _wait(until=lambda: desk.window is not None)
        window = desk.window
        assert isinstance(window, MainWindow)
        # As on a 1366x768 laptop with a 40-pixel taskbar, the window sized as the app sizes it.
        window.setGeometry(fit_rect(None, LAPTOP_AVAILABLE))
        page = window.households
        _wait(until=lambda: page.list.model.total() > 0)
        page.list.select(page.list.model.id_at(2) or "")
        _wait(until=lambda: page.members.model.total() > 0)
        _wait(500)
        shots.append(_grab(window, out, "07-households"))

        page.members.view.selectRow(0)
        page.members.edit_current()
        _wait(until=lambda: page.members.dialog is not None and page.members.dialog.save_button.isEnabled())
        dialog = page.members.dialog
        assert dialog is not None
        editor = dialog.form.editors["resident_id"]
        assert isinstance(editor, QLineEdit)
        editor.setText(editor.text()[:-1] + ("0" if not editor.text().endswith("0") else "1"))
        dialog.form.commit()
        dialog.form.check(dialog.record_id)
        shots.append(_grab(dialog, out, "08-person-form-inline-problem"))
        dialog.reject()

        window.show_page(1)
        window.persons.filter.setText("王")
        _wait(until=lambda: 0 < window.persons.model.total() < 160)
        _wait(500)
        shots.append(_grab(window, out, "09-persons-search"))

        window.show_page(2)
        _wait(800)
        shots.append(_grab(window, out, "10-income"))

        window.show_page(3)
        _wait(800)
        shots.append(_grab(window, out, "10b-services"))
        services = window.services
        services.new_record()
        _wait(until=lambda: services.dialog is not None and services.dialog.save_button.isEnabled())
        service = services.dialog
        assert service is not None
        for name, typed in (("date", "20240520"), ("amount_fen", "1200.505"), ("provider", "镇民政办")):
            field = service.form.editors[name]
            assert isinstance(field, QLineEdit)
            field.setText(typed)
            field.editingFinished.emit()
        service.form.commit()
        service.form.check()
        shots.append(_grab(service, out, "10c-service-form-typed-date-bad-amount"))
        service.form.editors["type"].setFocus()
        service.reject()

        sync_page, controller = window.sync_page, window.sync_controller
        assert sync_page is not None and controller is not None  # attach_sync ran at unlock
        sync_index = next(i for i, (_t, p) in enumerate(window.pages) if p is sync_page)
        window.show_page(sync_index)
        sync_page.code.setText(server.enrollment_code)
        controller.enroll(server.enrollment_code)
        _wait(until=lambda: sync_page.progress.value() == 100, timeout_ms=60000)
        _wait(500)
        shots.append(_grab(window, out, "11-sync-done"))

        window.show_page(len(window.pages) - 1)
        shots.append(_grab(window, out, "12-settings"))
        desk.shutdown()
        server.stop()
    return shots


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "screenshots")
    render(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
