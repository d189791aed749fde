"""The Windows installers: the NSIS EXE (makensis) and the MSI (wixl, wixl-heat, msibuild), and
Authenticode signing (signtool on Windows, osslsigncode elsewhere).

All of it runs on Linux too, over the Linux bundle's layout: that proves the scripts compile (CI),
and the sizes are close to the real ones, but such an EXE or MSI installs Linux files and is only a
check. On Windows the same functions build the real installers from the Windows bundle.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NSI = HERE / "village-desk.nsi"
WXS = HERE / "village-desk.wxs"
ICON = HERE / "village-desk.ico"

DOWNGRADE_MESSAGE_EN = "A newer version of Village Data Desk is already installed."
# wixl writes only ASCII into the tables; these rows get the Chinese name afterwards, with the
# database code page set to 936 (GBK) first. Short names keep the 8.3 form Windows wants beside them.
CHINESE_NAMES = (
    "UPDATE `Property` SET `Value` = '村级数据台 Village Data Desk' WHERE `Property` = 'ProductName'",
    "UPDATE `Directory` SET `DefaultDir` = 'VDD|村级数据台' WHERE `Directory` = 'ProgramMenuDir'",
    "UPDATE `Shortcut` SET `Name` = 'VDD|村级数据台' WHERE `Shortcut` = 'StartMenuApp'",
    "UPDATE `Shortcut` SET `Name` = 'VDD|村级数据台' WHERE `Shortcut` = 'DesktopApp'",
    # MajorUpgrade's refusal of an older version (wixl would drop the text if it were not ASCII).
    f"UPDATE `LaunchCondition` SET `Description` = '已安装更新版本的村级数据台。{DOWNGRADE_MESSAGE_EN}'"
    f" WHERE `Description` = '{DOWNGRADE_MESSAGE_EN}'",
)
CODEPAGE_IDT = "\r\n\r\n936\t_ForceCodepage\r\n"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A code-signing certificate: a PKCS#12 file and the variable holding its password."""

    pkcs12: Path
    password_env: str | None = None
    timestamp_url: str | None = None

    def password(self) -> str:
        return os.environ.get(self.password_env, "") if self.password_env else ""


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{Path(cmd[0]).name} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}"
        )
    return proc


def version4(version: str) -> str:
    """``0.1.0`` -> ``0.1.0.0``: the four numbers Windows' version resources want."""
    numbers = [int("".join(ch for ch in part if ch.isdigit()) or 0) for part in version.split(".")[:4]]
    return ".".join(str(n) for n in [*numbers, 0, 0, 0][:4])


def build_exe(bundle: Path, version: str, target: Path, *, quick: bool = False) -> Path:
    """Compile installer/village-desk.nsi over ``bundle`` into ``target``. ``quick``: zlib instead of
    solid LZMA (a compile check in seconds rather than minutes). Warnings count as errors."""
    cmd = [
        shutil.which("makensis") or "makensis",
        "-V2",
        "-WX",
        "-INPUTCHARSET",
        "UTF8",
        f"-DVERSION={version}",
        f"-DVERSION4={version4(version)}",
        f"-DBUNDLE_DIR={bundle}",
        f"-DOUTFILE={target}",
    ]
    if quick:
        cmd.append("-DCOMPRESSION=zlib")
    target.parent.mkdir(parents=True, exist_ok=True)
    _run([*cmd, str(NSI)])
    return target


def harvest(bundle: Path, fragment: Path) -> None:
    """The bundle's file list as a WiX fragment (component group BundleFiles under INSTALLDIR)."""
    files = sorted(
        p.relative_to(bundle.parent).as_posix()
        for p in bundle.rglob("*")
        if p.is_file() and not p.is_symlink()
    )
    heat = shutil.which("wixl-heat") or "wixl-heat"
    cmd = [heat, "-p", f"{bundle.name}/", "--component-group", "BundleFiles", "--directory-ref", "INSTALLDIR"]
    cmd += ["--var", "var.BundleDir", "--win64"]
    proc = subprocess.run(
        cmd, input="\n".join(files) + "\n", cwd=bundle.parent, text=True, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wixl-heat failed:\n{proc.stderr[-2000:]}")
    fragment.write_text(proc.stdout, encoding="utf-8")


def build_msi(bundle: Path, version: str, target: Path, work: Path) -> Path:
    """wixl over installer/village-desk.wxs and the harvested file list, then the Chinese names."""
    work.mkdir(parents=True, exist_ok=True)
    fragment = work / "bundle-files.wxs"
    harvest(bundle, fragment)
    target.parent.mkdir(parents=True, exist_ok=True)
    wixl = shutil.which("wixl") or "wixl"
    # wixl resolves File/@Source against the current folder, and only relative paths.
    _run(
        [
            wixl,
            "-a",
            "x64",
            "-D",
            f"Version={version}",
            "-D",
            f"BundleDir={bundle.name}",
            "-D",
            "Win64=yes",
            "-D",
            f"IconFile={os.path.relpath(ICON, bundle.parent)}",
            "-o",
            str(target),
            str(WXS),
            str(fragment),
        ],
        cwd=bundle.parent,
    )
    codepage = work / "_ForceCodepage.idt"
    codepage.write_bytes(CODEPAGE_IDT.encode("ascii"))
    msibuild = shutil.which("msibuild") or "msibuild"
    _run([msibuild, str(target), "-i", str(codepage)])
    for query in CHINESE_NAMES:
        _run([msibuild, str(target), "-q", query])
    return target


def sign(path: Path, key: SigningKey, description: str = "Village Data Desk") -> str:
    """Authenticode-sign ``path`` in place; returns the tool used."""
    if sys.platform == "win32":
        cmd = ["signtool", "sign", "/f", str(key.pkcs12), "/fd", "sha256", "/d", description]
        if key.password_env:
            cmd += ["/p", key.password()]
        if key.timestamp_url:
            cmd += ["/tr", key.timestamp_url, "/td", "sha256"]
        _run([*cmd, str(path)])
        return "signtool"
    tool = shutil.which("osslsigncode")
    if tool is None:
        raise RuntimeError("osslsigncode is not installed (apt-get install osslsigncode)")
    signed = path.with_name(path.name + ".signed")
    cmd = [tool, "sign", "-pkcs12", str(key.pkcs12), "-h", "sha256", "-n", description]
    if key.password_env:
        cmd += ["-readpass", "/dev/stdin"]
    if key.timestamp_url:
        cmd += ["-ts", key.timestamp_url]
    cmd += ["-in", str(path), "-out", str(signed)]
    proc = subprocess.run(cmd, input=key.password(), text=True, capture_output=True, check=False)
    if proc.returncode != 0:
        signed.unlink(missing_ok=True)
        raise RuntimeError(f"osslsigncode failed:\n{(proc.stdout + proc.stderr)[-2000:]}")
    signed.replace(path)
    return "osslsigncode"
