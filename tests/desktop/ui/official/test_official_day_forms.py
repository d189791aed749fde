"""The official's day in the record forms: money in yuan, dates typed as digits, Tab leaving a date,
required fields named, Escape cancelling (asking first when something changed)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from desktop.ui.shared.context import UiContext
from desktop.ui.shared.editors import DateEditor
from tests.desktop.ui.helpers import focused, open_main_window, press, tab, type_text
from tests.desktop.ui.official.test_records import _dialog, _household

CTRL = Qt.KeyboardModifier.ControlModifier


def _open_tab_dialog(qtbot, window, household_id: str, tab_name: str):
    page = window.households
    qtbot.waitUntil(lambda: page.list.model.total() >= 1)
    page.list.select(household_id)
    qtbot.waitUntil(lambda: page.household_id == household_id)
    lst = getattr(page, tab_name)
    page.tabs.setCurrentWidget(lst)
    lst.new_record()
    return lst, _dialog(qtbot, lst)


def test_income_amount_is_typed_in_yuan_and_stored_in_fen(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    lst, dialog = _open_tab_dialog(qtbot, window, household_id, "income")
    amount = dialog.form.editors["amount_fen"]
    assert isinstance(amount, QLineEdit)
    assert "元" in amount.placeholderText() and "分" not in amount.placeholderText()
    assert "元" in amount.toolTip()
    amount.setFocus()
    type_text(qtbot, "35000.50")
    tab(qtbot)
    assert dialog.form.buffer.value("amount_fen") == 3500050
    assert amount.text() == "35000.50"
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    (income_id,) = ui.session.ids("income")
    assert ui.session.store.income.get(income_id)["amount_fen"] == 3500050
    # The list shows yuan with two decimals, and its header says so.
    qtbot.waitUntil(lambda: lst.model.total() == 1)
    column = next(i for i, c in enumerate(lst.model._columns) if c.name == "amount_fen")
    qtbot.waitUntil(lambda: lst.model.index(0, column).data() == "35,000.50")
    assert "元" in lst.model.headerData(column, Qt.Orientation.Horizontal)


def test_money_with_three_decimals_or_letters_gets_a_message(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "income")
    amount = dialog.form.editors["amount_fen"]
    message = dialog.form.problem_labels["amount_fen"]
    for typed in ("12.345", "12元5角", "abc"):
        amount.setFocus()
        amount.selectAll()
        type_text(qtbot, typed)
        tab(qtbot)
        assert message.isVisible(), typed
        assert "两位小数" in message.text() and "35000.50" in message.text()
        assert "分为单位" not in message.text()
    with qtbot.waitSignal(dialog.save_failed):
        dialog.save_button.click()
    assert ui.session.ids("income") == []
    amount.setFocus()
    amount.selectAll()
    type_text(qtbot, "１２００")  # full-width digits from a Chinese input method
    tab(qtbot)
    assert not message.isVisible()
    assert dialog.form.buffer.value("amount_fen") == 120000


def test_every_money_field_in_the_forms_says_yuan(ui: UiContext) -> None:
    money = [(form.entity, f) for form in ui.session.forms for f in form.fields if f.type == "money"]
    assert {entity for entity, _f in money} == {"income", "service"}
    for _entity, f in money:
        for lang in ("zh_CN", "en"):
            hint = f.hint(lang)
            assert "fen" not in hint and "分为单位" not in hint
            assert "35000.50" in hint
        assert "元" in f.label("zh_CN") and "yuan" in f.label("en")


def test_service_by_keyboard_date_as_digits_and_tab_leaves_it(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "services")
    form = dialog.form
    # From the first field to the date by Tab alone, choosing the type by typing its first letter.
    type_field = form.editors["type"]
    type_field.setFocus()
    press(qtbot, Qt.Key.Key_Down)  # the first service type
    tab(qtbot)
    date_field = focused(qtbot)
    assert date_field is form.editors["date"] and isinstance(date_field, DateEditor)
    assert date_field.selectedText() == date_field.text()  # Tab selects it all: typing replaces
    type_text(qtbot, "20240520")
    tab(qtbot)
    # One Tab left the date (no year/month/day sections to walk): the amount has the focus now.
    assert focused(qtbot) is form.editors["amount_fen"]
    assert date_field.text() == "2024-05-20"
    assert form.buffer.value("date") == "2024-05-20"
    with qtbot.waitSignal(dialog.saved):
        press(qtbot, Qt.Key.Key_Return)
    (service_id,) = ui.session.ids("service")
    assert ui.session.store.service.get(service_id)["date"] == "2024-05-20"


def test_dates_in_every_written_form_and_a_wrong_one_is_refused(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "members")
    birth = dialog.form.editors["birth_date"]
    message = dialog.form.problem_labels["birth_date"]
    for typed in ("19530219", "1953-02-19", "1953/2/19", "1953年2月19日"):
        birth.setFocus()
        birth.selectAll()
        type_text(qtbot, typed)
        tab(qtbot)
        assert dialog.form.buffer.value("birth_date") == "1953-02-19", typed
        assert birth.text() == "1953-02-19"
        assert not message.isVisible()
    for typed, says in (("19530230", "不存在"), ("1953-2", "19530219"), ("5302", "19530219")):
        birth.setFocus()
        birth.selectAll()
        type_text(qtbot, typed)
        tab(qtbot)
        assert message.isVisible(), typed
        assert says in message.text()
    assert birth.text() == "5302"  # left as typed, so it can be corrected
    with qtbot.waitSignal(dialog.save_failed):
        dialog.save_button.click()
    assert ui.session.ids("person") == []


def test_missing_required_fields_are_named_and_nothing_is_saved(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "services")
    form = dialog.form
    form.editors["date"].setFocus()
    form.editors["date"].selectAll()
    press(qtbot, Qt.Key.Key_Delete)
    with qtbot.waitSignal(dialog.save_failed):
        press(qtbot, Qt.Key.Key_Return)
    assert form.general.isVisible()
    assert "服务类型" in form.general.text() and "服务日期" in form.general.text()
    assert form.problem_labels["type"].isVisible() and form.problem_labels["date"].isVisible()
    assert focused(qtbot) is form.editors["type"]  # the first field to fix has the focus
    assert dialog.isVisible() and ui.session.ids("service") == []


def test_escape_cancels_an_untouched_dialog(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    for name in ("members", "income", "services"):
        lst, dialog = _open_tab_dialog(qtbot, window, household_id, name)
        for field in ("type", "source", "relation", "name"):  # from a combo box, or a line edit
            editor = dialog.form.editors.get(field)
            if editor is not None and editor.isVisible():
                editor.setFocus()
                break
        with qtbot.waitSignal(dialog.finished):
            press(qtbot, Qt.Key.Key_Escape)
        assert dialog.result() == dialog.DialogCode.Rejected
        qtbot.waitUntil(lambda lst=lst: lst.dialog is None)
    window.households.list.edit_current()
    dialog = _dialog(qtbot, window.households.list)
    with qtbot.waitSignal(dialog.finished):
        press(qtbot, Qt.Key.Key_Escape)


def test_escape_with_changes_asks_first(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    window = open_main_window(qtbot, ui, tmp_path)
    lst, dialog = _open_tab_dialog(qtbot, window, household_id, "members")
    dialog.form.editors["name"].setFocus()
    type_text(qtbot, "赵小明")
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible())
    # Escape on the question keeps editing: nothing is lost by pressing Escape twice.
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm is None)
    assert dialog.isVisible() and dialog.form.editors["name"].text() == "赵小明"
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible())
    with qtbot.waitSignal(dialog.finished):
        dialog.confirm.button(QMessageBox.StandardButton.Discard).click()
    assert dialog.result() == dialog.DialogCode.Rejected
    qtbot.waitUntil(lambda: lst.dialog is None)
    assert ui.session.ids("person") == []
    assert QApplication.activeModalWidget() is None
