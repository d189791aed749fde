"""Record history on screen, against the real county server on loopback and real laptops: the staff
desk's history beside the side-by-side view (scope applies), and the official's field history in the
record dialog (from the server when online, this laptop's own edits when offline)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.session import Session
from desktop.services.settings import DictBackend, Settings
from desktop.services.sync_service import SyncService, http_remote
from desktop.services.township.desk import TownshipService
from desktop.ui.official.record_dialog import RecordDialog
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.parts import WorkDeskPage
from desktop.ui.township.record_history import RecordHistoryPanel
from desktop.ui.township.staff_window import StaffContext
from tests.desktop.ui.township.test_township_screens import _desk_page, _open
from tests.desktop.ui.township.township_world import (
    OTHER_PASSWORD,
    OTHER_STAFF,
    STAFF_PASSWORD,
    STAFF_USER,
    World,
    conflict_world,
)

SHOTS = Path(os.environ.get("VDD_SHOTS", "/work/shots/i18"))
SCREEN = (1366, 768 - 40)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with conflict_world(tmp_path) as w:
        yield w


def _staff(world: World, runner: TaskRunner, user: str, password: str) -> StaffContext:
    desk = TownshipService(world.county.url, None, language="zh_CN")
    desk.sign_in(user, password)
    return StaffContext(desk, runner, Settings(DictBackend()))


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_staff_see_a_records_history_beside_the_side_by_side_view(qtbot, world: World, runner, zh) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(world, runner, STAFF_USER, STAFF_PASSWORD)
    try:
        page: WorkDeskPage = _desk_page(qtbot, staff)
        page.resize(*SCREEN)
        panel = page.view.record_history
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            view = _open(qtbot, page, "职业")
        assert view.item.record_id == world.person
        # One field to start with: the item's. Laptop A's value, by its user, from its device.
        texts = [[panel.table.item(r, c).text() for c in range(7)] for r in range(panel.table.rowCount())]
        assert texts and all(row[1] == "职业" for row in texts)
        assert any(row[3] == "务工" and row[6] == "东村电脑A" and row[4] == "笔记本同步" for row in texts)
        with qtbot.waitSignal(panel.loaded, timeout=20000):
            panel.field.setCurrentIndex(0)  # every field
        fields = {panel.table.item(r, 1).text() for r in range(panel.table.rowCount())}
        assert {"职业", "文化程度", "联系电话", "姓名"} <= fields
        labels = {panel.table.item(r, c).text() for r in range(panel.table.rowCount()) for c in (2, 3)}
        assert "college" not in labels and "大专" in labels  # choices by label, never codes
        qtbot.waitUntil(lambda: page.view.isVisible(), timeout=5000)
        _shot(page, "staff_record_history.png")
    finally:
        staff.desk.close()


def test_township_b_cannot_read_township_a_history(qtbot, world: World, runner, zh) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(world, runner, OTHER_STAFF, OTHER_PASSWORD)
    try:
        panel = RecordHistoryPanel(staff)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.failed, timeout=20000) as failed:
            panel.show_record("person", world.person)
        assert panel.table.rowCount() == 0 and "务工" not in failed.args[0]
    finally:
        staff.desk.close()


def test_the_official_sees_a_fields_history_online_and_own_edits_offline(  # type: ignore[no-untyped-def]
    qtbot, world: World, runner, zh
) -> None:
    laptop = world.a
    session = Session(laptop.store)
    session.sync = SyncService(laptop.store)
    dialog = RecordDialog(session, runner, "person", world.person)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.history_button.isVisible()
    history = dialog.show_history("occupation")
    with qtbot.waitSignal(history.loaded, timeout=20000) as online:
        pass
    assert online.args[0].online
    table = history.table
    rows = [[table.item(r, c).text() for c in range(7)] for r in range(table.rowCount())]
    # Newest first: A's edit (B's and C's values wait on the township: not written, not logged).
    assert rows[0][2:] == [rows[1][3], "务工", "笔记本同步", "wang", "东村电脑A"]
    assert rows[-1][2] == "—"  # the record's creation
    history.resize(SCREEN[0] * 2 // 3, SCREEN[1] // 2)
    _shot(history, "official_field_history_online.png")
    history.close()

    # Offline: an edit made here and not yet sent, with the value it replaced.
    laptop.store.person.update(world.person, {"occupation": "司机"})
    unreachable = SyncService(
        laptop.store,
        lambda config: http_remote(dataclasses.replace(config, server_url="http://127.0.0.1:9")),
    )
    session.sync = unreachable
    offline = dialog.show_history("occupation")
    with qtbot.waitSignal(offline.loaded, timeout=30000) as shown:
        pass
    assert not shown.args[0].online
    rows = [[offline.table.item(r, c).text() for c in range(7)] for r in range(offline.table.rowCount())]
    assert rows[0][2:] == ["务工", "司机", "本机修改（未同步）", "wang", "本机"]
    assert offline.message.text().startswith("无法连接县服务器")
    offline.resize(SCREEN[0] * 2 // 3, SCREEN[1] // 2)
    _shot(offline, "official_field_history_offline.png")
    offline.close()
    dialog.reject()
