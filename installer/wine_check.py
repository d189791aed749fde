"""Check the real Windows EXE and MSI (made by wine_build.py) under Wine, the way county IT uses them.

    .venv/bin/python installer/wine_check.py [--shots DIR]

Runs in a fresh Wine prefix (``build/wine/check-prefix``, with the same test-only shim DLLs;
``wine_machine.py``) and an Xvfb display of its own (``xvfb_screen.py``). Every Windows command line
goes through a batch file, word for word as county IT would type it, and waited for as a deployment
tool waits for the program it started. This file holds the checks:

EXE: silent install in Chinese with ``/PROVISION=`` (a path with spaces); files, shortcuts, the
registry's uninstall entry; ``--self-test`` of the installed program; the GUI under Xvfb to the
first-run wizard (a screenshot) and its start-up time against the Linux venv; the registry's
``QuietUninstallString`` run in English: when it returns, program, shortcuts (both languages) and
keys are gone, every user's data stays; ``/D=`` then a reinstall without it (same folder);
``/REMOVEDATA`` (a profile with a space and Chinese in its name included); a provisioning copy that
fails (exit 3) leaves nothing behind.
MSI: ``msiexec /i /qn PROVISION=``, ARP ``InstallLocation``, ``--self-test``; an upgrade to a newer
build (one product left); a downgrade refused (exit code; its message in the MSI's table and, under
``/qb``, on screen in a screenshot); ``/x`` keeping the data;
``/x REMOVEDATA=1`` removing it.

Exit status 0 when every check passed; each check prints PASS or FAIL with what it saw.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_windows  # noqa: E402 - the sibling modules, found through HERE
import wine_build as wb  # noqa: E402
import wine_machine as wm  # noqa: E402
import xvfb_screen  # noqa: E402

APP_KEY = r"HKLM\Software\VillageDataDesk"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"


class Checker:
    def __init__(self) -> None:
        self.failed: list[str] = []
        self.passed = 0
        self.figures: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)
        return ok


# ------------------------------------------------------------------------------------------------
# The app itself


def self_test(c: Checker, exe: str, label: str) -> None:
    code, _ = wm.batch("selftest", f'"{exe}" --self-test')
    c.check(f"{label}: installed village-desk.exe --self-test exits 0", code == 0, f"exit {code}")


def gui_start(c: Checker, exe: str, shots: Path, provisioning: Path) -> None:
    """First-run wizard (pre-seeded: the user page) under Xvfb; a screenshot; start-up vs the venv."""
    home = wm.CHECK / "gui-home"
    report, shot = wm.CHECK / "ready.txt", shots / "windows-first-run-wine.png"
    shots.mkdir(parents=True, exist_ok=True)
    code, took = wm.batch(
        "gui",
        f'"{exe}" --home "{wb.win_path(home)}" --exit-when-ready "{wb.win_path(report)}"'
        f' --screenshot "{wb.win_path(shot)}"',
        timeout=600,
    )
    words = report.read_text(encoding="utf-8").split() if report.exists() else []
    c.check(
        "GUI under Xvfb reaches the first-run wizard at the user page and exits",
        code == 0 and words[2:4] == ["setup_wizard", "setup_user"],
        f"exit {code} after {took:.0f} s, report {' '.join(words[2:]) or 'none'}",
    )
    c.check("screenshot of the installed Windows app saved", shot.exists(), str(shot))
    wine_times: list[float] = []
    venv_times: list[float] = []
    venv = [sys.executable, "-m", "desktop"]
    venv_env = {**os.environ, "VILLAGE_DESK_PROVISIONING": str(provisioning), "QT_QPA_PLATFORM": "xcb"}
    if report.exists():
        for i in range(4):  # interleaved; the first round warms the caches
            for kind in ("wine", "venv"):
                report.unlink(missing_ok=True)
                shutil.rmtree(home, ignore_errors=True)
                before = time.time()
                if kind == "wine":
                    wm.batch(
                        "gui-time",
                        f'"{exe}" --home "{wb.win_path(home)}" --exit-when-ready "{wb.win_path(report)}"',
                    )
                else:
                    subprocess.run(
                        [*venv, "--home", str(home), "--exit-when-ready", str(report)],
                        env=venv_env,
                        capture_output=True,
                        timeout=300,
                        check=False,
                    )
                if i and report.exists():
                    stamp = float(report.read_text(encoding="utf-8").split()[1])
                    (wine_times if kind == "wine" else venv_times).append(stamp - before)
    if wine_times and venv_times:
        w, v = statistics.median(wine_times), statistics.median(venv_times)
        c.figures.append(
            f"start to the first-run wizard under Xvfb, median of {len(wine_times)}: installed Windows app"
            f" under Wine {w * 1000:.0f} ms (Wine's start included), Linux venv {v * 1000:.0f} ms,"
            f" ratio {w / v:.1f}"
        )


# ------------------------------------------------------------------------------------------------
# EXE


def exe_checks(c: Checker, m: wm.Machine, setup: Path, provisioning: Path, shots: Path) -> None:
    prov = wb.win_path(provisioning)
    code, took = wm.batch("exe-install", f'"{wb.win_path(setup)}" /S /PROVISION="{prov}"', lang=wm.ZH)
    c.figures.append(f"EXE silent install under Wine: {took:.0f} s")
    c.check("EXE /S /PROVISION= (Chinese) exits 0", code == 0, f"exit {code}")
    c.check("program installed", (m.program / "village-desk.exe").exists(), str(m.program))
    copied = m.machine_config / "provisioning.json"
    c.check(
        "provisioning file copied to %PROGRAMDATA%",
        copied.exists() and copied.read_bytes() == provisioning.read_bytes(),
    )
    links = sorted(m.links())
    c.check(
        "shortcuts: desktop and Start menu, fixed names",
        links == sorted([f"{wm.NAME_ZH}.lnk"] * 2 + [f"卸载{wm.NAME_ZH}.lnk"]),
        str(links),
    )
    location = wm.reg_query(rf"{UNINSTALL_KEY}\VillageDataDesk", "InstallLocation")
    c.check(
        "uninstall entry: InstallLocation", location == r"C:\Program Files\VillageDataDesk", str(location)
    )
    quiet = wm.reg_query(rf"{UNINSTALL_KEY}\VillageDataDesk", "QuietUninstallString")
    self_test(c, r"C:\Program Files\VillageDataDesk\village-desk.exe", "EXE")
    gui_start(c, r"C:\Program Files\VillageDataDesk\village-desk.exe", shots, provisioning)

    m.put_data()
    code, took = wm.batch("exe-quiet-uninstall", quiet or "no-QuietUninstallString", lang=wm.EN)
    c.check(
        "QuietUninstallString (run in English) exits 0 and returns when done",
        code == 0
        and not (m.program / "village-desk.exe").exists()
        and not (m.program / "_internal").exists(),
        f"{quiet!r}: exit {code} after {took:.1f} s, left: {sorted(p.name for p in m.program.glob('*'))}",
    )
    c.check(
        "no shortcut left (installed in Chinese, removed in English)",
        not m.links() and not m.start_menu.exists(),
        str(m.links()),
    )
    c.check(
        "uninstall entry and app key gone",
        wm.reg_query(APP_KEY, "InstallDir") is None
        and wm.reg_query(rf"{UNINSTALL_KEY}\VillageDataDesk", "DisplayName") is None,
    )
    c.check("every user's data and the provisioning file kept", len(m.data_left()) == 5, str(m.data_left()))
    for _ in range(60):
        if not m.program.exists():
            break
        time.sleep(1)
    c.check(
        "program folder (uninstall.exe) gone shortly after",
        not m.program.exists(),
        str(list(m.program.glob("*")) if m.program.exists() else ""),
    )

    other = m.c / "VDD Test"
    code, _ = wm.batch("exe-install-d", rf'"{wb.win_path(setup)}" /S /D=C:\VDD Test', lang=wm.EN)
    c.check("EXE /S /D=C:\\VDD Test", code == 0 and (other / "village-desk.exe").exists(), f"exit {code}")
    stale = other / "_internal" / "stale-from-old-version.txt"
    stale.write_text("x", encoding="utf-8")
    code, _ = wm.batch("exe-reinstall", f'"{wb.win_path(setup)}" /S', lang=wm.EN)
    c.check(
        "reinstall without /D= goes to the previous folder (64-bit registry view)",
        code == 0 and not m.program.exists() and (other / "village-desk.exe").exists() and not stale.exists(),
        f"exit {code}, Program Files copy: {m.program.exists()}",
    )
    code, _ = wm.batch(
        "exe-removedata", r'"C:\VDD Test\uninstall.exe" /S /REMOVEDATA _?=C:\VDD Test', lang=wm.EN
    )
    c.check(
        "uninstall /S /REMOVEDATA removes every user's data (a profile with a space and Chinese too)",
        code == 0 and not m.data_left(),
        str(m.data_left()),
    )
    c.check("…and the program", not (other / "village-desk.exe").exists())

    # A provisioning copy that fails: %PROGRAMDATA%\VillageDataDesk is a file, not a folder.
    m.machine_config.write_text("in the way", encoding="utf-8")
    code, _ = wm.batch("exe-copy-fails", f'"{wb.win_path(setup)}" /S /PROVISION="{prov}"', lang=wm.EN)
    m.machine_config.unlink()
    left = [str(p) for p in (m.program, m.start_menu, m.desktop_link) if p.exists()]
    c.check(
        "a provisioning copy that fails: exit 3, nothing left behind",
        code == 3 and not left and wm.reg_query(rf"{UNINSTALL_KEY}\VillageDataDesk", "DisplayName") is None,
        f"exit {code}, left: {left}",
    )


# ------------------------------------------------------------------------------------------------
# MSI


def _product_keys() -> list[str]:
    found = []
    for key in wm.reg_keys(UNINSTALL_KEY):
        if key.rsplit("\\", 1)[-1].startswith("{") and (wm.reg_query(key, "DisplayName") or "").endswith(
            "Village Data Desk"
        ):
            found.append(key)
    return found


def msi_checks(c: Checker, m: wm.Machine, msi: Path, newer: Path, provisioning: Path, shots: Path) -> None:
    prov = wb.win_path(provisioning)
    code, took = wm.batch("msi-install", f'msiexec /i "{wb.win_path(msi)}" /qn PROVISION="{prov}"')
    c.figures.append(f"MSI silent install under Wine: {took:.0f} s")
    c.check("msiexec /i /qn PROVISION= exits 0", code == 0, f"exit {code}")
    c.check("program installed", (m.program / "village-desk.exe").exists())
    c.check("provisioning file copied", (m.machine_config / "provisioning.json").exists())
    products = _product_keys()
    location = wm.reg_query(products[0], "InstallLocation") if products else None
    c.check(
        "ARP InstallLocation is the install folder",
        (location or "").rstrip("\\") == r"C:\Program Files\VillageDataDesk",
        repr(location),
    )
    self_test(c, r"C:\Program Files\VillageDataDesk\village-desk.exe", "MSI")
    m.put_data()

    code, _ = wm.batch("msi-upgrade", f'msiexec /i "{wb.win_path(newer)}" /qn')
    after = _product_keys()
    versions = [wm.reg_query(k, "DisplayVersion") for k in after]
    c.check(
        "upgrade to the newer MSI: one product left, the newer one",
        code == 0 and versions == ["0.1.1"],
        f"exit {code}, {versions}",
    )
    # Wine's msiexec neither logs nor (with /qn) shows a launch condition's text: the exit code is
    # checked here, the text in the MSI's table, and the message box under /qb in a screenshot.
    code, _ = wm.batch("msi-downgrade", f'msiexec /i "{wb.win_path(msi)}" /qn')
    table = subprocess.run(
        ["msiinfo", "export", str(msi), "LaunchCondition"], capture_output=True, check=False
    )
    text = table.stdout.decode("utf-8", "replace")
    message = re.search(r"已安装更新版本的村级数据台[^\r\n]*", text)
    c.check(
        "downgrade refused (1603; Wine gives the low 8 bits) with its message in the MSI",
        code in (1603, 1603 & 0xFF) and message is not None and "A newer version" in message.group(0),
        f"exit {code}, message: {message.group(0) if message else 'none'}",
    )
    shown = wm.screenshot_of(
        ["msiexec", "/i", wb.win_path(msi), "/qb"], shots / "msi-downgrade-refused-wine.png"
    )
    c.check("downgrade message box under /qb (screenshot)", shown is not None, str(shown))
    c.check(
        "…and the newer version still installed",
        [wm.reg_query(k, "DisplayVersion") for k in _product_keys()] == ["0.1.1"],
    )
    code, _ = wm.batch("msi-uninstall", f'msiexec /x "{wb.win_path(newer)}" /qn')
    c.check(
        "msiexec /x /qn removes the program, keeps the data",
        code == 0 and not (m.program / "village-desk.exe").exists() and len(m.data_left()) == 5,
        f"exit {code}, data: {m.data_left()}",
    )
    code, _ = wm.batch("msi-install-2", f'msiexec /i "{wb.win_path(msi)}" /qn')
    code2, _ = wm.batch("msi-removedata", f'msiexec /x "{wb.win_path(msi)}" /qn REMOVEDATA=1')
    c.check(
        "msiexec /x REMOVEDATA=1 removes every user's data (a profile with a space and Chinese too)",
        code == 0 and code2 == 0 and not m.data_left(),
        f"exit {code}/{code2}, left: {m.data_left()}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shots", type=Path, default=wb.WINE_ROOT / "shots", help="folder for the screenshot"
    )
    parser.add_argument("--installers", type=Path, default=wb.OUT / "out", help="folder with the EXE and MSI")
    parser.add_argument("--skip-exe", action="store_true")
    parser.add_argument("--skip-msi", action="store_true")
    args = parser.parse_args(argv)
    version = str(wb.project()["version"])
    out = args.installers
    setup, msi = out / f"village-desk-{version}-setup.exe", out / f"village-desk-{version}-x64.msi"
    if not setup.exists() or not msi.exists() or wb.missing_tools():
        print(f"build first: installer/wine_build.py (needs {', '.join(wb.TOOLS)})", file=sys.stderr)
        return 2
    c = Checker()
    wm.make_locales()
    m = wm.fresh_prefix()
    folder = wm.CHECK / "setup files"  # a path with a space, as county IT's shares have
    folder.mkdir()
    provisioning = folder / "provisioning.json"
    provisioning.write_text(
        '{"server_url": "https://county.example/", "village_code": "530102001001"}', encoding="utf-8"
    )
    with xvfb_screen.xvfb() as display:
        os.environ["DISPLAY"] = display
        try:
            if not args.skip_exe:
                exe_checks(c, m, setup, provisioning, args.shots)
            if not args.skip_msi:
                newer = wm.CHECK / "village-desk-0.1.1-x64.msi"
                build_windows.build_msi(wb.BUNDLE, "0.1.1", newer, wm.CHECK / "msi-work")
                msi_checks(c, m, msi, newer, provisioning, args.shots)
        finally:
            subprocess.run(["wineserver", "-k"], env=wm.env(), check=False)
    for line in c.figures:
        print(f"figure: {line}")
    print(f"{c.passed} passed, {len(c.failed)} failed" + (f": {', '.join(c.failed)}" if c.failed else ""))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
