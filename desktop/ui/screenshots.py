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
from desktop.ui.official.main_window import MainWindow
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.official.unlock import UnlockDialog
from desktop.ui.official.wizard import SetupWizard
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.shared.window_fit import fit_rect

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

        sync = window.part(SyncPart)
        assert sync is not None  # the default parts were added at unlock
        sync_page, controller = sync.page, sync.controller
        window.show_page(sync_page)
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
        shots += render_township(out, Path(tmp) / "township")
    return shots


def render_township(out: Path, folder: Path) -> list[Path]:
    """The township desk (sign-in, work list, side by side, a stale refusal, history, duplicates)
    and the official's "waiting on township" list, on a made-up review scene."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from desktop.services.demo_review import STAFF_PASSWORD, STAFF_USER, make_review_demo
    from desktop.services.session import Session
    from desktop.services.settings import DictBackend, Settings
    from desktop.ui.official.waiting import ReviewPart
    from desktop.ui.shared.context import DataBus, UiContext
    from desktop.ui.township.duplicates import DuplicatesPage
    from desktop.ui.township.history import HistoryPage
    from desktop.ui.township.parts import WorkListPart
    from desktop.ui.township.staff_sign_in import StaffSignInDialog
    from desktop.ui.township.staff_window import StaffWindow

    shots: list[Path] = []
    scene = make_review_demo(folder)
    desk = DeskApp(AppPaths.default(folder / "staff-home"))
    desk.settings.set("language", "zh_CN")
    dialog = desk.start(staff=True)
    assert isinstance(dialog, StaffSignInDialog)
    dialog.server.setText(scene.url)
    dialog.user.setText(STAFF_USER)
    dialog.password.setText(STAFF_PASSWORD)
    shots.append(_grab(dialog, out, "13-staff-sign-in"))
    dialog.try_sign_in()
    _wait(until=lambda: desk.staff_window is not None)
    window = desk.staff_window
    assert isinstance(window, StaffWindow)
    window.resize(1366, 768)
    part = window.part(WorkListPart)
    assert part is not None
    page = part.page
    _wait(until=lambda: page.list.model.rowCount() > 0)
    _wait(300)
    shots.append(_grab(window, out, "14-work-list"))

    model = page.list.model
    row = next(r for r in range(model.rowCount()) if model.item_at(r).field == "occupation")
    page.open_item(model.item_at(row))
    view = page.view
    _wait(until=lambda: view.history.count() > 0)
    QTest.keyClick(view.compare, Qt.Key.Key_2)
    view.note.setText("入户核实，本人现在个体经营")
    shots.append(_grab(window, out, "15-side-by-side"))
    view.decide()
    _wait(until=lambda: page.stack.currentWidget() is page.list and model.rowCount() == 4)

    # A stale decision: the first laptop changes the household category while staff look at it.
    row = next(r for r in range(model.rowCount()) if model.item_at(r).entity == "household")
    page.open_item(model.item_at(row))
    store_a, service_a = scene.laptops[0]
    household = model.item_at(row).record_id
    store_a.household.update(household, {"category": "extreme_poverty"})
    service_a.run_sync()
    QTest.keyClick(view.compare, Qt.Key.Key_1)
    view.note.setText("村里核实为监测户")
    view.decide()
    _wait(until=lambda: "变化" in view.message.text())
    _wait(300)
    shots.append(_grab(window, out, "16-side-by-side-stale"))
    QTest.keyClick(view.compare, Qt.Key.Key_1)
    view.decide()
    _wait(until=lambda: page.stack.currentWidget() is page.list and model.rowCount() == 3)

    history = window.part_page(HistoryPage)
    assert history is not None
    window.show_page(history)
    _wait(until=lambda: history.table.rowCount() == 2)
    _wait(300)
    shots.append(_grab(window, out, "17-history"))
    duplicates = window.part_page(DuplicatesPage)
    assert duplicates is not None
    window.show_page(duplicates)
    _wait(until=lambda: duplicates.list.rowCount() > 0)
    _wait(300)
    shots.append(_grab(window, out, "18-duplicates"))
    desk.shutdown()

    # The official of the second laptop after the next sync: decisions in, others still waiting.
    scene.sync_all()
    store_b = scene.laptops[1][0]
    runner = TaskRunner()
    ui = UiContext(Session(store_b), runner, Settings(DictBackend()), DataBus())
    official = MainWindow(ui, QSettings(str(folder / "official.ini"), QSettings.Format.IniFormat))
    review = official.add_part(ReviewPart(ui))
    official.resize(1366, 768)
    official.show()
    _wait(until=official.status.conflicts.isVisible)
    review.open()
    _wait(until=lambda: review.page.table.rowCount() > 0)
    _wait(300)
    shots.append(_grab(official, out, "19-official-waiting-on-township"))
    official.shutdown()
    official.close()
    runner.shutdown()
    scene.close()
    return shots


def _indicator_shots(window: MainWindow, out: Path, tmp: Path) -> list[Path]:
    """The indicators page at 1366x768, the report's first page, the roster import's report."""
    import shutil
    import subprocess

    from desktop.ui.official.excel_page import ExcelPage
    from desktop.ui.official.indicators_page import IndicatorsPage

    shots = []
    window.resize(1366, 768)
    page = window.part_page(IndicatorsPage)
    assert page is not None
    window.show_page(page)
    _wait(until=lambda: page.result is not None and page.status.text().startswith("统计"))
    shots.append(_grab(window, out, "13-indicators"))
    pdf = tmp / "report.pdf"
    page.write_pdf(pdf)
    if shutil.which("pdftoppm"):
        first_page = ["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf), str(out / "14-report-page1")]
        subprocess.run(first_page, check=True)  # noqa: S603 - a fixed developer tool
        shots.append(out / "14-report-page1.png")
        print(shots[-1])
    excel = window.part_page(ExcelPage)
    assert excel is not None
    window.show_page(excel)
    shots.append(_grab(window, out, "15-excel"))
    roster = _bad_roster(tmp / "roster.xlsx", window.ui.session.village_code)
    from desktop.ui.official.import_wizard import RosterImportDialog

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
    from sync.resident_id import make_resident_id
    from sync.schema import load_forms

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

    from desktop.ui.shared.tasks import TaskRunner
    from desktop.ui.township.staff_indicators import StaffIndicatorsWidget

    demo.add_staff_scene(server, tmp)
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
