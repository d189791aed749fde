"""A record saved while the list's search filter would hide it is shown and selected all the same,
and the household detail (members, income, services) follows it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.ui.shared.context import UiContext
from tests.desktop.ui.helpers import WORK_MS, focused, open_main_window, press, tab, type_text
from tests.desktop.ui.official.test_records import _household

CTRL = Qt.KeyboardModifier.ControlModifier


def _wait_dialog(qtbot, page):
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.save_button.isEnabled(), timeout=WORK_MS)
    return page.dialog


def test_a_new_household_saved_under_a_filter_is_shown(qtbot, zh, ui: UiContext, tmp_path) -> None:
    zhao = _household(ui, "0007", "赵德福")
    _household(ui, "0008", "孙秀兰")
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households
    with qtbot.waitSignal(page.list.refreshed, timeout=WORK_MS):
        page.list.filter.setText("赵")
    qtbot.waitUntil(lambda: page.list.model.total() == 1)
    page.list.select(zhao)
    qtbot.waitUntil(lambda: page.household_id == zhao)
    qtbot.waitUntil(lambda: "赵德福" in page.title.text())

    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = _wait_dialog(qtbot, page.list)
    assert focused().objectName() == "field_household_no"
    type_text(qtbot, "0101")
    tab(qtbot)
    type_text(qtbot, "李建国")
    tab(qtbot)
    type_text(qtbot, "三组12号")
    with qtbot.waitSignal(dialog.saved, timeout=WORK_MS) as saved:
        press(qtbot, Qt.Key.Key_Return)
    new_id = saved.args[0]
    qtbot.waitUntil(lambda: page.list.current_id() == new_id, timeout=WORK_MS)
    assert page.list.filter.text() == ""  # the filter that hid it is cleared, and that is said
    assert "已清除搜索" in page.list.count_label.text()
    qtbot.waitUntil(lambda: page.household_id == new_id and "李建国" in page.title.text(), timeout=WORK_MS)
    assert page.members.where == {"household_id": new_id}
    # Ctrl+M adds a member to the household just saved, not to the one shown before.
    press(qtbot, Qt.Key.Key_M, CTRL)
    member = _wait_dialog(qtbot, page.members)
    assert member.context == {"household_id": new_id} or page.members.where == {"household_id": new_id}
    member.reject()


def test_an_edit_that_no_longer_matches_the_filter_stays_selected(qtbot, zh, ui: UiContext, tmp_path) -> None:
    zhao = _household(ui, "0007", "赵德福")
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households
    with qtbot.waitSignal(page.list.refreshed, timeout=WORK_MS):
        page.list.filter.setText("赵")
    qtbot.waitUntil(lambda: page.list.model.total() == 1)
    page.list.select(zhao)
    page.list.view.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # Enter on a row opens it
    dialog = _wait_dialog(qtbot, page.list)
    head = dialog.form.editors["head_name"]
    head.setFocus()
    head.selectAll()
    type_text(qtbot, "钱德福")
    with qtbot.waitSignal(dialog.saved, timeout=WORK_MS):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "钱德福" in page.title.text(), timeout=WORK_MS)
    qtbot.waitUntil(lambda: page.list.current_id() == zhao, timeout=WORK_MS)
    assert page.household_id == zhao
