"""A county form version taken while the window is open (issue 17), through the real path: the
sync controller's run against a county server on loopback that published version 2.

- A record dialog opened before keeps the version it was opened with (its fields, its checks) until
  saved; saved, it syncs, validated by the server against that version.
- The lists and the household detail show the new fields at once (a removed field's column goes),
  and search finds a value of a new field.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from desktop.services.session import Session
from desktop.services.settings import DictBackend, Settings
from desktop.services.setup import STATE_SIGNING_KEY
from desktop.ui.official.sync_wiring import SyncController
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.tasks import TaskRunner
from sync import form_versions as fv
from sync.provisioning import generate_signing_keypair
from tests.acceptance.test_county_forms import PASS, household, publish
from tests.desktop.ui.helpers import open_main_window
from tests.sync.form_workbooks import v2_household
from tests.sync_world import County, Laptop, server_records


def headers(page) -> list[str]:
    model = page.model
    return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]


def test_open_dialog_keeps_its_version_and_the_lists_follow_the_new_one(
    qtbot, zh, county: County, runner: TaskRunner, tmp_path: Path
) -> None:
    private, _ = generate_signing_keypair(PASS)
    lap = Laptop(tmp_path / "a.db", county, "a")
    lap.store.state_set(STATE_SIGNING_KEY, fv.sign(fv.builtin_document(), private, PASS)["signature"]["key"])
    kept = lap.store.household.create(household("0001", phone="13812345678"))
    lap.sync()
    ui = UiContext(Session(lap.store), runner, Settings(DictBackend()), DataBus())
    controller = SyncController(ui, lap.service)
    window = open_main_window(qtbot, ui, tmp_path)
    window.resize(1366, 728)
    page = window.households
    assert "联系电话" in headers(page.list) and "外出务工人数" not in headers(page.list)

    # A new household is being typed in when the sync takes version 2.
    page.list.new_record()
    qtbot.waitUntil(lambda: page.list.dialog is not None and page.list.dialog.save_button.isEnabled())
    dialog = page.list.dialog
    assert dialog is not None
    typed = {"household_no": "0002", "head_name": "Li", "address": "2", "phone": "13700000000"}
    for name, text in typed.items():
        editor = dialog.form.editors[name]
        assert isinstance(editor, QLineEdit)
        editor.setFocus()
        qtbot.keyClicks(editor, text)
    publish(county, tmp_path, 2, v2_household, private)
    with qtbot.waitSignal(ui.bus.forms_changed):
        controller.sync_now()
    assert ui.session.forms_version == 2 and controller.last_report.forms_taken == 2

    # The dialog keeps version 1: no field of version 2, the phone still there; its checks are
    # version 1's (members_away, required by version 2, is not asked for).
    assert dialog.pin.version == 1 and dialog.forms_note.isVisible()
    assert "表单已更新" in dialog.forms_note.text()
    shots = Path(os.environ.get("VDD_SHOTS") or tmp_path)
    dialog.grab().save(str(shots / "household_dialog_pinned.png"))
    assert "members_away" not in dialog.form.editors and not dialog.form.editors["phone"].isHidden()
    # The list shows version 2 at once, the dialog still open: new columns, the removed phone gone.
    shown = headers(page.list)
    assert {"外出务工人数", "家庭医生签约"} <= set(shown) and "联系电话" not in shown
    assert "detail_members_away" in {w.objectName() for w in page.values.values()}
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_button.click()
    made = saved.args[0]
    assert ui.session.store.household.get(made)["phone"] == "13700000000"

    # It syncs, validated against version 1 (version 2 would refuse it: members_away is required).
    with qtbot.waitSignal(controller.finished) as done:
        controller.sync_now()
    assert not done.args[0].rejected
    assert server_records(county)[made]["data"]["phone"] == "13700000000"

    # A dialog opened now has version 2's fields; a value of a new field shows in the list and the
    # detail, and search finds it.
    page.list.select(kept)
    qtbot.waitUntil(lambda: page.household_id == kept)
    page.list.edit_current()
    qtbot.waitUntil(lambda: page.list.dialog is not None and page.list.dialog.save_button.isEnabled())
    dialog = page.list.dialog
    assert dialog is not None and dialog.pin.version == 2 and dialog.form.editors["phone"].isHidden()
    assert not dialog.forms_note.isVisible()
    away = dialog.form.editors["members_away"]
    assert isinstance(away, QLineEdit)
    dialog.grab().save(str(shots / "household_dialog_v2.png"))
    away.setFocus()
    qtbot.keyClicks(away, "3")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    column = headers(page.list).index("外出务工人数")
    model = page.list.model
    qtbot.waitUntil(lambda: model.data(model.index(model.row_of(kept), column)) == "3")
    qtbot.waitUntil(lambda: page.values["members_away"].text() == "3")
    session = ui.session
    values = {"family_doctor": "signed", "members_away": 1}
    task = runner.run_db(lambda: session.save("household", made, values))
    qtbot.waitUntil(lambda: task.done)
    with qtbot.waitSignal(page.list.refreshed):
        ui.bus.changed.emit("household")
    page.list.filter.setText("已签约")
    qtbot.waitUntil(lambda: model.total() == 1)
    assert model.id_at(0) == made
    qtbot.waitUntil(lambda: model.data(model.index(0, headers(page.list).index("家庭医生签约"))) == "已签约")
    page.list.filter.clear()
    qtbot.waitUntil(lambda: model.total() == 2)
    page.list.select(made)
    qtbot.waitUntil(lambda: page.values["family_doctor"].text() == "已签约")
    window.grab().save(str(shots / "households_v2_columns.png"))
    controller.shutdown()
    lap.close()
