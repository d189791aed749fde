"""Every key hint of the township desk, followed literally, against the real county server on loopback.

Each test reads the hint from the widget that shows it, presses exactly the keys it names (always
into the widget that has the keyboard focus, as a person would), and checks what came out on the
server. Following "Tab 到说明" once wrote a staff note into the county's data: Tab landed on the
typed-value editor; these tests keep that from coming back.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.settings import DictBackend, Settings
from desktop.services.township import TownshipService
from desktop.ui.pages.township import WorkDeskPage
from desktop.ui.staff_window import StaffContext
from desktop.ui.tasks import TaskRunner
from tests.sync_world import server_records

from .helpers import focused, press, type_text
from .township_world import STAFF_PASSWORD, STAFF_USER, World, conflict_world

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    with conflict_world(tmp_path) as w:
        yield w


@pytest.fixture
def staff(world: World, runner: TaskRunner, zh) -> Iterator[StaffContext]:
    desk = TownshipService(world.county.url, None, language="zh_CN")
    desk.sign_in(STAFF_USER, STAFF_PASSWORD)
    yield StaffContext(desk, runner, Settings(DictBackend()))
    desk.close()


@pytest.fixture
def page(qtbot, staff: StaffContext) -> WorkDeskPage:
    page = WorkDeskPage(staff)
    qtbot.addWidget(page)
    page.resize(1326, 680)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 5, timeout=15000)
    page.list.focus_search()
    return page


def _open(qtbot, page: WorkDeskPage, field_label: str, entity_label: str = "家庭成员"):
    """Walk the list to the item with the arrow keys and open it with Enter."""
    model = page.list.model
    target = next(
        r
        for r in range(model.rowCount())
        if model.item_at(r).field_label == field_label and model.item_at(r).entity_label == entity_label
    )
    assert focused(qtbot) is page.list.view
    press(qtbot, Qt.Key.Key_Home, CTRL)
    for _ in range(target):
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.view
    qtbot.waitUntil(lambda: focused(qtbot) is page.view.compare)
    return page.view


def _hint(view) -> str:
    text = view.help.text()
    assert text.startswith("按键：")
    return text


def _county(world: World, record_id: str) -> dict:
    return server_records(world.county)[record_id]["data"]


def _decide(qtbot, view) -> object:
    """Ctrl+Enter, as the hint and the button say."""
    assert "Ctrl+Enter" in _hint(view) and "(Ctrl+Enter)" in view.decide_button.text()
    with qtbot.waitSignal(view.decided, timeout=15000) as decided:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    return decided.args[0]


def test_choose_a_village_column_then_tab_to_the_note_decides_that_column(
    qtbot, page: WorkDeskPage, world: World
) -> None:
    """The reported case: 2, Tab, the note, Ctrl+Enter (it used to write the note as the occupation)."""
    view = _open(qtbot, page, "职业")
    hint = _hint(view)
    assert "1–3 选择一列（3 = 县级）" in hint and "Tab 到说明" in hint
    press(qtbot, Qt.Key.Key_2)
    assert view.column == 2
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.note
    type_text(qtbot, "入户核实")
    item = _decide(qtbot, view)
    assert item.decision.choice == "village" and item.decision.display == "个体经营"
    assert _county(world, world.person)["occupation"] == "个体经营"
    assert view.typed is None or view.typed.text() != "入户核实"


def test_tab_first_then_the_note_without_a_choice_keeps_the_county_value(
    qtbot, page: WorkDeskPage, world: World
) -> None:
    """Tab straight away, type, Ctrl+Enter: the county column chosen at the start, never a typed value."""
    view = _open(qtbot, page, "职业")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.note
    type_text(qtbot, "入户核实，以县级为准")
    item = _decide(qtbot, view)
    assert item.decision.choice == "county"
    assert _county(world, world.person)["occupation"] == "务工"


def test_left_and_right_move_between_columns(qtbot, page: WorkDeskPage) -> None:
    view = _open(qtbot, page, "职业")
    assert "← → 切换" in _hint(view)
    assert view.column == 3  # the county to start with
    press(qtbot, Qt.Key.Key_Left)
    assert view.column == 2
    press(qtbot, Qt.Key.Key_Left)
    press(qtbot, Qt.Key.Key_Left)
    assert view.column == 1  # stops at the first village value, never the base
    press(qtbot, Qt.Key.Key_Right)
    assert view.column == 2 and focused(qtbot) is view.compare


def test_on_a_choice_field_the_note_is_not_swallowed_by_the_combo(
    qtbot, page: WorkDeskPage, world: World
) -> None:
    view = _open(qtbot, page, "文化程度")
    assert "1–2 选择一列（2 = 县级）" in _hint(view)
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.note
    type_text(qtbot, "jiaoyu ju confirmed")
    assert view.note.text() == "jiaoyu ju confirmed"
    item = _decide(qtbot, view)
    assert item.decision.choice == "village" and item.decision.value == "junior"
    assert _county(world, world.person)["education"] == "junior"


def test_zero_types_a_value_on_a_choice_field_then_tab_to_the_note(
    qtbot, page: WorkDeskPage, world: World
) -> None:
    view = _open(qtbot, page, "文化程度")
    assert "0 录入新数值" in _hint(view)
    press(qtbot, Qt.Key.Key_0)
    assert focused(qtbot) is view.typed and view.chosen_text() == "录入的数值"
    before = view.typed.currentData()
    press(qtbot, Qt.Key.Key_Down)  # the next choice of the list
    chosen = view.typed.currentData()
    assert chosen not in (before, None)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.note
    type_text(qtbot, "按毕业证书")
    item = _decide(qtbot, view)
    assert item.decision.choice == "typed" and item.decision.value == chosen
    assert _county(world, world.person)["education"] == chosen


def test_zero_types_a_phone_number_then_tab_to_the_note(qtbot, page: WorkDeskPage, world: World) -> None:
    view = _open(qtbot, page, "联系电话")
    assert "0 录入新数值" in _hint(view)
    press(qtbot, Qt.Key.Key_0)
    assert focused(qtbot) is view.typed
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "13512345678")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.note
    type_text(qtbot, "电话核实后更正")
    item = _decide(qtbot, view)
    assert item.decision.choice == "typed"
    assert _county(world, world.person)["phone"] == "13512345678"


def test_a_typed_value_needs_zero_or_a_click_not_tab(qtbot, page: WorkDeskPage) -> None:
    """Tab and Shift+Tab from the table never reach the typed editor: it is chosen on purpose only."""
    view = _open(qtbot, page, "联系电话")
    seen = set()
    for _ in range(6):
        press(qtbot, Qt.Key.Key_Tab)
        seen.add(focused(qtbot))
    assert view.typed not in seen
    view.compare.setFocus()
    qtbot.mouseClick(view.typed, Qt.MouseButton.LeftButton)
    assert view.chosen_text() == "录入的数值"


def test_delete_item_tab_to_the_note_then_tab_to_the_fields_to_restore(
    qtbot, page: WorkDeskPage, world: World
) -> None:
    view = _open(qtbot, page, "记录存续（删除/保留）")
    hint = _hint(view)
    assert "Tab 到说明" in hint and "再按 Tab 到要恢复的字段（空格勾选）" in hint
    assert "0 录入新数值" not in hint  # no typed value on a delete item
    press(qtbot, Qt.Key.Key_1)  # laptop B kept the record and edited its occupation
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.note
    type_text(qtbot, "此人仍在本村，职业不变")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is view.restore
    assert view.restore.item(0).checkState() == Qt.CheckState.Checked
    press(qtbot, Qt.Key.Key_Space)
    assert view.restore.item(0).checkState() == Qt.CheckState.Unchecked
    item = _decide(qtbot, view)
    assert item.decision.choice == "restore" and not item.decision.fields
    record = server_records(world.county)[world.gone]
    assert record["deleted"] is False and record["data"]["occupation"] != "外出务工"


def test_escape_goes_back_to_the_list(qtbot, page: WorkDeskPage) -> None:
    view = _open(qtbot, page, "职业")
    assert "(Esc)" in view.back_button.text()
    press(qtbot, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list
    assert focused(qtbot) is page.list.view
    QApplication.processEvents()
