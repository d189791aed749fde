"""The whole township flow, by keyboard only, against the real county server on loopback.

Three laptops of one village edit offline (one field on all three, one field each, delete against
edit) and sync. A township staff member starts the app in staff mode, signs in, and by keyboard
sees the grouped items with names and labels and decides each way (county, village, typed, restore
after delete), meeting one stale decision that is refused and shown again. After the next sync
every laptop equals the server field by field, and each official sees the outcome in the app.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from desktop.services.session import Session
from desktop.services.settings import AppPaths, DictBackend, Settings
from desktop.ui.app import DeskApp
from desktop.ui.official.main_window import MainWindow
from desktop.ui.official.waiting import ReviewPart
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.parts import WorkDeskPage, WorkListPart
from desktop.ui.township.staff_sign_in import StaffSignInDialog
from desktop.ui.township.staff_window import StaffWindow
from tests.desktop.ui.conftest import FAST_KDF
from tests.desktop.ui.helpers import WORK_MS, focused, type_text
from tests.desktop.ui.township.township_world import STAFF_PASSWORD, STAFF_USER, World, conflict_world
from tests.sync_world import assert_laptop_equals_server, postgres_database, server_records

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path) -> Iterator[World]:
    if request.param == "sqlite":
        with conflict_world(tmp_path) as w:
            yield w
        return
    with postgres_database() as url, conflict_world(tmp_path, url) as w:
        yield w


@pytest.fixture
def desk(qapp, home: AppPaths) -> Iterator[DeskApp]:
    app = DeskApp(home, kdf=FAST_KDF, runner=TaskRunner())
    yield app
    app.shutdown()


def key(qtbot, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(qtbot), k, modifier)


def tab_to(qtbot, widget: QWidget, limit: int = 12) -> None:
    for _ in range(limit):
        if focused(qtbot) is widget:
            return
        key(qtbot, Qt.Key.Key_Tab)
    assert focused(qtbot) is widget, f"Tab never reached {widget.objectName()}"


def open_row(qtbot, page: WorkDeskPage, field_label: str, entity_label: str) -> None:
    """Walk the list with the arrow keys to the item, and open it with Enter."""
    model, view = page.list.model, page.list.view
    target = next(
        r
        for r in range(model.rowCount())
        if model.item_at(r).field_label == field_label and model.item_at(r).entity_label == entity_label
    )
    assert focused(qtbot) is view
    key(qtbot, Qt.Key.Key_Home, CTRL)
    for _ in range(target):
        key(qtbot, Qt.Key.Key_Down)
    assert view.currentIndex().row() == target
    key(qtbot, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.view
    qtbot.waitUntil(lambda: focused(qtbot) is page.view.compare)


def decide(qtbot, page: WorkDeskPage, column_key: Qt.Key, note: str, *, expect_refusal: bool = False) -> None:
    view = page.view
    key(qtbot, column_key)
    if column_key != Qt.Key.Key_Tab:
        assert "Tab 到说明" in view.help.text()
        key(qtbot, Qt.Key.Key_Tab)  # once, as the hint says
    assert focused(qtbot) is view.note
    if not view.note.text():
        type_text(qtbot, note)
    signal = view.refused if expect_refusal else page.list.model.loaded
    with qtbot.waitSignal(signal, timeout=15000):
        key(qtbot, Qt.Key.Key_Return, CTRL)


def official_window(qtbot, laptop, tmp_path, runner: TaskRunner) -> tuple[MainWindow, ReviewPart]:
    ui = UiContext(Session(laptop.store), runner, Settings(DictBackend()), DataBus())
    window = MainWindow(ui, QSettings(str(tmp_path / f"{laptop.name}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    review = window.add_part(ReviewPart(ui))
    window.show()
    qtbot.waitExposed(window)
    return window, review


@pytest.mark.slow
def test_three_laptops_township_decides_by_keyboard_and_everyone_converges(
    qtbot, zh, desk: DeskApp, world: World, tmp_path, runner
) -> None:
    a, b, c = world.laptops
    # Sign in through the app's staff mode, by keyboard.
    dialog = desk.start(staff=True)
    assert isinstance(dialog, StaffSignInDialog)
    qtbot.waitExposed(dialog)
    assert focused(qtbot) is dialog.server
    type_text(qtbot, world.county.url)
    tab_to(qtbot, dialog.user)
    type_text(qtbot, STAFF_USER)
    key(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "wrong-password")
    with qtbot.waitSignal(dialog.failed, timeout=15000):
        key(qtbot, Qt.Key.Key_Return)
    assert "密码" in dialog.message.text() and desk.staff_window is None
    type_text(qtbot, STAFF_PASSWORD)
    with qtbot.waitSignal(desk.window_shown, timeout=15000) as shown:
        key(qtbot, Qt.Key.Key_Return)
    window = shown.args[0]
    assert isinstance(window, StaffWindow)
    assert STAFF_USER in window.signed_in.text()
    part = window.part(WorkListPart)
    assert part is not None
    page = part.page
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 5, timeout=15000)
    qtbot.waitUntil(lambda: focused(qtbot) is page.list.view)

    # Grouped items, with names and labels: the occupation item holds both losing laptops' values.
    model = page.list.model
    occupation = next(i for i in model.items if i.field == "occupation")
    assert [v.device_name for v in occupation.village_values] == ["东村电脑B", "东村电脑C"]
    assert occupation.record_title.count("·") == 2 and occupation.field_label == "职业"
    assert page.list.village.itemText(1) == "东村 (5)"

    # 1. Take one village value (laptop C's, column 2).
    open_row(qtbot, page, "职业", "家庭成员")
    decide(qtbot, page, Qt.Key.Key_2, "入户核实")
    assert "个体经营" in page.list.message.text()
    # 2. Keep the county value of the choice field (column 2 = county: only laptop B competes).
    open_row(qtbot, page, "文化程度", "家庭成员")
    assert page.view.compare.columnCount() == 3
    decide(qtbot, page, Qt.Key.Key_2, "以县级为准")
    # 3. Type a value, checked by the phone rule.
    open_row(qtbot, page, "联系电话", "家庭成员")
    key(qtbot, Qt.Key.Key_0)
    assert focused(qtbot) is page.view.typed
    key(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "13512345678")
    decide(qtbot, page, Qt.Key.Key_Tab, "电话核实后更正")
    # 4. Restore after delete, with laptop B's edited occupation.
    open_row(qtbot, page, "记录存续（删除/保留）", "家庭成员")
    assert page.view.restore.count() == 1
    decide(qtbot, page, Qt.Key.Key_1, "此人仍在本村居住")
    # 5. A stale decision: laptop A changes the household phone again while staff look at it.
    open_row(qtbot, page, "联系电话", "家庭户")
    a.store.household.update(world.household, {"phone": "13700000009"})
    a.sync()
    decide(qtbot, page, Qt.Key.Key_1, "按村里最新电话", expect_refusal=True)
    assert "变化" in page.view.message.text()
    county_column = page.view.compare.columnCount() - 1
    assert page.view.compare.item(0, county_column).text() == "13700000009"
    assert server_records(world.county)[world.household]["data"]["phone"] == "13700000009"
    decide(qtbot, page, Qt.Key.Key_1, "")  # asked again: take laptop C's value after all
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 0, timeout=15000)
    assert page.list.count.text() == "0 项"

    server = server_records(world.county)
    person = server[world.person]["data"]
    assert person["occupation"] == "个体经营" and person["education"] == "college"
    assert person["phone"] == "13512345678"
    assert (person["health"], person["disability"], person["pension_insurance"]) == (
        "chronic",
        "grade2",
        "employee",
    )  # one field each: merged
    assert server[world.gone]["deleted"] is False and server[world.gone]["data"]["occupation"] == "外出务工"
    assert server[world.household]["data"]["phone"] == "13700000004"

    # Signing out (Ctrl+L) ends the staff session and returns to the staff sign-in (not the
    # village's first-run wizard).
    assert "(Ctrl+L)" in window.sign_out_button.text()
    key(qtbot, Qt.Key.Key_L, CTRL)
    assert desk.staff_window is None
    assert desk.wizard is None and desk.unlock_dialog is None
    assert isinstance(desk.staff_dialog, StaffSignInDialog) and desk.staff_dialog.isVisible()

    # The next sync: every laptop equals the server, field by field.
    for _round in range(2):
        world.sync_all()
    for laptop in world.laptops:
        assert_laptop_equals_server(laptop, world.county)

    # Each official sees the outcome: the status bar count opens their list with the decisions.
    # B lost occupation, education and (its edit of) the deleted person; C lost occupation and both
    # phones (B's and A's were first). A's values were all applied: nothing waits for A.
    officials = ((b, {"职业", "文化程度", "记录存续（删除/保留）"}), (c, {"职业", "联系电话"}))
    for laptop, expected in officials:
        window_b, review = official_window(qtbot, laptop, tmp_path, runner)
        status = window_b.status
        qtbot.waitUntil(status.conflicts.isVisible, timeout=WORK_MS)
        assert "0 项等待乡镇处理" in status.conflicts.text() and "已处理" in status.conflicts.text()
        status.conflicts.setFocus()
        key(qtbot, Qt.Key.Key_Space)
        assert window_b.current_page() is review.page
        qtbot.waitUntil(lambda r=review: len(r.page.rows) > 0, timeout=WORK_MS)
        assert {row.field_label for row in review.page.rows} == expected
        outcomes = [review.page.table.item(i, 5).text() for i in range(review.page.table.rowCount())]
        assert all("等待" not in text for text in outcomes)
        window_b.shutdown()
        window_b.close()
    window_a, review_a = official_window(qtbot, a, tmp_path, runner)
    with qtbot.waitSignal(review_a.page.refreshed, timeout=WORK_MS) as empty:
        review_a.open()
    assert empty.args == [0, 0] and not window_a.status.conflicts.isVisible()
    window_a.shutdown()
