"""Store errors in plain words: a full disk and a store open elsewhere are environment problems
(said so, not logged as bugs); an unexpected exception still is a bug."""

from __future__ import annotations

import errno
import logging

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.storage import Store, StoreFull, StoreInUse
from desktop.ui.shared.errors import describe, show_error
from tests.desktop.ui.conftest import PASSPHRASE, USER

HOUSEHOLD = {
    "household_no": "001",
    "head_name": "张三",
    "address": "一组",
    "category": "ordinary",
    "status": "active",
}


def _real_full_disk(store: Store) -> StoreFull:
    """A save refused by SQLite with SQLITE_FULL (the page limit stands in for the disk's end)."""
    pages = int(store.db.query("PRAGMA page_count")[0][0])
    store.db.query(f"PRAGMA max_page_count = {pages}")
    try:
        for i in range(5000):
            store.household.create({**HOUSEHOLD, "household_no": f"{i:06d}", "address": "一组" * 40})
    except StoreFull as exc:
        return exc
    raise AssertionError("the page limit was never reached")


def _shown_text(qtbot, action) -> str:
    """Run ``action`` (which opens a modal message box) and return the box's text."""
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.done(0)
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(20, close_box)
    action()
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    return seen[0]


def test_a_full_disk_is_said_so_and_not_logged_as_a_bug(qtbot, store: Store, caplog) -> None:
    exc = _real_full_disk(store)
    caplog.set_level(logging.DEBUG)
    text = _shown_text(qtbot, lambda: show_error(None, exc))
    assert "disk is full" in text
    assert "went wrong inside the program" not in text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_full_disk_in_chinese(qapp, zh, store: Store) -> None:
    assert "磁盘已满" in describe(_real_full_disk(store))


def test_the_disk_full_os_error_gets_the_same_words(qapp) -> None:
    text = describe(OSError(errno.ENOSPC, "No space left on device"))
    assert "disk is full" in text


def test_a_store_open_in_another_window_is_said_so(qapp, store: Store) -> None:
    with pytest.raises(StoreInUse) as err:
        Store.unlock(store.path, USER, PASSPHRASE)
    assert "already open in another window" in describe(err.value)


def test_a_bug_is_still_logged(qtbot, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    text = _shown_text(qtbot, lambda: show_error(None, ZeroDivisionError("boom")))
    assert "inside the program" in text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_unlock_screen_says_the_store_is_open_in_another_window(qtbot, runner, store: Store) -> None:
    from desktop.ui.official.unlock import UnlockDialog

    dialog = UnlockDialog(runner, store.path, [USER], last_user=USER)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.failed, timeout=15000) as failed:
        dialog.try_unlock()
    assert "already open in another window" in failed.args[0]
    assert dialog.message.text() == failed.args[0]
    assert store.is_open  # the window that has it keeps it
