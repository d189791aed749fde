"""The laptop's Indicators page counts the fields the county's forms mark (issue 17): a new choice
field per choice, a new money field summed and averaged, labelled as on the forms."""

from __future__ import annotations

import copy
from typing import Any

from desktop.services.indicators import village_indicators
from desktop.services.session import Session
from desktop.services.settings import DictBackend, Settings
from desktop.storage import Store
from desktop.ui.official.indicators_page import IndicatorsPage
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.tasks import TaskRunner
from sync import form_versions as fv


def version_2() -> dict[str, Any]:
    doc = copy.deepcopy(fv.builtin_document())
    doc["version"] = 2
    household = next(f for f in doc["forms"] if f["entity"] == "household")
    household["fields"] += [
        {"name": "family_doctor", "type": "choice", "indicator": "count",
         "label": {"zh_CN": "家庭医生签约", "en": "Family doctor contract"},
         "choices": [{"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}},
                     {"value": "not_signed", "label": {"zh_CN": "未签约", "en": "Not signed"}}]},
        {"name": "relief_fen", "type": "money", "indicator": "sum",
         "label": {"zh_CN": "救助金额", "en": "Relief"}},
    ]  # fmt: skip
    return doc


def household(n: int, **more: Any) -> dict[str, Any]:
    return {"household_no": f"{n:04d}", "head_name": "赵德福", "address": "一组", "category": "ordinary",
            "status": "active", **more}  # fmt: skip


def test_the_page_shows_the_marked_fields(qtbot, zh, store: Store, runner: TaskRunner) -> None:
    store.take_forms(version_2())
    store.household.create(household(1, family_doctor="signed", relief_fen=120_050))
    store.household.create(household(2, family_doctor="not_signed", relief_fen=30_000))
    store.household.create(household(3))
    ui = UiContext(Session(store), runner, Settings(DictBackend()), DataBus())
    page = IndicatorsPage(ui)
    qtbot.addWidget(page)
    page.resize(1216, 700)
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        page.show()
    table = page.view.table
    assert table.value_of("家庭医生签约：已签约") == "1"
    assert table.value_of("家庭医生签约：未签约") == "1"
    assert table.value_of("家庭医生签约：未填写") == "1"
    assert table.value_of("救助金额（合计）") == "1,500.50 元"
    assert table.value_of("救助金额（平均，2 户填写）") == "750.25 元"
    marked = village_indicators(store, year=page.year.value())["form_fields"]
    assert [m["field"] for m in marked] == ["family_doctor", "relief_fen"]


def test_the_township_desk_shows_them_from_the_servers_answer(qtbot, zh) -> None:
    """The desk's village view labels figures with the app's own forms (forms=None): the marked
    fields' labels come with the answer."""
    from datetime import date

    from desktop.ui.shared.indicators_view import IndicatorsView
    from sync.indicators import compute

    forms = fv.forms_of(version_2())
    rows = [
        {"id": "h1", **household(1, family_doctor="signed", relief_fen=100)},
        {"id": "h2", **household(2, family_doctor="signed")},
    ]
    answer = compute(rows, [], [], [], year=2024, today=date(2025, 6, 1), forms=forms)
    view = IndicatorsView()
    qtbot.addWidget(view)
    view.show_result(answer, "zh_CN")
    assert view.table.value_of("家庭医生签约：已签约") == "2"
    assert view.table.value_of("救助金额（合计）") == "1.00 元"
