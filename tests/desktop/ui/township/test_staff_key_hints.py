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
from desktop.services.township.desk import TownshipService
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.parts import WorkDeskPage
from desktop.ui.township.staff_window import StaffContext
from tests.desktop.ui.helpers import focused, press, type_text
from tests.desktop.ui.township.township_world import STAFF_PASSWORD, STAFF_USER, World, conflict_world
from tests.sync_world import server_records

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
    assert view.compare.item(1, 0).text() == "—"  # the edited field's earlier value is not kept

    # The history names the field that was not restored by its label, not "字段".
    from desktop.ui.township.history import HistoryPage

    history = HistoryPage(page.staff)
    qtbot.addWidget(history)
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=15000)
    aside = history.table.item(0, 7).text()
    assert "职业（未恢复）：外出务工" in aside and "字段" not in aside

    # A decided item waits no longer: no age in the list, "已处理" in the view.
    page.list.status.setCurrentIndex(page.list.status.findData("all"))
    with qtbot.waitSignal(page.list.model.loaded, timeout=15000):
        page.list.filters_changed()
    model = page.list.model
    row = model.row_of(item.id)
    assert model.data(model.index(row, 6)) == "" and model.data(model.index(row, 7)) == "已处理"
    page.open_item(model.item_at(row))
    assert page.view.subtitle.text().endswith("· 已处理") and "已等待" not in page.view.subtitle.text()


def test_escape_goes_back_to_the_list(qtbot, page: WorkDeskPage) -> None:
    view = _open(qtbot, page, "职业")
    assert "(Esc)" in view.back_button.text()
    press(qtbot, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list
    assert focused(qtbot) is page.list.view
    QApplication.processEvents()


# -- the work list ------------------------------------------------------------------------------------


def test_ctrl_g_opens_the_item_by_the_number_shown_in_the_list(qtbot, page: WorkDeskPage) -> None:
    model = page.list.model
    assert model.headerData(0, Qt.Orientation.Horizontal) == "编号"
    number = model.data(model.index(3, 0))
    assert len(number) == 8
    assert "(Ctrl+G)" in page.goto.placeholderText()
    press(qtbot, Qt.Key.Key_G, CTRL)
    assert focused(qtbot) is page.goto
    type_text(qtbot, number)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.view, timeout=15000)
    assert page.view.item.id == model.item_at(3).id
    # A number that is not there is said so, in those words.
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_G, CTRL)
    type_text(qtbot, "00000000")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "没有编号为 00000000 的事项" in page.list.message.text(), timeout=15000)
    # …and the message goes when the filters change.
    with qtbot.waitSignal(page.list.model.loaded, timeout=15000):
        page.list.status.setCurrentIndex(2)
        page.list.status.activated.emit(2)
    assert page.list.message.text() == ""


def test_ctrl_f_searches_by_name_and_enter_goes_to_the_list(qtbot, page: WorkDeskPage, world: World) -> None:
    name = world.a.store.person.get(world.person)["name"]
    assert "(Ctrl+F)" in page.list.search.placeholderText()
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused(qtbot) is page.list.search
    type_text(qtbot, name)
    with qtbot.waitSignal(page.list.model.loaded, timeout=15000):
        press(qtbot, Qt.Key.Key_Return)
    model = page.list.model
    found = [model.item_at(r).record_id for r in range(model.rowCount())]
    assert found.count(world.person) == 3  # occupation, education, phone
    assert set(found) <= {world.person, world.household}  # and the household's, when the head
    assert focused(qtbot) is page.list.view
    assert "Enter 打开事项" in page.list.help.text()
    press(qtbot, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.view


@pytest.fixture
def phones(qtbot, tmp_path, runner: TaskRunner, zh) -> Iterator[tuple[WorkDeskPage, object]]:
    from tests.desktop.ui.township.township_world import competing_phones, start_world

    county = start_world(tmp_path)
    laptops = competing_phones(county, tmp_path, 12)
    desk = TownshipService(county.url, None, language="zh_CN")
    desk.sign_in(STAFF_USER, STAFF_PASSWORD)
    try:
        page = WorkDeskPage(StaffContext(desk, runner, Settings(DictBackend())))
        qtbot.addWidget(page)
        page.resize(1326, 680)
        page.show()
        page.activateWindow()
        qtbot.waitExposed(page)
        qtbot.waitUntil(lambda: page.list.model.rowCount() >= 4, timeout=15000)
        page.list.focus_search()
        yield page, county
    finally:
        desk.close()
        for laptop in laptops:
            laptop.close()
        county.stop()


def test_ctrl_a_then_ctrl_b_decides_all_with_one_choice_and_note(qtbot, phones) -> None:
    page, county = phones
    hint = page.list.help.text()
    assert "Ctrl+A" in hint and "Ctrl+B 一并处理" in hint
    assert focused(qtbot) is page.list.view
    press(qtbot, Qt.Key.Key_A, CTRL)
    count = page.list.model.rowCount()
    assert len(page.list.selected_items()) == count
    press(qtbot, Qt.Key.Key_B, CTRL)
    dialog = page.bulk
    qtbot.waitUntil(lambda: focused(qtbot) is dialog.choice)
    assert "↑ ↓ 选择处理方式" in dialog.help.text() and "Tab 到说明" in dialog.help.text()
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.choice.currentData() == "village_newest"
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is dialog.note
    type_text(qtbot, "村里统一更新了电话")
    assert "(Ctrl+Enter)" in dialog.decide_button.text()
    with qtbot.waitSignal(dialog.done_deciding, timeout=30000) as done:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    outcome = done.args[0]
    assert len(outcome.decided) == count and not outcome.refused
    phones_now = [r["data"]["phone"] for r in server_records(county).values() if "household_no" in r["data"]]
    assert phones_now and all(p.startswith("139") for p in phones_now)
    assert "(Esc)" in dialog.close_button.text()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 0, timeout=15000)
    assert focused(qtbot) is page.list.view


def test_shift_down_selects_two_and_a_typed_value_is_reached_as_the_hint_says(qtbot, phones) -> None:
    page, county = phones
    press(qtbot, Qt.Key.Key_Home, CTRL)
    press(qtbot, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    chosen = page.list.selected_items()
    assert len(chosen) == 2
    press(qtbot, Qt.Key.Key_B, CTRL)
    dialog = page.bulk
    qtbot.waitUntil(lambda: focused(qtbot) is dialog.choice)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.choice.currentData() == "typed"
    assert "Tab 到新数值，再按 Tab 到说明" in dialog.help.text()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is dialog.typed
    type_text(qtbot, "13512345678")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is dialog.note
    type_text(qtbot, "户主新号码")
    with qtbot.waitSignal(dialog.done_deciding, timeout=30000) as done:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert {i.id for i in done.args[0].decided} == {i.id for i in chosen}
    records = server_records(county)
    assert all(records[i.record_id]["data"]["phone"] == "13512345678" for i in chosen)


def test_f5_refreshes_the_history(qtbot, staff: StaffContext) -> None:
    from desktop.ui.township.history import HistoryPage

    history = HistoryPage(staff)
    qtbot.addWidget(history)
    history.show()
    history.activateWindow()
    qtbot.waitExposed(history)
    qtbot.waitUntil(lambda: history.count.text() == "0 条处理记录", timeout=15000)
    item = next(i for i in staff.desk.items().items if i.kind == "field")
    staff.desk.decide(item, "county", note="电话核实")  # decided at another desk
    assert "(F5)" in history.reload_button.text()
    history.table.setFocus()
    press(qtbot, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=15000)
