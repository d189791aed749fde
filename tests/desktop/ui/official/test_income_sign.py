"""Net income typed as a loss in the income form reaches the indicators; a negative wage is refused
with the form's message and nothing is saved."""

from __future__ import annotations

from datetime import date

from desktop.services.indicators import village_indicators
from desktop.ui.shared.context import UiContext
from sync.resident_id import make_resident_id
from tests.desktop.ui.helpers import open_main_window, tab, type_text
from tests.desktop.ui.official.test_official_day_forms import _open_tab_dialog
from tests.desktop.ui.official.test_records import _household


def _choose(dialog, field: str, label: str) -> None:
    combo = dialog.form.editors[field]
    index = combo.findText(label)
    assert index >= 0, label
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_a_business_loss_is_saved_and_a_negative_wage_refused(qtbot, zh, ui: UiContext, tmp_path) -> None:
    household_id = _household(ui)
    rid = make_resident_id("530102", date(1975, 4, 3), 21)
    ui.session.save("person", None, {
        "household_id": household_id, "name": "赵德福", "resident_id": rid, "relation": "head",
        "sex": "male" if int(rid[16]) % 2 else "female", "birth_date": "1975-04-03", "ethnicity": "01",
        "status": "present",
    })  # fmt: skip
    window = open_main_window(qtbot, ui, tmp_path)
    _lst, dialog = _open_tab_dialog(qtbot, window, household_id, "income")
    year = dialog.form.buffer.value("year")
    _choose(dialog, "source", "工资性收入")
    amount = dialog.form.editors["amount_fen"]
    amount.setFocus()
    type_text(qtbot, "-1200")
    tab(qtbot)
    assert dialog.form.buffer.value("amount_fen") == -120000
    with qtbot.waitSignal(dialog.save_failed):
        dialog.save_button.click()
    message = dialog.form.problem_labels["amount_fen"]
    assert message.isVisible() and "工资性收入不能为负数" in message.text()
    assert ui.session.ids("income") == []
    _choose(dialog, "source", "经营净收入")
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    (income_id,) = ui.session.ids("income")
    assert ui.session.store.income.get(income_id)["amount_fen"] == -120000
    figures = village_indicators(ui.session.store, year=year)
    inc = figures["income"]
    assert (inc["total_fen"], inc["mean_fen"], inc["median_fen"], inc["gini"]) == (
        -120000,
        -120000,
        -120000,
        None,
    )
    assert inc["by_source_fen"]["business"] == -120000 and inc["under_line_households"] == 1
