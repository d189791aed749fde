"""installer/wine_machine.py without Wine: the batch files it writes and how it reads ``reg query``."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.installer.conftest import load_script

REG_OUTPUT = (
    "\r\nHKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\VillageDataDesk\r\n"
    "    InstallLocation    REG_SZ    C:\\Program Files\\VillageDataDesk\r\n"
    "    NoModify    REG_DWORD    0x1\r\n"
    "    Empty    REG_SZ\r\n"
    "\r\n"
    "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{1234}\r\n"
)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    seen: list[list[str]] = []

    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 7, REG_OUTPUT.encode("utf-8"), b"")

    monkeypatch.setattr(subprocess, "run", run)
    return seen


def test_batch_runs_the_line_word_for_word_through_runwait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: list[list[str]]
) -> None:
    wm = load_script("wine_machine")
    monkeypatch.setattr(wm, "CHECK", tmp_path)
    code, took = wm.batch("exe-install", r'"Z:\setup.exe" /S /PROVISION="D:\Setup files\p.json"')
    assert code == 7 and took >= 0
    bat = (tmp_path / "exe-install.bat").read_bytes().decode("ascii")
    assert bat.startswith('@echo off\r\n"') and bat.endswith("\r\nexit /b %ERRORLEVEL%\r\n")
    assert '\\runwait.exe" "Z:\\setup.exe" /S /PROVISION="D:\\Setup files\\p.json"\r\n' in bat
    assert calls[0][:4] == ["wine", "cmd", "/d", "/c"] and calls[0][4].endswith("exe-install.bat")


def test_reg_query_reads_a_value_an_empty_one_or_none(calls: list[list[str]]) -> None:
    wm = load_script("wine_machine")
    key = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\VillageDataDesk"
    assert wm.reg_query(key, "installlocation") == r"C:\Program Files\VillageDataDesk"
    assert wm.reg_query(key, "Empty") == ""
    assert wm.reg_query(key, "DisplayName") is None
    assert calls[0] == ["wine", "reg", "query", key, "/v", "installlocation", "/reg:64"]


def test_reg_keys_lists_the_subkeys(calls: list[list[str]]) -> None:
    wm = load_script("wine_machine")
    keys = wm.reg_keys(r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall")
    assert [k.rsplit("\\", 1)[-1] for k in keys] == ["VillageDataDesk", "{1234}"]
