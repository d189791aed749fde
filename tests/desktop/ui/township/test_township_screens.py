"""The township desk's screens against the real county server on loopback, with real laptops that
edited offline: work list, side-by-side view, decisions by keyboard, stale refusal, history, scope.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from desktop.services.settings import DictBackend, Settings
from desktop.services.township.desk import TownshipService
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.duplicates import DuplicatesPage
from desktop.ui.township.history import HistoryPage
from desktop.ui.township.parts import WorkDeskPage
from desktop.ui.township.staff_window import StaffContext
from desktop.ui.township.worklist import WorkListModel
from tests.desktop.ui.township.township_world import (
    OTHER_PASSWORD,
    OTHER_STAFF,
    STAFF_PASSWORD,
    STAFF_USER,
    World,
    conflict_world,
)
from tests.sync_world import VILLAGE, server_records

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    with conflict_world(tmp_path) as w:
        yield w


def _staff(world: World, runner: TaskRunner, user: str = STAFF_USER, password: str = STAFF_PASSWORD):
    desk = TownshipService(world.county.url, None, language="zh_CN")
    desk.sign_in(user, password)
    return StaffContext(desk, runner, Settings(DictBackend()))


@pytest.fixture
def staff(world: World, runner: TaskRunner, zh) -> Iterator[StaffContext]:
    context = _staff(world, runner)
    yield context
    context.desk.close()


def _desk_page(qtbot, staff: StaffContext) -> WorkDeskPage:
    page = WorkDeskPage(staff)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.list.model.rowCount() > 0, timeout=10000)
    return page


def _open(qtbot, page: WorkDeskPage, field_label: str, entity_label: str = "家庭成员"):
    model = page.list.model
    row = next(
        r
        for r in range(model.rowCount())
        if model.item_at(r).field_label == field_label and model.item_at(r).entity_label == entity_label
    )
    page.list.view.setFocus()
    page.list.view.selectRow(row)
    qtbot.keyClick(page.list.view, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.view
    return page.view


def _county(world: World, record_id: str) -> dict:
    return server_records(world.county)[record_id]


def test_work_list_model_holds_labelled_items_with_counts_and_filters(qtbot, qtmodeltester, staff) -> None:
    model = WorkListModel(staff.runner, staff.desk)
    with qtbot.waitSignal(model.loaded, timeout=10000) as loaded:
        model.set_query(status="open", sort="age")
    qtmodeltester.check(model)
    total, counts = loaded.args
    assert total == model.rowCount() == 5
    assert counts == {VILLAGE: 5}
    texts = {model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(8)}
    assert "职业" in texts and "联系电话" in texts and "文化程度" in texts
    assert "东村" in texts and "家庭成员" in texts and "家庭户" in texts
    occupation = next(i for i in model.items if i.field == "occupation")
    row = model.row_of(occupation.id)
    # Both laptops' values and the county's:
    assert model.data(model.index(row, 5)) == "村：务农 / 个体经营  ⇄  县：务工"
    assert "·" in model.data(model.index(row, 2))  # name · household number · head
    assert not any(t and ("senior" in t or "college" in t) for t in texts)  # labels, never codes

    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(status="open", entity="household", sort="village")
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.items[0].entity == "household"
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(status="decided", sort="form")
    assert model.rowCount() == 0
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(status="open", min_age_days=7, sort="age")
    assert model.rowCount() == 0  # every item is minutes old


def test_the_list_fetches_further_pages_when_scrolled_to_the_end(
    qtbot, qtmodeltester, staff, monkeypatch
) -> None:
    from desktop.ui.township import worklist

    monkeypatch.setattr(worklist, "PAGE", 2)
    model = WorkListModel(staff.runner, staff.desk)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_query(status="open", sort="age")
    assert (model.rowCount(), model.total) == (2, 5) and model.canFetchMore()
    while model.canFetchMore():
        with qtbot.waitSignal(model.more_loaded, timeout=10000):
            model.fetchMore()
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and len({i.id for i in model.items}) == 5
    ages = [i.created_at for i in model.items]
    assert ages == sorted(ages)  # oldest first, across pages


def test_the_page_filters_show_counts_per_village(qtbot, staff) -> None:
    page = _desk_page(qtbot, staff)
    villages = [page.list.village.itemText(i) for i in range(page.list.village.count())]
    assert villages == ["全部村 (5)", "东村 (5)", "西村 (0)"]
    assert page.list.count.text() == "5 项"
    form = page.list.form
    with qtbot.waitSignal(page.list.model.loaded, timeout=10000):
        form.setCurrentIndex(form.findData("household"))
        form.activated.emit(form.currentIndex())
    assert page.list.model.rowCount() == 1
    village = page.list.village
    with qtbot.waitSignal(page.list.model.loaded, timeout=10000):
        village.setCurrentIndex(village.findData("110105001002"))
        village.activated.emit(village.currentIndex())
    assert page.list.model.rowCount() == 0
    assert page.list.message.text() == "没有符合筛选条件的事项。"
    assert village.currentText() == "西村 (0)"  # the choice stays, with the counts refreshed


def test_side_by_side_then_take_one_village_value_by_keyboard(qtbot, staff, world: World) -> None:
    page = _desk_page(qtbot, staff)
    view = _open(qtbot, page, "职业")
    headers = [view.compare.horizontalHeaderItem(c).text() for c in range(view.compare.columnCount())]
    assert len(headers) == 4  # base | laptop B | laptop C | county
    assert "东村电脑B" in headers[1] and "东村电脑C" in headers[2] and "县" in headers[3]
    # The county's column says whose value it is (laptop A's, applied earlier), not the county's own.
    assert (
        headers[3].startswith("3 · 县级现值：") and "东村电脑A" in headers[3] and "此前已采用" in headers[3]
    )
    assert [view.compare.item(0, c).text() for c in range(4)] == ["退休", "务农", "个体经营", "务工"]
    assert all(view.compare.item(0, c).data(Qt.ItemDataRole.UserRole + 1) for c in (1, 2, 3))  # differ
    assert view.column == 3  # the county's column is chosen to start with

    qtbot.keyClick(view.compare, Qt.Key.Key_2)
    assert view.column == 2 and "2" in view.chosen_text()
    qtbot.keyClick(view.compare, Qt.Key.Key_Left)
    qtbot.keyClick(view.compare, Qt.Key.Key_Right)
    assert view.column == 2
    qtbot.keyClick(view.compare, Qt.Key.Key_Return, CTRL)
    assert "说明" in view.message.text()  # no note: refused in the UI, nothing sent
    assert _county(world, world.person)["data"]["occupation"] == "务工"

    assert view.note.hasFocus()  # the missing note gets the keyboard
    qtbot.keyClicks(view.note, "phoned the family")
    with qtbot.waitSignal(view.decided, timeout=10000) as decided:
        qtbot.keyClick(view.note, Qt.Key.Key_Return, CTRL)
    item = decided.args[0]
    assert item.decision.choice == "village" and item.decision.display == "个体经营"
    assert _county(world, world.person)["data"]["occupation"] == "个体经营"
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.list)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 4, timeout=10000)
    assert "个体经营" in page.list.message.text()


def test_a_typed_value_is_checked_by_the_form_rules_then_decided(qtbot, staff, world: World) -> None:
    page = _desk_page(qtbot, staff)
    view = _open(qtbot, page, "联系电话")
    qtbot.keyClick(view.compare, Qt.Key.Key_0)
    assert view.typed is not None and view.typed.hasFocus()
    view.typed.clear()
    qtbot.keyClicks(view.typed, "12ab")
    qtbot.keyClick(view.typed, Qt.Key.Key_Tab)
    qtbot.keyClicks(view.note, "checked")
    qtbot.keyClick(view.note, Qt.Key.Key_Return, CTRL)
    assert view.typed_problem.text()  # the phone rule, in Chinese
    assert view.message.styleSheet().startswith("color: #b00020")
    assert _county(world, world.person)["data"]["phone"] == "13800000001"

    view.typed.setFocus()
    view.typed.clear()
    qtbot.keyClicks(view.typed, "13512345678")
    view.note.setFocus()
    with qtbot.waitSignal(view.decided, timeout=10000) as decided:
        qtbot.keyClick(view.note, Qt.Key.Key_Return, CTRL)
    assert decided.args[0].decision.choice == "typed"
    assert _county(world, world.person)["data"]["phone"] == "13512345678"


def test_a_stale_decision_is_refused_and_the_fresh_values_are_shown(qtbot, staff, world: World) -> None:
    page = _desk_page(qtbot, staff)
    view = _open(qtbot, page, "联系电话", "家庭户")
    assert view.compare.item(0, 2).text() == "13700000003"
    # Meanwhile laptop A changes the field again and syncs.
    world.a.store.household.update(world.household, {"phone": "13700000009"})
    world.a.sync()

    qtbot.keyClick(view.compare, Qt.Key.Key_1)
    view.note.setFocus()
    qtbot.keyClicks(view.note, "village office confirmed")
    with qtbot.waitSignal(view.refused, timeout=10000):
        qtbot.keyClick(view.note, Qt.Key.Key_Return, CTRL)
    assert "变化" in view.message.text()
    assert _county(world, world.household)["data"]["phone"] == "13700000009"  # nothing changed
    county_column = view.compare.columnCount() - 1
    assert view.compare.item(0, county_column).text() == "13700000009"  # the fresh value is shown
    assert view.note.text() == "village office confirmed"  # the note is kept for the second try
    assert view.column == -1  # asked again: nothing chosen on the fresh values
    qtbot.keyClick(view.compare, Qt.Key.Key_Return, CTRL)
    assert "请先选择一列" in view.message.text()

    qtbot.keyClick(view.compare, Qt.Key.Key_1)
    with qtbot.waitSignal(view.decided, timeout=10000):
        qtbot.keyClick(view.compare, Qt.Key.Key_Return, CTRL)
    assert _county(world, world.household)["data"]["phone"] == "13700000004"


def test_delete_against_edit_can_be_restored_with_the_village_fields(qtbot, staff, world: World) -> None:
    page = _desk_page(qtbot, staff)
    view = _open(qtbot, page, "记录存续（删除/保留）")
    labels = [view.compare.verticalHeaderItem(r).text() for r in range(view.compare.rowCount())]
    assert labels == ["记录存续（删除/保留）", "职业"]
    assert view.compare.item(1, 1).text() == "外出务工"  # laptop B's edit, kept by the server
    assert view.restore.isVisible() and view.restore.count() == 1
    qtbot.keyClick(view.compare, Qt.Key.Key_1)
    view.note.setFocus()
    qtbot.keyClicks(view.note, "still lives here")
    with qtbot.waitSignal(view.decided, timeout=10000) as decided:
        qtbot.keyClick(view.note, Qt.Key.Key_Return, CTRL)
    assert decided.args[0].decision.choice == "restore"
    record = _county(world, world.gone)
    assert record["deleted"] is False and record["data"]["occupation"] == "外出务工"

    history = HistoryPage(staff)
    qtbot.addWidget(history)
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=10000)
    texts = [history.table.item(0, c).text() for c in range(8)]
    assert texts[1] == STAFF_USER and texts[6] == "still lives here"
    assert "恢复" in texts[5]


def test_township_b_sees_nothing_of_a_and_is_told_so(qtbot, world: World, runner, zh) -> None:
    other = _staff(world, runner, OTHER_STAFF, OTHER_PASSWORD)
    mine = _staff(world, runner)
    try:
        item_id = mine.desk.items().items[0].id
        page = WorkDeskPage(other)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda: page.list.count.text() == "0 项", timeout=10000)
        assert page.list.model.rowCount() == 0
        assert "东村" not in [page.list.village.itemText(i) for i in range(page.list.village.count())]
        page.goto.setFocus()
        qtbot.keyClicks(page.goto, item_id)
        qtbot.keyClick(page.goto, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "无权" in page.list.message.text(), timeout=10000)
        assert page.stack.currentWidget() is page.list
    finally:
        other.desk.close()
        mine.desk.close()


def test_duplicate_residents_keep_one_and_not_the_same_person_by_keyboard(
    qtbot, staff, world: World, tmp_path
) -> None:
    from tests.sync_world import VILLAGE_2, Laptop

    west = Laptop(tmp_path / "west.vdd", world.county, "西村电脑", village=VILLAGE_2)
    try:
        copies = {}
        with west.store.atomic():
            household = west.store.household.create(
                {
                    "household_no": "0099",
                    "head_name": "孙七",
                    "address": "西村一组",
                    "category": "ordinary",
                    "status": "active",
                }
            )
            for source in _present_persons(world):
                fields = {
                    k: v
                    for k, v in world.a.store.person.get(source).items()
                    if k not in ("id", "village_code", "deleted", "seq", "household_id")
                }
                fields["relation"] = "child"
                copies[source] = west.store.person.create({**fields, "household_id": household})
        west.sync()
        page = DuplicatesPage(staff)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda: page.list.rowCount() == 2, timeout=10000)
        assert page.count.text().startswith("2 组重复人员 · 截至 ")
        assert "*" in page.list.item(0, 0).text()  # the resident ID is masked
        villages = {page.holders.item(r, 1).text() for r in range(page.holders.rowCount())}
        assert villages == {"东村", "西村"}

        # Keep the east village's record of the first group.
        page.list.setFocus()
        qtbot.keyClick(page.list, Qt.Key.Key_Tab)
        assert page.holders.hasFocus()
        group = page.current_group()
        east_row = next(r for r, h in enumerate(group.holders) if h.village_code == VILLAGE)
        page.holders.setCurrentCell(east_row, 0)
        qtbot.keyClick(page.holders, Qt.Key.Key_K, CTRL)
        assert "说明" in page.message.text() and page.note.hasFocus()  # the note comes first
        qtbot.keyClicks(page.note, "same person, moved")
        with qtbot.waitSignal(page.decided, timeout=10000) as decided:
            qtbot.keyClick(page.note, Qt.Key.Key_K, CTRL)
        kept = group.holders[east_row].record_id
        assert decided.args[0].decision == "keep" and decided.args[0].kept_record_id == kept
        other = next(h.record_id for h in group.holders if h.record_id != kept)
        assert server_records(world.county, VILLAGE_2)[other]["data"]["status"] == "moved_out"

        # The other group: not the same person.
        qtbot.waitUntil(lambda: page.list.rowCount() == 1, timeout=10000)
        page.note.setFocus()
        qtbot.keyClicks(page.note, "different birth place")
        with qtbot.waitSignal(page.decided, timeout=10000) as decided:
            qtbot.keyClick(page.note, Qt.Key.Key_D, CTRL)
        assert decided.args[0].decision == "not_same"
        qtbot.waitUntil(lambda: page.list.rowCount() == 0, timeout=10000)
        assert "没有重复人员" in page.message.text()
    finally:
        west.close()


def _present_persons(world: World) -> list[str]:
    """Two persons of the east village who live there (only active records can be duplicates)."""
    persons = [
        r["id"] for r in world.a.store.person.iter_all() if r["status"] == "present" and r["id"] != world.gone
    ]
    assert len(persons) >= 2
    return persons[:2]


def test_a_village_delete_against_a_county_edit_can_stay_deleted(qtbot, staff, world: World) -> None:
    a, b, _c = world.laptops
    target = _present_persons(world)[0]
    a.store.person.update(target, {"occupation": "保安"})
    a.sync()
    b.store.person.delete(target)
    b.sync()
    page = _desk_page(qtbot, staff)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 6, timeout=10000)
    model = page.list.model
    row = next(r for r in range(model.rowCount()) if model.item_at(r).record_id == target)
    page.list.view.setFocus()
    page.list.view.selectRow(row)
    qtbot.keyClick(page.list.view, Qt.Key.Key_Return)
    view = page.view
    cells = [view.compare.item(0, c).text() for c in range(3)]
    assert cells == ["保留（未删除）", "已删除", "保留（未删除）"]  # base | laptop B | county
    assert not view.restore.isVisible()  # nothing of the village's to restore: the village deleted
    qtbot.keyClick(view.compare, Qt.Key.Key_1)
    view.note.setFocus()
    qtbot.keyClicks(view.note, "moved to the city")
    with qtbot.waitSignal(view.decided, timeout=10000) as decided:
        qtbot.keyClick(view.note, Qt.Key.Key_Return, CTRL)
    assert decided.args[0].decision.choice == "stay_deleted"
    assert _county(world, target)["deleted"] is True


def test_the_english_interface_shows_english_labels(qtbot, world: World, runner) -> None:
    desk = TownshipService(world.county.url, None, language="en")
    desk.sign_in(STAFF_USER, STAFF_PASSWORD)
    try:
        staff = StaffContext(desk, runner, Settings(DictBackend()))
        page = _desk_page(qtbot, staff)
        model = page.list.model
        texts = {model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(8)}
        assert "Occupation" in texts and "Open" in texts
        assert model.headerData(4, Qt.Orientation.Horizontal) == "Field"
        education = next(r for r in range(model.rowCount()) if model.item_at(r).field == "education")
        values = model.data(model.index(education, 5))
        assert values.startswith("village: ") and "county: " in values
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in values)  # choice labels in English too
    finally:
        desk.close()


def test_the_staff_window_shows_the_villages_indicators_through_the_signed_in_desk(qtbot, staff) -> None:
    from desktop.ui.shared.parts import Place
    from desktop.ui.township.parts import IndicatorsPart

    part = IndicatorsPart(staff)
    (page,) = part.pages()
    assert page.place == Place.REVIEW and page.title == "指标"
    widget = part.page
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=30000):
        widget.refresh()
    answer = widget.answer
    assert answer is not None and VILLAGE in answer["by_village"]
    assert widget.model.rowCount() == len(answer["by_village"]) >= 1
