"""Register a household with two members using only the keyboard; the resident ID fills in the rest."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from desktop.ui.shared.context import UiContext
from sync.resident_id import make_resident_id
from tests.desktop.ui.helpers import WORK_MS, focused, open_main_window, press, tab, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def _wait_dialog(qtbot, page):
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog is not None
    if not dialog.save_button.isEnabled():
        with qtbot.waitSignal(dialog.ready):
            pass
    return dialog


def test_household_with_two_members_by_keyboard_only(qtbot, zh, ui: UiContext, tmp_path) -> None:
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households

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
    household_id = saved.args[0]
    qtbot.waitUntil(lambda: page.household_id == household_id)

    head_id = make_resident_id("530102", date(1968, 3, 9), 11)
    wife_id = make_resident_id("530102", date(1970, 11, 30), 22)
    for name, resident_id, downs in (("李建国", head_id, 0), ("王秀英", wife_id, 2)):
        press(qtbot, Qt.Key.Key_M, CTRL)
        dialog = _wait_dialog(qtbot, page.members)
        assert focused().objectName() == "field_name"
        type_text(qtbot, name)
        tab(qtbot)
        assert focused().objectName() == "field_resident_id"
        type_text(qtbot, resident_id.lower())
        tab(qtbot)
        assert focused().objectName() == "field_relation"
        for _ in range(downs):
            press(qtbot, Qt.Key.Key_Down)
        with qtbot.waitSignal(dialog.saved, timeout=WORK_MS):
            press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible())

    qtbot.waitUntil(lambda: page.members.model.total() == 2)
    people = {p["name"]: p for p in ui.session.rows("person", ui.session.ids("person"))}
    assert people["李建国"]["relation"] == "head"
    assert people["李建国"]["sex"] == "male" and people["李建国"]["birth_date"] == "1968-03-09"
    assert people["王秀英"]["relation"] == "spouse"
    assert people["王秀英"]["sex"] == "female" and people["王秀英"]["birth_date"] == "1970-11-30"
    assert {p["household_id"] for p in people.values()} == {household_id}
    assert ui.session.pending_count() == 3
