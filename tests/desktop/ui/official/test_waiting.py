"""The village official's side: the status bar count opens the records waiting on the township;
records under review are marked in the lists and in the form. Real laptops and server."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import select

from desktop.services.session import Session
from desktop.services.settings import DictBackend, Settings
from desktop.ui.official.main_window import MainWindow
from desktop.ui.official.waiting import ReviewPart
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.tasks import TaskRunner
from sync.ids import item_number
from sync.server.tables import review_items
from tests.desktop.ui.helpers import WORK_MS
from tests.desktop.ui.township.township_world import World, conflict_world


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    with conflict_world(tmp_path) as w:
        yield w


def test_waiting_list_markers_and_form_note_for_laptop_b(
    qtbot, zh, world: World, runner: TaskRunner, tmp_path
):
    b = world.laptops[1]
    ui = UiContext(Session(b.store), runner, Settings(DictBackend()), DataBus())
    window = MainWindow(ui, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    review = window.add_part(ReviewPart(ui))
    window.show()
    qtbot.waitExposed(window)

    status = window.status.conflicts
    qtbot.waitUntil(status.isVisible, timeout=WORK_MS)
    assert status.text() == "3 项等待乡镇处理"  # occupation, education, the deleted person's edit
    with qtbot.waitSignal(review.page.refreshed, timeout=WORK_MS) as shown:
        status.click()
    assert shown.args == [3, 0]
    assert window.current_page() is review.page
    table = review.page.table
    # Each row starts with the item's number, the one the township desk shows and Ctrl+G takes.
    numbers = [table.item(r, 0).text() for r in range(table.rowCount())]
    with world.county.store.engine.connect() as conn:
        item_ids = [r[0] for r in conn.execute(select(review_items.c.id))]
    assert len(set(numbers)) == 3 and set(numbers) <= {item_number(i) for i in item_ids}
    assert all(re.fullmatch("[0-9a-f]{8}", n) for n in numbers)
    rows = {
        table.item(r, 3).text(): [table.item(r, c).text() for c in range(1, 8)]
        for r in range(table.rowCount())
    }
    assert rows["职业"][3:6] == ["务农", "务工", "等待乡镇处理"]  # mine beside the county's
    assert rows["文化程度"][3:5] == ["初中", "大专"]  # choice labels, not codes
    assert rows["记录存续（删除/保留）"][3] == "职业：外出务工"  # my edit of the deleted person is kept
    assert "·" in rows["职业"][0]

    # The persons list marks the record under review; its form says what waits.
    window.show_page(window.persons)
    model = window.persons.model
    qtbot.waitUntil(lambda: model.total() > 0, timeout=WORK_MS)
    row = model.row_of(world.person)
    qtbot.waitUntil(lambda: model.is_marked(row), timeout=WORK_MS)
    qtbot.waitUntil(lambda: (model.data(model.index(row, 0)) or "").startswith("⚑"), timeout=WORK_MS)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole) == "该记录有数值正等待乡镇处理"
    other = next(r for r in range(model.total()) if model.id_at(r) != world.person)
    assert not model.is_marked(other)
    window.persons.select(world.person)
    window.persons.edit_current()
    dialog = window.persons.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.under_review.isVisible(), timeout=WORK_MS)
    assert "职业：您的数值 务农，县级 务工" in dialog.under_review.text()
    assert "文化程度：您的数值 初中，县级 大专" in dialog.under_review.text()
    dialog.reject()
    window.shutdown()


def test_two_officials_windows_on_one_runner_both_get_their_count(
    qtbot, zh, world: World, runner: TaskRunner, tmp_path
):
    """Keyed tasks belong to their window: B's recount must not cancel C's (one runner serves both,
    as in the township flow test, where C's status bar once never appeared)."""
    import threading

    parts = []
    for laptop in world.laptops[1:]:
        ui = UiContext(Session(laptop.store), runner, Settings(DictBackend()), DataBus())
        window = MainWindow(ui, QSettings(str(tmp_path / f"{laptop.name}.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        review = window.add_part(ReviewPart(ui))
        window.show()
        qtbot.waitExposed(window)
        parts.append((window, review))
    heard: list[int] = []
    for i, (_window, review) in enumerate(parts):
        review.status.set_review(0, 0)  # hidden until its own count arrives
        review.status.set_review = lambda w, d, i=i, s=review.status.set_review: (heard.append(i), s(w, d))
    release = threading.Event()
    blocker = runner.run_db(lambda: release.wait(30))  # both counts queue behind this
    for _window, review in parts:
        review.count()
    release.set()
    with qtbot.waitSignal(blocker.finished):
        pass
    qtbot.waitUntil(lambda: sorted(set(heard)) == [0, 1])
    for window, _review in parts:
        qtbot.waitUntil(window.status.conflicts.isVisible)
