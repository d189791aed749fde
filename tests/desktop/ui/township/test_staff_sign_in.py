"""Staff mode: sign in from the unlock screen or the first-run wizard, over TLS pinned to the county CA
from a provisioning file, with bad input refused in plain words; sign out returns to the first screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.services.settings import AppPaths
from desktop.storage import Store
from desktop.ui.app import DeskApp
from desktop.ui.official.unlock import UnlockDialog
from desktop.ui.official.wizard import SetupWizard
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.parts import WorkListPart
from desktop.ui.township.staff_sign_in import StaffSignInDialog
from desktop.ui.township.staff_window import StaffWindow
from tests.desktop.ui.conftest import FAST_KDF, PASSPHRASE, USER, VILLAGE
from tests.desktop.ui.helpers import WORK_MS, focused, type_text
from tests.sync_world import STAFF_PASSWORD, STAFF_USER, County, make_pki, start_county
from tests.sync_world import VILLAGE as COUNTY_VILLAGE


@pytest.fixture
def tls_county(tmp_path) -> Iterator[County]:
    county = start_county(tmp_path / "county.sqlite3", pki=make_pki(tmp_path / "pki"))
    yield county
    county.stop()


@pytest.fixture
def desk(qapp, home: AppPaths) -> Iterator[DeskApp]:
    app = DeskApp(home, kdf=FAST_KDF, runner=TaskRunner())
    yield app
    app.shutdown()


def _provisioning(tmp_path: Path, county: County) -> Path:
    path = tmp_path / "provisioning.json"
    path.write_text(json.dumps({"server_url": county.url, "ca_bundle": county.ca_pem}), encoding="utf-8")
    return path


def test_from_the_unlock_screen_over_pinned_tls_and_back_after_sign_out(
    qtbot, zh, desk: DeskApp, home: AppPaths, tls_county: County, tmp_path
) -> None:
    Store.create(home.store_path, USER, PASSPHRASE, VILLAGE, kdf=FAST_KDF).close()
    unlock = desk.start()
    assert isinstance(unlock, UnlockDialog)
    qtbot.waitExposed(unlock)
    assert unlock.staff_button.text() == "乡镇工作人员登录"
    unlock.staff_button.click()
    dialog = desk.staff_dialog
    assert isinstance(dialog, StaffSignInDialog)
    qtbot.waitExposed(dialog)

    # Refusals in plain words; nothing is sent.
    dialog.server.setText("http://county.example.cn")
    dialog.try_sign_in()
    assert "https://" in dialog.message.text()
    dialog.server.setText(tls_county.url)
    dialog.ca_file.setText(str(tmp_path / "missing.pem"))
    dialog.try_sign_in()
    assert dialog.message.text() == "证书文件不存在。"
    dialog.ca_file.clear()
    dialog.try_sign_in()
    assert dialog.message.text() == "请输入工作人员账号和密码。"

    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert not dialog.use_provisioning(tmp_path / "bad.json")
    assert dialog.message.text() == "无法使用此配置文件。"
    assert dialog.use_provisioning(_provisioning(tmp_path, tls_county))
    assert dialog.server.text() == tls_county.url
    ca = Path(dialog.ca_file.text())
    assert ca.read_text("ascii") == tls_county.ca_pem and ca.parent == home.data_dir
    assert focused(qtbot) is dialog.user
    type_text(qtbot, STAFF_USER)
    qtbot.keyClick(focused(qtbot), Qt.Key.Key_Tab)
    type_text(qtbot, STAFF_PASSWORD)
    with qtbot.waitSignal(desk.window_shown, timeout=15000) as shown:
        qtbot.keyClick(focused(qtbot), Qt.Key.Key_Return)
    window = shown.args[0]
    assert isinstance(window, StaffWindow) and desk.session is None  # no village data opened
    assert window.signed_in.text() == f"已登录：{STAFF_USER}，乡镇 {COUNTY_VILLAGE[:9]}"
    assert [page.title for page in window.pages] == ["工作清单", "处理记录", "重复人员", "指标"]
    page = window.part(WorkListPart).page
    qtbot.waitUntil(lambda: page.list.count.text() == "0 项", timeout=10000)
    desk.qsettings.sync()
    assert STAFF_PASSWORD not in home.settings_path.read_text("utf-8")  # the password is not kept
    assert desk.settings.get("staff_server_url") == tls_county.url
    assert desk.settings.get("staff_user") == STAFF_USER

    with qtbot.waitSignal(desk.window_shown, timeout=1000, raising=False):
        window.sign_out_action.trigger()
    assert desk.staff_window is None
    # Back to the staff sign-in, over the unlock screen of this laptop's village data.
    assert isinstance(desk.unlock_dialog, UnlockDialog) and desk.unlock_dialog.isVisible()
    again = desk.staff_dialog
    assert isinstance(again, StaffSignInDialog) and again.isVisible()
    assert again.parent() is desk.unlock_dialog

    # The next sign-in starts from what was used last.
    assert again is not None
    assert again.server.text() == tls_county.url and again.user.text() == STAFF_USER
    assert again.ca_file.text() == str(ca)
    qtbot.waitUntil(lambda: focused(qtbot) is again.password, timeout=3000)


def test_the_wizard_first_page_offers_staff_sign_in(qtbot, zh, desk: DeskApp) -> None:
    wizard = desk.start()
    assert isinstance(wizard, SetupWizard)
    qtbot.waitExposed(wizard)
    button = wizard.language_page.staff
    assert button.text() == "乡镇工作人员登录" and button.isVisible()
    button.click()
    dialog = desk.staff_dialog
    assert isinstance(dialog, StaffSignInDialog) and dialog.isVisible()
    dialog.reject()
    assert desk.staff_dialog is None and wizard.isVisible()  # back to the wizard, nothing closed


def test_a_wrong_password_is_said_plainly(qtbot, zh, desk: DeskApp, tls_county: County, tmp_path) -> None:
    dialog = desk.start(staff=True)
    assert isinstance(dialog, StaffSignInDialog)
    dialog.use_provisioning(_provisioning(tmp_path, tls_county))
    dialog.user.setText(STAFF_USER)
    dialog.password.setText("not the password")
    with qtbot.waitSignal(dialog.failed, timeout=15000) as failed:
        dialog.try_sign_in()
    assert failed.args[0] == "用户名或密码错误。"
    assert desk.staff_window is None and dialog.isVisible() and dialog.button.isEnabled()


def test_an_expired_sign_in_and_idle_time_lead_back_to_the_sign_in(
    qtbot, zh, desk: DeskApp, tls_county: County, tmp_path
) -> None:
    dialog = desk.start(staff=True)
    assert isinstance(dialog, StaffSignInDialog)
    dialog.use_provisioning(_provisioning(tmp_path, tls_county))
    dialog.user.setText(STAFF_USER)
    dialog.password.setText(STAFF_PASSWORD)
    with qtbot.waitSignal(desk.window_shown, timeout=15000) as shown:
        dialog.try_sign_in()
    window = shown.args[0]
    page = window.part(WorkListPart).page
    qtbot.waitUntil(lambda: page.list.count.text() == "0 项", timeout=10000)

    # The server forgets the token (signed out elsewhere); the next call sends the person back.
    window.staff.desk.client.logout()
    page.list.refresh()
    qtbot.waitUntil(lambda: desk.staff_window is None and desk.staff_dialog is not None, timeout=10000)
    again = desk.staff_dialog
    assert again.message.text() == "请（重新）登录县级服务器。"
    assert again.server.text() == tls_county.url and again.user.text() == STAFF_USER

    # Idle: the same auto-lock time signs staff out.
    again.password.setText(STAFF_PASSWORD)
    with qtbot.waitSignal(desk.window_shown, timeout=15000):
        again.try_sign_in()
    assert desk.staff_window is not None
    desk.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: desk.staff_window is None, timeout=WORK_MS)
