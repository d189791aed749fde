"""``village-desk --restore-backup FILE``: the documented way back from a backup file."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.__main__ import main
from desktop.services.settings import AppPaths
from desktop.storage import KdfParams, Store

VILLAGE = "530102001001"
PASS = "green hills 2025"


def test_restore_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    path = AppPaths.default(str(home)).ensure().store_path
    with Store.create(path, "clerk", PASS, VILLAGE, kdf=KdfParams.fast_for_tests()) as store:
        store.household.create(
            {"household_no": "001", "head_name": "张三", "address": "一组", "category": "ordinary"}
            | {"status": "active"}
        )
        backup = store.backup(tmp_path / "usb" / "b").path
        store.household.create(
            {"household_no": "002", "head_name": "李四", "address": "一组", "category": "ordinary"}
            | {"status": "active"}
        )
    assert main(["--home", str(home), "--restore-backup", str(backup)]) == 0
    out = capsys.readouterr().out
    assert f"restored village {VILLAGE}" in out and "before-restore" in out
    with Store.unlock(path, "clerk", PASS) as again:
        assert again.household.count() == 1


def test_a_file_that_is_no_backup_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    path = AppPaths.default(str(home)).ensure().store_path
    Store.create(path, "clerk", PASS, VILLAGE, kdf=KdfParams.fast_for_tests()).close()
    before = sorted(p.name for p in path.parent.iterdir())
    junk = tmp_path / "photo.vddbak"
    junk.write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    assert main(["--home", str(home), "--restore-backup", str(junk)]) == 1
    assert "nothing was restored" in capsys.readouterr().err
    assert sorted(p.name for p in path.parent.iterdir()) == before
