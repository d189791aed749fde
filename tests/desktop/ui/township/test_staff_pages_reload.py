"""Staff pages that summarise (indicators, duplicates) fetch again each time they are shown and say
as of when, so a count seen after decisions is not the one of sign-in time."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QStackedWidget

from desktop.services.settings import DictBackend, Settings
from desktop.services.township.desk import TownshipService
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.duplicates import DuplicatesPage
from desktop.ui.township.parts import IndicatorsPart
from desktop.ui.township.staff_window import StaffContext
from tests.desktop.ui.township.township_world import STAFF_PASSWORD, STAFF_USER, World, conflict_world
from tests.sync_world import VILLAGE

AS_OF = re.compile(r"截至 \d\d:\d\d")


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


def _stack(qtbot, *pages) -> QStackedWidget:
    """Pages behind one another, as the staff window holds them."""
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    for page in pages:
        stack.addWidget(page)
    stack.resize(1326, 680)
    stack.show()
    qtbot.waitExposed(stack)
    return stack


def test_indicators_fetch_again_when_shown_and_say_as_of_when(qtbot, staff: StaffContext) -> None:
    part = IndicatorsPart(staff)
    widget = part.page
    other = DuplicatesPage(staff)
    stack = _stack(qtbot, other, widget)
    with qtbot.waitSignal(widget.loaded, timeout=30000):
        stack.setCurrentWidget(widget)
        widget.refresh()
    before = next(r for r in widget.model.rows if r["code"] == VILLAGE)["conflicts"]
    assert before > 0
    assert AS_OF.search(widget.summary.text())

    # Two items are decided meanwhile (on this desk or another).
    desk = staff.desk
    decided = desk.items().items[:2]
    for item in decided:
        desk.decide(item, "county" if item.kind == "field" else "stay_deleted", note="核实")
    stack.setCurrentWidget(other)
    with qtbot.waitSignal(widget.loaded, timeout=30000):
        stack.setCurrentWidget(widget)  # shown again: fetched again
    after = next(r for r in widget.model.rows if r["code"] == VILLAGE)["conflicts"]
    assert after == before - sum(len(i.village_values) for i in decided)


def test_duplicates_fetch_again_when_shown_and_say_as_of_when(qtbot, staff: StaffContext, world) -> None:
    page = DuplicatesPage(staff)
    other = DuplicatesPage(staff)
    stack = _stack(qtbot, page, other)
    qtbot.waitUntil(lambda: AS_OF.search(page.count.text()) is not None, timeout=15000)
    assert page.count.text().startswith("0 组重复人员")
    stack.setCurrentWidget(other)
    with qtbot.waitSignal(page.loaded, timeout=15000):
        stack.setCurrentWidget(page)


def test_the_desk_exports_to_excel_and_the_indicators_print_to_pdf(
    qtbot, staff: StaffContext, tmp_path
) -> None:
    from openpyxl import load_workbook

    from desktop.ui.township.parts import WorkDeskPage

    page = WorkDeskPage(staff)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 5, timeout=15000)
    assert page.export_button.text() == "导出 Excel…"
    target = tmp_path / "乡镇工作台"
    page.export_excel(target)
    qtbot.waitUntil(lambda: "已导出" in page.list.message.text(), timeout=30000)
    written = target.with_suffix(".xlsx")
    assert str(written) in page.list.message.text()  # the full path, to find it again
    assert load_workbook(written)["工作清单"].max_row == 6

    part = IndicatorsPart(staff)
    widget = part.page
    qtbot.addWidget(widget)
    assert not widget.pdf_button.isEnabled()  # nothing to print before the figures came
    with qtbot.waitSignal(widget.loaded, timeout=30000):
        widget.refresh()
    assert widget.pdf_button.isEnabled()
    texts: list[str] = []
    pages = widget.write_pdf(tmp_path / "report.pdf", texts)
    assert pages >= 2 and (tmp_path / "report.pdf").stat().st_size > 1000
    assert any(STAFF_USER in t and "乡镇" in t for t in texts)  # whose figures
    assert str(tmp_path / "report.pdf") in widget.summary.text()
