"""The Windows machine that ``wine_check.py`` checks the installers on: a fresh Wine prefix.

Its folders as Windows names them (``Machine``), with a second user profile whose name has a space
and Chinese in it; Windows command lines run from a batch file, word for word, and waited for as a
deployment tool waits (``batch``, through ``installer/wine/runwait.c``); its registry (``reg_query``,
``reg_keys``, ``reg_import``); Chinese and English locales of our own (Wine takes Windows' language
from them); and a picture of a Windows program on the X screen (``screenshot_of``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import wine_build as wb  # noqa: E402 - the sibling modules, found through HERE
import xvfb_screen  # noqa: E402

CHECK = wb.WINE_ROOT / "check"
CHECK_PREFIX = wb.WINE_ROOT / "check-prefix"
PROFILE_LIST = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList"
OTHER_PROFILE = "Li Ming 李明"  # a profile name with a space and Chinese
ZH, EN = "zh_CN.UTF-8", "en_US.UTF-8"
NAME_ZH = "村级数据台"
LOCALES = wb.WINE_ROOT / "locale"


def make_locales() -> None:
    """zh_CN.UTF-8 and en_US.UTF-8 in a folder of our own (LOCPATH): Wine takes Windows' language
    from the Unix locale, and a machine with only C.UTF-8 would run everything in English, with
    an ASCII code page that cannot name a file 村级数据台.lnk."""
    LOCALES.mkdir(parents=True, exist_ok=True)
    for name in ("zh_CN", "en_US"):
        if not (LOCALES / f"{name}.UTF-8" / "LC_CTYPE").exists():
            wb.run(["localedef", "-i", name, "-f", "UTF-8", str(LOCALES / f"{name}.UTF-8")])


def env(lang: str = ZH, **extra: str) -> dict[str, str]:
    return wb.wine_env(WINEPREFIX=str(CHECK_PREFIX), LOCPATH=str(LOCALES), LANG=lang, LC_ALL=lang, **extra)


def batch(name: str, line: str, lang: str = ZH, timeout: float = 1200) -> tuple[int, float]:
    """Run one Windows command line from a batch file and wait for the program, as a deployment tool
    waits for the process it started (runwait.exe: Wine's ``start /wait`` re-quotes arguments);
    its exit code and how long it took."""
    bat = CHECK / f"{name}.bat"
    runwait = wb.win_path(wb.SHIMS / "runwait.exe")
    bat.write_bytes(f'@echo off\r\n"{runwait}" {line}\r\nexit /b %ERRORLEVEL%\r\n'.encode("ascii"))
    started = time.monotonic()
    proc = subprocess.run(
        ["wine", "cmd", "/d", "/c", wb.win_path(bat)],
        env=env(lang),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, time.monotonic() - started


def _reg_query_lines(*args: str) -> list[str]:
    """What ``reg query ARGS /reg:64`` prints (the 64-bit view), line by line; nothing on an error."""
    proc = subprocess.run(
        ["wine", "reg", "query", *args, "/reg:64"],
        env=env(EN),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return proc.stdout.decode("utf-8", "replace").splitlines()


def reg_query(key: str, value: str) -> str | None:
    for line in _reg_query_lines(key, "/v", value):
        parts = line.strip().split(None, 2)
        if len(parts) == 3 and parts[0].lower() == value.lower() and parts[1].startswith("REG_"):
            return parts[2].strip()
        if len(parts) == 2 and parts[0].lower() == value.lower():
            return ""
    return None


def reg_keys(key: str) -> list[str]:
    prefix = key.replace("HKLM\\", "HKEY_LOCAL_MACHINE\\", 1).lower() + "\\"
    return [line.strip() for line in _reg_query_lines(key) if line.strip().lower().startswith(prefix)]


def reg_import(text: str) -> None:
    """Registry values from a .reg file (UTF-16, so names in Chinese arrive intact; ``reg add``
    under Wine mangles them), into the 64-bit view."""
    path = CHECK / "values.reg"
    path.write_bytes(("Windows Registry Editor Version 5.00\r\n\r\n" + text).encode("utf-16"))
    subprocess.run(
        ["wine", "regedit", "/S", wb.win_path(path)],
        env=env(EN),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=True,
    )


class Machine:
    """Folders of the check prefix, as Windows names them."""

    def __init__(self) -> None:
        c = CHECK_PREFIX / "drive_c"
        self.c = c
        self.program = c / "Program Files" / "VillageDataDesk"
        self.machine_config = c / "ProgramData" / "VillageDataDesk"
        self.start_menu = c / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / NAME_ZH
        self.desktop_link = c / "users" / "Public" / "Desktop" / f"{NAME_ZH}.lnk"
        users = [p for p in (c / "users").iterdir() if p.name not in ("Public", OTHER_PROFILE)]
        self.user = users[0]
        self.other = c / "users" / OTHER_PROFILE

    def data_dirs(self) -> list[Path]:
        return [
            profile / "AppData" / sub / "VillageDataDesk"
            for profile in (self.user, self.other)
            for sub in ("Local", "Roaming")
        ]

    def put_data(self) -> None:
        for folder in self.data_dirs():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ("village.vdd" if folder.parent.name == "Local" else "settings.json")).write_bytes(b"x")

    def data_left(self) -> list[str]:
        return [str(p) for p in [*self.data_dirs(), self.machine_config] if p.exists()]

    def links(self) -> list[str]:
        """Every shortcut anywhere in the shared Start menu and desktop (whatever it is named)."""
        roots = (self.c / "ProgramData" / "Microsoft", self.c / "users" / "Public")
        return sorted(p.name for root in roots for p in root.rglob("*.lnk"))


def fresh_prefix() -> Machine:
    shutil.rmtree(CHECK_PREFIX, ignore_errors=True)
    shutil.rmtree(CHECK, ignore_errors=True)
    CHECK.mkdir(parents=True)
    CHECK_PREFIX.mkdir(parents=True)
    # Made in English: Wine names the shell folders (Desktop, Start Menu) in the prefix's language.
    wb.run(["wineboot", "--init"], env=env(EN), timeout=900)
    system32 = CHECK_PREFIX / "drive_c" / "windows" / "system32"
    for name in wb.SHIM_SOURCES:
        shutil.copyfile(wb.SHIMS / f"{name}.dll", system32 / f"{name}.dll")
    machine = Machine()
    machine.other.mkdir(parents=True, exist_ok=True)
    reg_import(
        f"[{PROFILE_LIST.replace('HKLM', 'HKEY_LOCAL_MACHINE')}\\S-1-5-21-1404-1404-1404-1001]\r\n"
        f'"ProfileImagePath"="C:\\\\users\\\\{OTHER_PROFILE}"\r\n'
    )
    return machine


def screenshot_of(cmd: list[str], target: Path, wait: float = 20) -> Path | None:
    """Start a Windows program, take a picture of the X screen (``DISPLAY``) once ``wait`` seconds
    have passed and a window is up, then end the program."""
    proc = subprocess.Popen(
        ["wine", *cmd],
        env=env(ZH),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(wait)  # a message box has no file to wait on; nothing else is measured here
        return target if xvfb_screen.screenshot(os.environ["DISPLAY"], target, timeout=60) else None
    finally:
        kill = ["wine", "taskkill", "/f", "/im", f"{Path(cmd[0]).stem}.exe"]
        subprocess.run(kill, env=env(EN), capture_output=True, timeout=120, check=False)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
