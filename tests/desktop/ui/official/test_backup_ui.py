"""Settings: the official backs the village up to one file and is told where it went; a folder
that cannot be written is said in plain words and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

from desktop.storage import Store
from desktop.storage.backup import restore_backup
from desktop.ui.official.settings_page import SettingsPage
from tests.desktop.ui.conftest import PASSPHRASE, USER


def test_back_up_from_the_settings_page(qtbot, zh, ui, tmp_path: Path) -> None:
    ui.session.save(
        "household",
        None,
        {
            "household_no": "001",
            "head_name": "张三",
            "address": "一组",
            "category": "ordinary",
            "status": "active",
        },
    )
    page = SettingsPage(ui)
    qtbot.addWidget(page)
    box = page.backup
    assert ".keys" in " ".join(label.text() for label in page.findChildren(type(box.message)))
    usb = tmp_path / "U盘"
    usb.mkdir()
    with qtbot.waitSignal(box.backed_up, timeout=20000) as written:
        box.back_up(usb / "村备份")
    assert written.args == [str(usb / "村备份.vddbak")]
    assert "村备份.vddbak" in box.message.text() and box.button.isEnabled()
    restored = tmp_path / "restored" / "village.vdd"
    restore_backup(usb / "村备份.vddbak", restored)
    with Store.unlock(restored, USER, PASSPHRASE) as again:
        assert again.household.count() == 1


def test_a_backup_that_cannot_be_written_says_so(qtbot, zh, ui, tmp_path: Path) -> None:
    page = SettingsPage(ui)
    qtbot.addWidget(page)
    box = page.backup
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x")
    task = box.back_up(blocked / "backup.vddbak")
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    assert "备份没有写成" in box.message.text() and box.button.isEnabled()
