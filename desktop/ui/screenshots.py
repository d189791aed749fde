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

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from desktop.services import demo
from desktop.services.settings import AppPaths
from desktop.ui.app import DeskApp
from desktop.ui.launch import make_qapp
from desktop.ui.main_window import MainWindow
from desktop.ui.unlock import UnlockDialog
from desktop.ui.wizard import SetupWizard


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
        window.resize(1280, 800)
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
        shots += _indicator_shots(window, out, Path(tmp))
        shots += _staff_shots(server, out, Path(tmp))
        desk.shutdown()
        server.stop()
    return shots


def _indicator_shots(window: MainWindow, out: Path, tmp: Path) -> list[Path]:
    """The indicators page at 1366x768, the report's first page, the roster import's report."""
    import shutil
    import subprocess

    from desktop.ui.pages.excel_page import ExcelPage
    from desktop.ui.pages.indicators_page import IndicatorsPage

    shots = []
    window.resize(1366, 768)
    index = next(i for i, (_t, p) in enumerate(window.pages) if isinstance(p, IndicatorsPage))
    page = window.pages[index][1]
    assert isinstance(page, IndicatorsPage)
    window.show_page(index)
    _wait(until=lambda: page.result is not None and page.status.text().startswith("统计"))
    shots.append(_grab(window, out, "13-indicators"))
    pdf = tmp / "report.pdf"
    page.write_pdf(pdf)
    if shutil.which("pdftoppm"):
        first_page = ["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf), str(out / "14-report-page1")]
        subprocess.run(first_page, check=True)  # noqa: S603 - a fixed developer tool
        shots.append(out / "14-report-page1.png")
        print(shots[-1])
    excel = next(p for _t, p in window.pages if isinstance(p, ExcelPage))
    window.show_page(window.pages.index(next(x for x in window.pages if x[1] is excel)))
    shots.append(_grab(window, out, "15-excel"))
    roster = _bad_roster(tmp / "roster.xlsx", window.ui.session.village_code)
    from desktop.ui.import_wizard import RosterImportDialog

    dialog = excel.open_import()
    assert isinstance(dialog, RosterImportDialog)
    dialog.path.setText(str(roster))
    dialog.next()
    _wait(until=lambda: dialog.steps.currentIndex() == 1)
    shots.append(_grab(dialog, out, "16-import-mapping"))
    dialog.next()
    _wait(until=lambda: dialog.steps.currentIndex() == 2)
    shots.append(_grab(dialog, out, "17-import-report"))
    dialog.close()
    return shots


def _bad_roster(path: Path, village: str) -> Path:
    from datetime import date

    from openpyxl import Workbook

    from desktop.services import roster_import as ri
    from sync.schema import load_forms, make_resident_id

    forms = load_forms()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([ri.header_label(forms, key) for key, _ in ri.roster_fields(forms)])
    good = make_resident_id(village[:6], date(1980, 3, 4), 21)
    spouse = make_resident_id(village[:6], date(1982, 1, 2), 30)
    rows = [
        ("0901", "孙大山", "三组5号", "一般户", "孙大山", good, "户主"),
        ("0901", "孙大山", "三组5号", "一般户", "", spouse, "配偶"),
        ("0901", "孙大山", "三组5号", "一般户", "孙小", 110105200001010011, "子女"),
        ("0902", "周文", '=HYPERLINK("http://x","点此")', "一般户", "周文",
         make_resident_id(village[:6], date(1975, 5, 6), 41), "户主"),
        ("0903", "吴青", "四组1号", "富裕户", "吴青",
         make_resident_id(village[:6], date(1990, 7, 8), 51), "户主"),
    ]  # fmt: skip
    keys = [key for key, _ in ri.roster_fields(forms)]
    for r in rows:
        values = dict(zip(keys[:7], (*r[:4], r[4], r[5], r[6]), strict=True))
        values[("person", "ethnicity")] = "汉族"
        sheet.append([values.get(k) for k in keys])
    book.save(path)
    return path


def _staff_shots(server: demo.DemoServer, out: Path, tmp: Path) -> list[Path]:
    """Three more villages synced to the demo county, then the staff view of all of them."""
    import requests

    from desktop.services.sync_service import SyncService
    from desktop.storage import KdfParams, Store
    from desktop.ui.staff_indicators import StaffIndicatorsWidget
    from desktop.ui.tasks import TaskRunner
    from sync.server import admin, enroll

    county = server.server.store
    township = demo.DEMO_VILLAGE[:9]
    for n, (name, persons, uninsured) in enumerate(
        (("南村", 90, 0), ("北村", 60, 15), ("中村", 40, 4)), start=2
    ):
        code = f"{township}{n:03d}"
        admin.add_village(county, code, name)
        store = Store.create(
            tmp / f"{code}.vdd", "clerk", "a passphrase 1", code, kdf=KdfParams.fast_for_tests()
        )
        demo.populate(store, persons, seed=n)
        for person in list(store.person.iter_all())[:uninsured]:
            store.person.update(person["id"], {"medical_insurance": "none"})
        service = SyncService(store)
        service.configure(server.url, None)
        service.enroll(enroll.issue_code(county, code), name)
        service.run_sync()
        store.close()
    admin.add_user(county, "town", "town passphrase 1", "township", township)
    login = {"username": "town", "password": "town passphrase 1"}
    token = requests.post(f"{server.url}/api/v1/staff/login", json=login, timeout=30).json()["token"]

    def fetch(year: int, line_fen: int) -> dict:
        reply = requests.get(
            f"{server.url}/api/v1/staff/indicators",
            params={"year": year, "threshold_fen": line_fen},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        reply.raise_for_status()
        return dict(reply.json())

    runner = TaskRunner()
    widget = StaffIndicatorsWidget(fetch, runner)
    widget.resize(1366, 768)
    widget.show()
    widget.refresh()
    _wait(until=lambda: widget.answer is not None)
    shots = [_grab(widget, out, "18-staff-villages")]
    widget.open_village(0)
    shots.append(_grab(widget, out, "19-staff-village-detail"))
    widget.close()
    runner.shutdown()
    return shots


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "screenshots")
    render(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
