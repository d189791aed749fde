"""The staff rolled-up view against the real county server on loopback: two villages synced from real
encrypted stores, the per-village table (model tester, sorting by number, who is behind on what) and
drill-down to a village's charts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtCore import Qt

from desktop.services import demo
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.staff_indicators import SORT_ROLE, StaffIndicatorsWidget, VillageTableModel
from tests.sync_world import VILLAGE, VILLAGE_2, County, Laptop


@pytest.fixture
def synced(county: County, tmp_path: Path) -> Iterator[County]:
    east = Laptop(tmp_path / "east.db", county, "east", VILLAGE)
    west = Laptop(tmp_path / "west.db", county, "west", VILLAGE_2)
    try:
        demo.populate(east.store, 60, seed=5)
        demo.populate(west.store, 25, seed=6)
        for person in list(west.store.person.iter_all())[:8]:  # the west village is behind on insurance
            west.store.person.update(person["id"], {"medical_insurance": "none"})
        east.sync()
        west.sync()
        yield county
    finally:
        east.close()
        west.close()


def fetcher(county: County) -> Any:
    token = county.staff().login().token

    def fetch(year: int, line_fen: int) -> dict[str, Any]:
        reply = requests.get(
            f"{county.url}/api/v1/staff/indicators",
            params={"year": year, "threshold_fen": line_fen},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        reply.raise_for_status()
        return dict(reply.json())

    return fetch


def _column(name: str) -> int:
    return VillageTableModel.COLUMNS.index(name)


def test_per_village_table_sorts_marks_and_drills_down(qtbot, qtmodeltester, zh, synced: County,
                                                        runner: TaskRunner) -> None:  # fmt: skip
    widget = StaffIndicatorsWidget(fetcher(synced), runner)
    qtbot.addWidget(widget)
    widget.resize(1216, 700)
    widget.show()
    with qtbot.waitSignal(widget.loaded, timeout=30000):
        widget.refresh()
    model = widget.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert widget.summary.text().startswith("2 个村")

    # Sorted by what is behind (most first), then by persons, by the number not the text.
    proxy = widget.proxy
    first = proxy.index(0, _column("code")).data()
    assert first == VILLAGE_2  # behind on medical insurance
    behind = proxy.index(0, _column("behind")).data()
    assert "医保" in behind
    medical = proxy.index(0, _column("medical"))
    assert medical.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "医疗保险参保率低于" in medical.data(Qt.ItemDataRole.ToolTipRole)
    widget.table.sortByColumn(_column("persons"), Qt.SortOrder.AscendingOrder)
    persons = [proxy.index(r, _column("persons")).data(SORT_ROLE) for r in range(2)]
    assert persons == sorted(persons) and proxy.index(0, _column("code")).data() == VILLAGE_2
    widget.table.sortByColumn(_column("persons"), Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, _column("code")).data() == VILLAGE

    answer = widget.answer
    assert answer is not None and answer["year"] == date.today().year - 1
    with qtbot.waitSignal(widget.village_opened) as opened:
        widget.table.doubleClicked.emit(proxy.index(1, 0))
    assert opened.args == [VILLAGE_2]
    assert widget.stack.currentIndex() == 1 and "西村" in widget.detail_title.text()
    west = answer["by_village"][VILLAGE_2]
    assert widget.detail.table.value_of("在册人口") == str(west["population"]["total"])
    widget.back_button.click()
    assert widget.stack.currentIndex() == 0


def test_a_failed_fetch_is_shown_not_raised(qtbot, zh, runner: TaskRunner) -> None:
    def fetch(year: int, line_fen: int) -> dict[str, Any]:
        raise requests.ConnectionError("no route to the county")

    widget = StaffIndicatorsWidget(fetch, runner)
    qtbot.addWidget(widget)
    task = widget.refresh()
    qtbot.waitUntil(lambda: task.done, timeout=10000)
    assert widget.summary.text() and widget.model.rowCount() == 0


def test_low_income_coverage_and_left_out_income_are_marked(qtmodeltester, zh) -> None:
    from sync.indicators import compute
    from tests.sync.test_indicators_accounting import HOUSEHOLDS, INCOMES, PERSONS, TODAY

    village = compute(HOUSEHOLDS, PERSONS, INCOMES, [], year=2024, today=TODAY)  # 2 of 4 households
    village["name"] = "东村"
    village["quality"]["last_push_at"] = None
    model = VillageTableModel()
    model.set_answer({"by_village": {VILLAGE: village}})
    qtmodeltester.check(model)
    coverage, mean = model.index(0, _column("coverage")), model.index(0, _column("mean"))
    assert coverage.data() == "50.0%" and mean.data() == "-766.67"  # one rounding rule, to the fen
    assert coverage.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert mean.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert mean.data(Qt.ItemDataRole.ToolTipRole) == "收入数字只含 2/4 户，不代表全村"
    behind = model.index(0, _column("behind"))
    assert "覆盖率" in behind.data() and "收入未计入" in behind.data()
    assert "当年有 5 条收入记录未计入收入数字" in behind.data(Qt.ItemDataRole.ToolTipRole)
