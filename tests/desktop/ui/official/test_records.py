"""Inline validation, edit, delete (asks, then tombstones) and search on the real widgets."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services import demo
from desktop.ui.shared.context import UiContext
from sync.resident_id import make_resident_id
from tests.desktop.ui.helpers import WORK_MS, focused, open_main_window, press, tab, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def _household(ui: UiContext, number: str = "0007", head: str = "赵德福") -> str:
    return ui.session.save(
        "household",
        None,
        {
            "household_no": number,
            "head_name": head,
            "address": "一组3号",
            "category": "ordinary",
            "status": "active",
        },
    )


def _dialog(qtbot, page):
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.save_button.isEnabled())
    return page.dialog


def test_invalid_resident_id_is_shown_inline_and_not_saved(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households
    qtbot.waitUntil(lambda: page.list.model.total() == 1)
    page.list.select(household_id)
    qtbot.waitUntil(lambda: page.household_id == household_id)
    press(qtbot, Qt.Key.Key_M, CTRL)
    dialog = _dialog(qtbot, page.members)
    type_text(qtbot, "赵小明")
    tab(qtbot)
    good = make_resident_id("530102", date(1990, 1, 2), 13)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
    type_text(qtbot, bad)
    tab(qtbot)
    message = dialog.form.problem_labels["resident_id"]
    assert message.isVisible() and "校验" in message.text()
    assert dialog.form.buffer.value("birth_date") is None  # nothing derived from a bad ID
    with qtbot.waitSignal(dialog.save_failed):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert ui.session.ids("person") == []
    # Correct it: the message goes, birth date and sex are filled in, and it saves.
    editor = dialog.form.editors["resident_id"]
    editor.setFocus()
    editor.selectAll()
    type_text(qtbot, good)
    tab(qtbot)
    assert not message.isVisible()
    assert dialog.form.buffer.value("birth_date") == "1990-01-02"
    assert dialog.form.buffer.value("sex") == "male"
    with qtbot.waitSignal(dialog.saved):
        press(qtbot, Qt.Key.Key_Return)
    assert len(ui.session.ids("person")) == 1


def test_store_rules_come_back_inline(qtbot, zh, ui: UiContext, tmp_path) -> None:
    _household(ui, "0007")
    window = open_main_window(qtbot, ui, tmp_path)
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = _dialog(qtbot, window.households.list)
    type_text(qtbot, "0007")  # the same household number again: only the store can tell
    tab(qtbot)
    type_text(qtbot, "钱")
    tab(qtbot)
    type_text(qtbot, "二组")
    with qtbot.waitSignal(dialog.save_failed, timeout=WORK_MS):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.form.problem_labels["household_no"].isVisible()
    assert len(ui.session.ids("household")) == 1


def test_edit_then_delete_asks_and_tombstones(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households.list
    qtbot.waitUntil(lambda: page.model.total() == 1)
    page.select(household_id)
    page.view.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # Enter on a row edits it
    dialog = _dialog(qtbot, page)
    editor = dialog.form.editors["address"]
    editor.setFocus()
    editor.selectAll()
    type_text(qtbot, "五组8号")
    with qtbot.waitSignal(dialog.saved):
        press(qtbot, Qt.Key.Key_Return)
    assert ui.session.get("household", household_id)["address"] == "五组8号"

    qtbot.waitUntil(lambda: page.current_id() == household_id)
    page.view.setFocus()
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.confirm is not None and page.confirm.isVisible())
    page.confirm.button(QMessageBox.StandardButton.No).click()
    assert ui.session.get("household", household_id)["deleted"] is False

    page.view.setFocus()
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.confirm is not None and page.confirm.isVisible())
    with qtbot.waitSignal(page.record_deleted):
        page.confirm.button(QMessageBox.StandardButton.Yes).click()
    record = ui.session.get("household", household_id)
    assert record is not None and record["deleted"] is True  # a tombstone, not gone
    qtbot.waitUntil(lambda: page.model.total() == 0)


def test_search_by_name_resident_id_and_household_number(qtbot, zh, ui: UiContext, tmp_path) -> None:
    demo.populate(ui.session.store, 80, extras=False)
    window = open_main_window(qtbot, ui, tmp_path)
    window.show_page(1)
    page = window.persons
    qtbot.waitUntil(lambda: page.model.total() == 80)
    people = ui.session.rows("person", ui.session.ids("person"))
    someone = people[17]
    household = ui.session.get("household", someone["household_id"])
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is page.filter
    people_by = {p["id"]: p for p in people}
    for text, expect in (
        (someone["resident_id"][-8:], lambda ids: ids == [someone["id"]]),
        (someone["name"], lambda ids: someone["id"] in ids and len(ids) < 80),
        (household["household_no"], lambda ids: someone["id"] in ids),
    ):
        page.filter.selectAll()
        with qtbot.waitSignal(page.refreshed):
            type_text(qtbot, text)
        qtbot.waitUntil(lambda t=text: page.filter.text() == t)
        with qtbot.waitSignal(page.refreshed):
            page.refresh()
        ids = [page.model.id_at(r) for r in range(page.model.rowCount())]
        assert expect(ids), text
        assert all(i in people_by for i in ids)
    page.filter.clear()
    qtbot.waitUntil(lambda: page.model.total() == 80)


def test_deleting_a_household_names_its_members_and_takes_them_along(
    qtbot, zh, ui: UiContext, tmp_path
) -> None:
    household_id = _household(ui)
    names = ("赵德福", "钱桂兰")
    for seq, (name, relation) in enumerate(zip(names, ("head", "spouse"), strict=True)):
        rid = make_resident_id("530102", date(1966, 4, 2), 30 + seq)
        ui.session.save(
            "person",
            None,
            {"household_id": household_id, "name": name, "resident_id": rid, "relation": relation,
             "birth_date": "1966-04-02", "sex": "male" if int(rid[16]) % 2 else "female",
             "ethnicity": "01", "status": "present"},
        )  # fmt: skip
    ui.session.save("income", None, {"household_id": household_id, "year": 2024, "source": "wages",
                                     "amount_fen": 120_000})  # fmt: skip
    window = open_main_window(qtbot, ui, tmp_path)
    page = window.households.list
    qtbot.waitUntil(lambda: page.model.total() == 1)
    page.select(household_id)
    qtbot.waitUntil(lambda: page.current_id() == household_id)
    page.view.setFocus()
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.confirm is not None and page.confirm.isVisible())
    text = page.confirm.text()
    assert all(name in text for name in names) and "0007" in text
    assert "2 名成员" in text and "1 条收入" in text
    with qtbot.waitSignal(page.record_deleted):
        page.confirm.button(QMessageBox.StandardButton.Yes).click()
    store = ui.session.store
    assert store.household.get(household_id)["deleted"] is True
    assert store.person.ids() == [] and store.income.ids() == []
    assert store.db.query("SELECT count(*) FROM outbox WHERE deleted = 1") == [(4,)]
    window.show_page(1)
    qtbot.waitUntil(lambda: window.persons.model.total() == 0)
