"""The pages that read the forms when they run follow a county form version taken while they are on
screen, through the real path: the sync controller's run against a county server on loopback that
published version 2 (a choice field marked ``indicator: count``, an integer field marked ``sum`` and
required, the household's phone removed).

- The indicators page shows the marked fields at once, nothing pressed, the year chosen kept.
- The roster import's columns follow: the mapping lists the new fields (the choices made kept), a
  checked roster not yet imported is checked again with the new forms, the template has them; work
  running when the version arrives ends first.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox

from desktop.services.session import Session
from desktop.services.settings import DictBackend, Settings
from desktop.services.setup import STATE_SIGNING_KEY
from desktop.ui.official.import_wizard import RosterImportDialog
from desktop.ui.official.indicators_page import ReportsPart
from desktop.ui.official.parts import RecordsPart
from desktop.ui.official.sync_wiring import SyncController
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.tasks import TaskRunner
from sync import form_versions as fv
from sync.form_workbook import document_from_workbook, read_workbook
from sync.provisioning import generate_signing_keypair
from sync.resident_id import make_resident_id
from sync.server import form_store
from tests.acceptance.test_county_forms import PASS, household
from tests.desktop.ui.helpers import open_main_window
from tests.sync.form_workbooks import write_workbook
from tests.sync_world import COUNTY, VILLAGE, County, Laptop

MARKED_COUNT = "家庭医生签约：已签约"
MARKED_SUM = "外出务工人数（合计）"


def v2_marked(survey: list[list[Any]], choices: list[list[Any]]) -> None:
    """Version 2 with the county's marks in the workbook's ``indicator`` column."""
    survey[:] = [r for r in survey if r[1] != "phone"]
    survey.append(["select_one family_doctor", "family_doctor", "家庭医生签约", "Family doctor", "no",
                   None, None, None, None, "count"])  # fmt: skip
    survey.append(["integer", "members_away", "外出务工人数", "Members working away", "yes",
                   0, 20, None, None, "sum"])  # fmt: skip
    choices.append(["family_doctor", "signed", "已签约", "Signed"])
    choices.append(["family_doctor", "not_signed", "未签约", "Not signed"])


def publish_v2(county: County, tmp_path: Path, key: bytes) -> None:
    """County IT publishes the workbook, as ``forms publish`` does."""
    with county.store.read() as conn:
        latest = form_store.latest(conn, COUNTY)
    path = write_workbook(tmp_path / "v2.xlsx", "household", 2, v2_marked, document=latest,
                          extra_columns=("indicator",))  # fmt: skip
    book = read_workbook(path)
    try:
        document = document_from_workbook(book, latest)
    finally:
        book.close()
    assert fv.problems(document) == []
    assert form_store.publish(county.store, COUNTY, fv.sign(document, key, PASS), "县信息中心") == 2


class Desk:
    """A laptop enrolled with the county, its session and sync controller."""

    def __init__(self, county: County, runner: TaskRunner, tmp_path: Path) -> None:
        self.key, _ = generate_signing_keypair(PASS)
        self.lap = Laptop(tmp_path / "a.db", county, "a")
        signed = fv.sign(fv.builtin_document(), self.key, PASS)
        self.lap.store.state_set(STATE_SIGNING_KEY, signed["signature"]["key"])
        self.lap.store.household.create(household("0001"))
        self.lap.sync()
        self.ui = UiContext(Session(self.lap.store), runner, Settings(DictBackend()), DataBus())
        self.controller = SyncController(self.ui, self.lap.service)

    def close(self) -> None:
        self.controller.shutdown()
        self.lap.close()


@pytest.fixture
def desk(county: County, runner: TaskRunner, tmp_path: Path) -> Iterator[Desk]:
    d = Desk(county, runner, tmp_path)
    yield d
    d.close()


def take_v2(qtbot, desk: Desk, county: County, tmp_path: Path) -> None:
    publish_v2(county, tmp_path, desk.key)
    with qtbot.waitSignal(desk.ui.bus.forms_changed):
        desk.controller.sync_now()
    assert desk.ui.session.forms_version == 2


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("VDD_SHOTS") or tmp_path)


# -- the indicators page ----------------------------------------------------------------------------


def test_the_indicators_page_on_screen_shows_a_marked_field_when_the_version_arrives(
    qtbot, zh, desk: Desk, county: County, tmp_path: Path
) -> None:
    ui = desk.ui
    reports = ReportsPart(ui)
    window = open_main_window(qtbot, ui, tmp_path, [RecordsPart(ui), reports])
    window.resize(1366, 768)
    page = reports.indicators
    with qtbot.waitSignal(page.refreshed):
        window.show_page(page)
    year = page.year.value() - 1
    with qtbot.waitSignal(page.refreshed):
        page.year.setValue(year)  # the official's choice, kept through the refresh
    table = page.view.table
    assert table.value_of(MARKED_COUNT) is None

    # A value of the marked field only reaches the laptop with the version: the forms alone moved.
    take_v2(qtbot, desk, county, tmp_path)
    qtbot.waitUntil(lambda: table.value_of(MARKED_COUNT) == "0")
    assert table.value_of("家庭医生签约：未填写") == "1"
    assert table.value_of(MARKED_SUM) == "0"
    assert page.year.value() == year and window.current_page() is page
    qtbot.waitUntil(lambda: page.status.text().startswith("统计日期"))
    marked = table.findItems(MARKED_COUNT, Qt.MatchFlag.MatchExactly)[0]
    table.scrollToItem(marked, QAbstractItemView.ScrollHint.PositionAtCenter)
    qtbot.wait(100)  # the bar laid out again for the status's new text
    assert not table.visualItemRect(marked).isEmpty()
    shot = window.grab()  # the window on a 1366x768 screen, the indicators page shown
    assert (shot.width(), shot.height()) == (1366, 768)
    assert shot.save(str(shots(tmp_path) / "indicators_after_forms_v2.png"))


def test_a_hidden_indicators_page_shows_the_marked_field_when_shown_again(
    qtbot, zh, desk: Desk, county: County, tmp_path: Path
) -> None:
    ui = desk.ui
    reports = ReportsPart(ui)
    window = open_main_window(qtbot, ui, tmp_path, [RecordsPart(ui), reports])
    page = reports.indicators
    with qtbot.waitSignal(page.refreshed):
        window.show_page(page)
    window.show_page(window.households)
    take_v2(qtbot, desk, county, tmp_path)
    with qtbot.waitSignal(page.refreshed):
        window.show_page(page)
    qtbot.waitUntil(lambda: page.view.table.value_of(MARKED_COUNT) == "0")


# -- the roster import -------------------------------------------------------------------------------

HEADERS = [
    "户号",
    "户主姓名",
    "家庭住址",
    "家庭类别",
    "姓名",
    "公民身份号码",
    "与户主关系",
    "民族",
    "外出务工人数",
]


def roster(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    rid = make_resident_id(VILLAGE[:6], date(1970, 3, 1), 18)
    sheet.append(["0002", "王五", "二组", "一般户", "王五", rid, "户主", "汉族", 2])
    book.save(path)
    return path


def mapped_items(dialog: RosterImportDialog) -> list[str]:
    table = dialog.mapping
    return [item.text() for i in range(table.rowCount()) if (item := table.item(i, 0)) is not None]


def combo_of(dialog: RosterImportDialog, label: str) -> QComboBox:
    row = mapped_items(dialog).index(label)
    combo = dialog.mapping.cellWidget(row, 1)
    assert isinstance(combo, QComboBox)
    return combo


def open_dialog(qtbot, ui: UiContext, path: Path) -> RosterImportDialog:
    dialog = RosterImportDialog(ui)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(path))
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1 and not dialog._busy())
    return dialog


def test_the_import_mapping_follows_the_new_version_and_keeps_the_choices_made(
    qtbot, zh, desk: Desk, county: County, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, desk.ui, roster(tmp_path / "roster.xlsx"))
    assert "外出务工人数*" not in mapped_items(dialog)
    ethnicity = combo_of(dialog, "民族*")
    ethnicity.setCurrentIndex(0)  # the official says the file has no ethnicity column
    take_v2(qtbot, desk, county, tmp_path)

    items = mapped_items(dialog)
    assert {"外出务工人数*", "家庭医生签约"} <= set(items)
    assert combo_of(dialog, "外出务工人数*").currentText() == "外出务工人数"  # found in the file
    assert combo_of(dialog, "家庭医生签约").currentIndex() == 0
    assert combo_of(dialog, "民族*").currentIndex() == 0  # the choice made is kept
    assert combo_of(dialog, "户号*").currentText() == "户号"
    assert dialog.steps.currentIndex() == 1 and dialog.path.text().endswith("roster.xlsx")

    # The template saved now asks for the new fields.
    task = dialog.save_template(tmp_path / "template.xlsx")
    qtbot.waitUntil(lambda: task.done)
    sheet = load_workbook(tmp_path / "template.xlsx").active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["家庭医生签约", "外出务工人数*"]


def test_a_checked_roster_not_imported_is_checked_again_with_the_new_version(
    qtbot, zh, desk: Desk, county: County, tmp_path: Path
) -> None:
    path = roster(tmp_path / "roster.xlsx")
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.delete_cols(len(HEADERS))  # a roster made before version 2: no 外出务工人数
    book.save(path)
    dialog = open_dialog(qtbot, desk.ui, path)
    with qtbot.waitSignal(dialog.checked) as checked:
        dialog.next_button.click()
    assert checked.args[0].ok and dialog.next_button.text() == "导入"

    # Version 2 requires 外出务工人数: the rows are checked again, nothing can be imported.
    with qtbot.waitSignal(dialog.checked) as again:
        take_v2(qtbot, desk, county, tmp_path)
    plan = again.args[0]
    assert not plan.ok and any(p.column == "外出务工人数*" for p in plan.problems)
    assert dialog.steps.currentIndex() == 2 and not dialog.next_button.isEnabled()
    assert "外出务工人数" in dialog.report.item(0, 1).text()


def test_a_check_running_when_the_version_arrives_ends_first(
    qtbot, zh, desk: Desk, county: County, tmp_path: Path
) -> None:
    """The check queued after the sync took the version: the dialog hears of it while checking, and
    checks again (with the new columns mapped) once that check has ended, never beside it."""
    ui = desk.ui
    dialog = open_dialog(qtbot, ui, roster(tmp_path / "roster.xlsx"))
    publish_v2(county, tmp_path, desk.key)
    release = threading.Event()
    held = ui.runner.run_db(lambda: release.wait(60), name="hold")
    busy_when_told: list[bool] = []
    ui.bus.forms_changed.connect(lambda: busy_when_told.append(dialog._busy()))
    with qtbot.waitSignal(desk.controller.finished):  # after_sync now waits behind the hold
        desk.controller.sync_now()
    checks: list[Any] = []
    dialog.checked.connect(checks.append)
    dialog.next_button.click()  # queued after after_sync
    assert dialog._busy()
    release.set()
    qtbot.waitUntil(lambda: held.done and len(checks) == 2)
    assert busy_when_told == [True]
    first, second = checks
    assert any(p.column == "外出务工人数*" for p in first.problems)  # the old mapping lacks it
    assert second.ok, second.problems  # the new column found in the file and mapped
    assert combo_of(dialog, "外出务工人数*").currentText() == "外出务工人数"
    qtbot.waitUntil(lambda: not dialog._busy())
    with qtbot.waitSignal(dialog.imported) as imported:
        dialog.next_button.click()
    assert imported.args[0] == {"household": 1, "person": 1}
