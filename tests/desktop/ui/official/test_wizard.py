"""The first-run wizard's language page switches the language as soon as a button is chosen."""

from __future__ import annotations

from desktop.ui.official.wizard import SetupWizard


def test_choosing_a_language_reports_it_once(qtbot, runner) -> None:
    wizard = SetupWizard(runner, lambda choices: None, language="zh_CN")
    qtbot.addWidget(wizard)
    chosen: list[str] = []
    wizard.language_chosen.connect(chosen.append)
    wizard.language_page.en.click()
    wizard.language_page.zh.click()
    wizard.language_page.zh.click()  # already chosen: nothing new
    assert chosen == ["en", "zh_CN"]
    assert wizard.language_page.language() == "zh_CN"


# -- a provisioning file placed by county IT -------------------------------------------------------

import json  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QWizard  # noqa: E402

from desktop.services.settings import AppPaths  # noqa: E402
from desktop.storage import Store  # noqa: E402
from desktop.ui.app import DeskApp  # noqa: E402
from desktop.ui.official.settings_page import SettingsPage  # noqa: E402
from desktop.ui.shared.tasks import TaskRunner  # noqa: E402
from sync.provisioning import generate_signing_keypair, sign_provisioning  # noqa: E402
from tests.desktop.ui.conftest import FAST_KDF, PASSPHRASE, USER, VILLAGE  # noqa: E402
from tests.sync_world import make_pki  # noqa: E402

KEY_PASS = b"county signing passphrase"


@pytest.fixture(scope="module")
def county_key() -> bytes:
    return generate_signing_keypair(KEY_PASS)[0]


def _placed(folder: Path, key: bytes | None, **fields: Any) -> Path:
    """A provisioning file where county IT's installer puts it (here: a temporary /etc/village-desk)."""
    data: dict[str, Any] = {"server_url": "https://county.example.cn", **fields}
    if key is not None:
        data = sign_provisioning(data, key, KEY_PASS)
    path = folder / "etc" / "village-desk" / "provisioning.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def placed_desk(qapp, home: AppPaths, tmp_path: Path) -> Iterator[tuple[DeskApp, Path]]:
    target = tmp_path / "root" / "etc" / "village-desk" / "provisioning.json"
    desk = DeskApp(home, kdf=FAST_KDF, runner=TaskRunner(), provisioning_paths=[target])
    yield desk, tmp_path / "root"
    desk.shutdown()


def test_a_placed_file_with_a_village_leaves_only_user_and_passphrase(
    qtbot, zh, placed_desk: tuple[DeskApp, Path], county_key: bytes, tmp_path: Path
) -> None:
    desk, root = placed_desk
    pki = make_pki(tmp_path / "pki")
    _placed(root, county_key, village_code=VILLAGE, ca_bundle=pki.ca_pem.read_text("ascii"))
    wizard = desk.start()
    qtbot.waitExposed(wizard)
    assert wizard.currentPage() is wizard.user_page
    assert wizard.pageIds() == [wizard.currentId()]  # the only page
    assert VILLAGE in wizard.user_page.county.text() and "county.example.cn" in wizard.user_page.county.text()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible()
    wizard.user_page.user.setText(USER)
    wizard.user_page.passphrase.setText(PASSPHRASE)
    wizard.user_page.repeat.setText(PASSPHRASE)
    wizard.resize(1366, 768)
    wizard.grab().save(str(tmp_path / "preseeded.png"))
    wizard.user_page.repeat.setFocus()
    with qtbot.waitSignal(desk.unlocked, timeout=10000):
        qtbot.keyClick(wizard.user_page.repeat, Qt.Key.Key_Return)  # Enter finishes
    store = desk.session.store
    assert store.village_code == VILLAGE
    assert store.state_get("server_url") == "https://county.example.cn"
    assert store.state_get("ca_bundle_pem") == pki.ca_pem.read_text("ascii")
    assert store.state_get("provisioning_signing_key")  # pinned for later imports


def test_a_short_passphrase_is_still_refused_on_the_only_page(
    qtbot, zh, placed_desk: tuple[DeskApp, Path], county_key: bytes
) -> None:
    desk, root = placed_desk
    _placed(root, county_key, village_code=VILLAGE)
    wizard = desk.start()
    wizard.user_page.user.setText(USER)
    wizard.user_page.passphrase.setText("short")
    wizard.user_page.repeat.setText("short")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.user_page.message.text() and desk.session is None
    assert not Store.exists(desk.store_path)


def test_a_placed_file_without_a_village_asks_only_for_the_village_code(
    qtbot, zh, placed_desk: tuple[DeskApp, Path]
) -> None:
    desk, root = placed_desk
    path = _placed(root, None)
    wizard = desk.start()
    assert wizard.currentPage() is wizard.server_page
    assert wizard.server_page.file.text() == str(path) and wizard.server_page.use_file.isChecked()
    wizard.next()
    assert wizard.currentPage() is wizard.server_page  # no village code yet
    wizard.server_page.village.setText(VILLAGE)
    wizard.next()
    assert wizard.currentPage() is wizard.user_page


@pytest.mark.parametrize("damage", ["tampered", "not json"])
def test_a_bad_placed_file_is_explained_and_the_full_wizard_shown(
    qtbot, zh, placed_desk: tuple[DeskApp, Path], county_key: bytes, damage: str
) -> None:
    desk, root = placed_desk
    path = _placed(root, county_key, village_code=VILLAGE)
    if damage == "tampered":
        data = json.loads(path.read_text("utf-8"))
        data["server_url"] = "https://evil.example.cn"
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text("{", encoding="utf-8")
    wizard = desk.start()
    assert wizard.currentPage() is wizard.language_page
    message = wizard.server_page.message.text()
    assert str(path) in message and ("签名" if damage == "tampered" else "配置文件") in message
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.server_page  # the file is still refused
    assert not Store.exists(desk.store_path)


# -- importing a file later, from the settings page ------------------------------------------------


def test_settings_imports_a_file_signed_by_the_pinned_key_and_refuses_others(
    qtbot, zh, ui, tmp_path: Path, county_key: bytes
) -> None:
    store = ui.session.store
    pinned = sign_provisioning({"server_url": "https://x.cn"}, county_key, KEY_PASS)["signature"]["key"]
    store.state_set("provisioning_signing_key", pinned)  # as first run from a signed file leaves it
    page = SettingsPage(ui)
    qtbot.addWidget(page)
    box = page.provisioning
    stray = _placed(tmp_path / "stray", None, server_url="https://evil.example.cn")
    with qtbot.waitSignal(box.failed, timeout=10000):
        box.import_file(stray)
    assert "没有签名" in box.message.text()
    assert store.state_get("server_url") is None
    other = _placed(
        tmp_path / "other", generate_signing_keypair(KEY_PASS)[0], server_url="https://evil.example.cn"
    )
    with qtbot.waitSignal(box.failed, timeout=10000):
        box.import_file(other)
    assert "不是本县签名" in box.message.text()
    assert store.state_get("server_url") is None
    good = _placed(tmp_path / "good", county_key, server_url="https://new.example.cn", village_code=VILLAGE)
    with qtbot.waitSignal(box.imported, timeout=10000):
        box.import_file(good)
    assert "https://new.example.cn" in box.message.text() and box.button.isEnabled()
    assert store.state_get("server_url") == "https://new.example.cn"
