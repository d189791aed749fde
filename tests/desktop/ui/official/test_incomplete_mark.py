"""A field the county's forms made required marks the records lacking it 待补充 in the list, and
saving such a record in its form asks for the field (issue 17)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.session import Session
from desktop.services.settings import DictBackend, Settings
from desktop.storage import Store
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.tasks import TaskRunner
from tests.desktop.storage.test_incomplete import version_2
from tests.desktop.ui.helpers import open_main_window

HOUSEHOLD = {"household_no": "0007", "head_name": "赵德福", "address": "一组3号", "category": "ordinary",
             "status": "active"}  # fmt: skip


def test_records_to_complete_are_marked_and_the_form_asks(
    qtbot, zh, store: Store, runner: TaskRunner, tmp_path
) -> None:
    old = store.household.create(dict(HOUSEHOLD))
    store.take_forms(version_2())
    ui = UiContext(Session(store), runner, Settings(DictBackend()), DataBus())
    done = ui.session.save("household", None, {**HOUSEHOLD, "household_no": "0008", "members_away": 1})
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households
    model = page.list.model
    qtbot.waitUntil(lambda: model.total() == 2, timeout=10000)
    row = model.row_of(old)
    qtbot.waitUntil(lambda: (model.data(model.index(row, 0)) or "").endswith(" [待补充]"), timeout=10000)
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 2 条，1 条待补充", timeout=10000)
    assert model.is_incomplete(row) and not model.is_incomplete(model.row_of(done))
    assert "[待补充]" not in (model.data(model.index(model.row_of(done), 0)) or "")
    tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "必填" in tip
    window.resize(1366, 728)
    qtbot.waitUntil(lambda: (model.data(model.index(row, 0)) or "").endswith(" [待补充]"), timeout=10000)
    window.grab().save(str(tmp_path / "incomplete_mark.png"))

    # Saving it in the form asks for the field; filled in, the mark goes.
    page.list.select(old)
    qtbot.waitUntil(lambda: page.household_id == old, timeout=10000)
    page.list.edit_current()
    qtbot.waitUntil(
        lambda: page.list.dialog is not None and page.list.dialog.save_button.isEnabled(), timeout=10000
    )
    dialog = page.list.dialog
    with qtbot.waitSignal(dialog.save_failed, timeout=10000):
        dialog.save_button.click()
    assert dialog.isVisible() and dialog.form.problem_labels["members_away"].isVisible()
    ui.session.save("household", old, {"members_away": 2})
    dialog.reject()
    page.list.refresh(changed=True)
    qtbot.waitUntil(lambda: not model.is_incomplete(model.row_of(old)), timeout=10000)
