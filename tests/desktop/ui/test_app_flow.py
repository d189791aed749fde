"""First run, unlock with a wrong and then the right passphrase, and auto-lock, through DeskApp."""

from __future__ import annotations

import json
import linecache
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from desktop.services.settings import AppPaths
from desktop.storage import Store, generate_recovery_keypair
from desktop.ui.app import DeskApp
from desktop.ui.official import main_window
from desktop.ui.official.unlock import UnlockDialog
from desktop.ui.official.wizard import SetupWizard
from desktop.ui.shared.tasks import TaskRunner
from tests.desktop.ui.conftest import FAST_KDF, PASSPHRASE, USER, VILLAGE
from tests.desktop.ui.helpers import WORK_MS, press, type_text


@pytest.fixture
def desk(qapp, home: AppPaths) -> Iterator[DeskApp]:
    app = DeskApp(home, kdf=FAST_KDF, runner=TaskRunner())
    yield app
    app.shutdown()


def _provisioning(tmp_path) -> str:
    _private, public = generate_recovery_keypair()
    path = tmp_path / "provisioning.json"
    path.write_text(
        json.dumps(
            {
                "server_url": "https://county.example.cn",
                "recovery_public_key": public.decode(),
                "village_code": VILLAGE,
            }
        ),
        encoding="utf-8",
    )
    return str(path)


def test_first_run_makes_an_encrypted_store_and_opens_the_main_window(
    qtbot, zh, desk: DeskApp, tmp_path
) -> None:
    wizard = desk.start()
    assert isinstance(wizard, SetupWizard)
    qtbot.waitExposed(wizard)
    wizard.next()  # language: Chinese is the default
    wizard.server_page.file.setText(_provisioning(tmp_path))
    wizard.next()
    assert wizard.currentPage() is wizard.user_page
    assert wizard.server_page.village.text() == VILLAGE
    wizard.user_page.user.setFocus()
    type_text(qtbot, USER)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "weak")
    assert wizard.user_page.strength.value() <= 1
    wizard.user_page.passphrase.clear()
    wizard.user_page.passphrase.setFocus()
    type_text(qtbot, PASSPHRASE)
    assert wizard.user_page.strength.value() >= 2
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, PASSPHRASE)
    wizard.next()
    assert wizard.currentPage() is wizard.enroll_page
    with qtbot.waitSignal(desk.unlocked, timeout=10000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert desk.window is not None and desk.window.isVisible()
    assert Store.exists(desk.store_path)
    raw = desk.store_path.read_bytes()
    assert b"SQLite format 3" not in raw[:16]  # encrypted on disk
    assert (
        desk.session is not None and desk.session.store.state_get("server_url") == "https://county.example.cn"
    )


def test_wizard_refuses_a_bad_provisioning_file(qtbot, zh, desk: DeskApp, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"server_url": "ftp://x"}', encoding="utf-8")
    wizard = desk.start()
    wizard.next()
    wizard.server_page.file.setText(str(bad))
    wizard.next()
    assert wizard.currentPage() is wizard.server_page
    assert wizard.server_page.message.text()


def _make_store(home: AppPaths) -> None:
    Store.create(home.store_path, USER, PASSPHRASE, VILLAGE, kdf=FAST_KDF).close()


def test_wrong_passphrase_then_the_right_one(qtbot, zh, desk: DeskApp, home: AppPaths) -> None:
    _make_store(home)
    dialog = desk.start()
    assert isinstance(dialog, UnlockDialog)
    qtbot.waitExposed(dialog)
    assert dialog.user.currentText() == USER
    dialog.passphrase.setFocus()
    type_text(qtbot, "not my passphrase")
    with qtbot.waitSignal(dialog.failed, timeout=10000) as failed:
        press(qtbot, Qt.Key.Key_Return)
    assert failed.args[0] == dialog.message.text() and dialog.message.text()
    assert desk.session is None
    # The store asks for a growing delay: the button counts it down and refuses meanwhile.
    assert not dialog.button.isEnabled()
    qtbot.waitUntil(dialog.button.isEnabled, timeout=WORK_MS)
    dialog.passphrase.setFocus()
    type_text(qtbot, PASSPHRASE)
    with qtbot.waitSignal(desk.unlocked, timeout=10000):
        press(qtbot, Qt.Key.Key_Return)
    assert desk.window is not None and desk.session is not None
    # The sources PySide6's import hook read are not kept (about 4 MB with the main window's).
    assert main_window.__file__ not in linecache.cache


def test_auto_lock_closes_the_store_and_asks_again(qtbot, zh, desk: DeskApp, home: AppPaths) -> None:
    _make_store(home)
    dialog = desk.start()
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(desk.unlocked, timeout=10000):
        dialog.button.click()
    store = desk.session.store
    window = desk.window
    desk.idle.set_interval_ms(300)
    with qtbot.waitSignal(desk.locked, timeout=WORK_MS):
        pass
    assert desk.session is None and desk.window is None
    qtbot.waitUntil(lambda: not store.is_open, timeout=WORK_MS)
    assert not shiboken6.isValid(window) or not window.isVisible()
    assert isinstance(desk.unlock_dialog, UnlockDialog) and desk.unlock_dialog.isVisible()


def test_closing_the_app_closes_the_store_and_leaves_no_wal(qtbot, zh, desk: DeskApp, home: AppPaths) -> None:
    # The data file alone must be the data: after a normal close there is no -wal beside it
    # (county IT and officials copy village.vdd). The close used to be skipped when other
    # database work was still queued at shutdown.
    import threading
    import time

    _make_store(home)
    dialog = desk.start()
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(desk.unlocked, timeout=10000):
        dialog.button.click()
    store = desk.session.store
    store.household.create(
        {
            "household_no": "001",
            "head_name": "张三",
            "address": "一组",
            "category": "ordinary",
            "status": "active",
        }
    )
    wal = home.store_path.with_name(home.store_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    started = threading.Event()
    runner = desk.runner

    def busy() -> None:  # a page's last query, still running when the window closes
        started.set()
        deadline = time.monotonic() + 10
        while runner._db_queue.empty() and time.monotonic() < deadline:
            time.sleep(0.001)

    runner.run_db(busy)
    assert started.wait(10)
    desk.shutdown()
    assert not store.is_open
    assert not wal.exists() or wal.stat().st_size == 0
    with Store.unlock(home.store_path, USER, PASSPHRASE) as again:
        assert again.household.count() == 1
