"""What the sync page says about enrolling and the server address, and that its counts agree with the
status bar's, against a real county server on loopback (or none at all)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from desktop.services import demo
from desktop.ui.official.sync_page import SyncPart
from desktop.ui.shared.context import UiContext
from tests.desktop.ui.helpers import WORK_MS, open_main_window
from tests.desktop.ui.official.test_sync_page import county as _county

NOWHERE = "http://127.0.0.1:9"  # nothing listens there
county = _county  # the fixture: a real county server on loopback


def _visible_texts(page) -> list[str]:
    return [w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(page) and w.text()]


def test_enrolling_offline_fails_and_keeps_the_code(qtbot, zh, ui: UiContext, tmp_path) -> None:
    ui.session.store.state_set("server_url", NOWHERE)
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    page, controller = part.page, part.controller
    window.show_page(page)
    page.code.setText("7GQK-2M4P")
    with qtbot.waitSignal(controller.enroll_failed, timeout=30000):
        page.enroll_button.click()
    text = page.enroll_message.text()
    assert text.startswith("注册失败") and "无法连接县级服务器" in text, text
    assert "稍后会自动发送" not in text  # nothing was waiting to be sent: enrolling failed
    assert page.code.text() == "7GQK-2M4P"  # kept for the next try
    assert page.enroll_button.isEnabled() and page.code.isVisibleTo(page)


def test_the_wizards_code_stays_on_the_sync_page(qtbot, zh, ui: UiContext, tmp_path) -> None:
    ui.session.store.state_set("server_url", NOWHERE)
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    with qtbot.waitSignal(part.controller.enroll_failed, timeout=30000):
        part.enroll("7GQK-2M4P")  # what the app does with the code typed in the first-run wizard
    assert part.page.code.text() == "7GQK-2M4P" and part.page.enroll_message.text().startswith("注册失败")


def test_a_refused_address_does_not_stay_in_the_field(qtbot, zh, ui: UiContext, tmp_path) -> None:
    ui.session.store.state_set("server_url", "https://county.example.cn")
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    page, controller = part.page, part.controller
    window.show_page(page)
    qtbot.waitUntil(lambda: page.server.text() == "https://county.example.cn", timeout=WORK_MS)
    page.server.setText("ftp://county.example.cn")
    with qtbot.waitSignal(controller.configure_failed, timeout=10000):
        page.save_server.click()
    # The address in use, not the refused one.
    qtbot.waitUntil(lambda: page.server.text() == "https://county.example.cn", timeout=WORK_MS)
    message = page.server_message.text()
    assert "ftp://county.example.cn" in message and "未保存" in message, message
    assert ui.session.store.state_get("server_url") == "https://county.example.cn"


def test_an_enrolled_laptop_shows_no_code_field_and_says_enrolled_once(
    qtbot,
    zh,
    ui: UiContext,
    county,
    tmp_path,
) -> None:
    url, code = county
    ui.session.store.state_set("server_url", url)
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    page, controller = part.page, part.controller
    window.show_page(page)
    assert page.code.isVisibleTo(page) and page.enroll_button.isVisibleTo(page)
    page.code.setText(code)
    with qtbot.waitSignal(controller.finished, timeout=30000):  # enrolling starts the first sync
        page.enroll_button.click()
    qtbot.waitUntil(lambda: not page.code.isVisibleTo(page), timeout=WORK_MS)
    assert not page.enroll_button.isVisibleTo(page)
    said = [t for t in _visible_texts(page) if "已注册" in t]
    assert len(said) == 1, said


def test_the_status_bar_and_the_sync_count_the_same_things(
    qtbot,
    zh,
    ui: UiContext,
    county,
    tmp_path,
) -> None:
    """Three writes to two records: the status bar said "3 changes waiting", the sync "sent 2"."""
    url, code = county
    store = ui.session.store
    store.state_set("server_url", url)
    demo.populate(store, 3)
    window = open_main_window(qtbot, ui, tmp_path)
    part = window.add_part(SyncPart(ui))
    page, controller = part.page, part.controller
    page.code.setText(code)
    with qtbot.waitSignal(controller.finished, timeout=30000):
        page.enroll_button.click()
    qtbot.waitUntil(lambda: window.status.pending.text() == "没有待同步的修改", timeout=WORK_MS)
    first, second = ui.session.ids("person")[:2]
    ui.session.save("person", first, {"occupation": "务农"})
    ui.session.save("person", first, {"occupation": "个体经营"})
    ui.session.save("person", second, {"occupation": "务农"})
    ui.bus.changed.emit("person")
    qtbot.waitUntil(lambda: window.status.pending.text() == "2 条记录待同步", timeout=WORK_MS)
    window.show_page(page)
    qtbot.waitUntil(page.sync_button.isEnabled, timeout=WORK_MS)
    with qtbot.waitSignal(controller.finished, timeout=30000):
        page.sync_button.click()
    assert page.result.text().startswith("已上传 2 条记录"), page.result.text()
