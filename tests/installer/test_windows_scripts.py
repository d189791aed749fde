"""The NSIS script and the WiX source compile (makensis, wixl) and say what county IT relies on.

Built over a small stand-in bundle so they take seconds; CI also compiles both over the real
bundle (installer/build.py). The MSI's tables are read back with msiinfo: the Chinese names that
the build writes after wixl, the upgrade code and MajorUpgrade, and the custom actions behind
PROVISION and REMOVEDATA with their conditions. Signing is tried with a certificate made here.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.installer.conftest import INSTALLER, load_script, need_tools

pytestmark = pytest.mark.slow
UPGRADE_CODE = "{6F3C1E52-8B7A-4C0D-9A41-3D2E5B7C9F10}"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "dist" / "village-desk"
    (root / "_internal" / "sync" / "bundled" / "forms").mkdir(parents=True)
    (root / "village-desk.exe").write_bytes(b"MZ stand-in")
    (root / "_internal" / "python311.dll").write_bytes(b"stand-in")
    (root / "_internal" / "sync" / "bundled" / "forms" / "person.json").write_text("{}", encoding="utf-8")
    return root


def _table(msi: Path, name: str) -> list[list[str]]:
    # In the package's folder: exporting a table with binary columns (Icon) writes their streams to
    # a folder named for the table under the working directory, which must not be the checkout.
    out = subprocess.run(
        ["msiinfo", "export", str(msi), name], text=True, capture_output=True, check=True, cwd=msi.parent
    )
    return [line.split("\t") for line in out.stdout.splitlines()[3:] if line]


def test_nsis_script_compiles_with_its_switches(bundle: Path, tmp_path: Path) -> None:
    need_tools("makensis")
    windows = load_script("build_windows")
    exe = windows.build_exe(bundle, "0.1.0", tmp_path / "out" / "setup-check.exe", quick=True)
    assert exe.read_bytes()[:2] == b"MZ"
    script = (INSTALLER / "village-desk.nsi").read_text(encoding="utf-8-sig")
    for needle in ("/PROVISION=", "/REMOVEDATA", "$EXEDIR\\provisioning.json", "SetShellVarContext all"):
        assert needle in script
    assert '!define APP_NAME_ZH "村级数据台"' in script
    assert "Section /o " in script  # removing the data is unticked unless asked
    assert '!define MUI_ICON "${__FILEDIR__}\\village-desk.ico"' in script


def test_nsis_script_without_version_fails_to_compile(bundle: Path, tmp_path: Path) -> None:
    need_tools("makensis")
    proc = subprocess.run(
        ["makensis", "-INPUTCHARSET", "UTF8", f"-DBUNDLE_DIR={bundle}", str(INSTALLER / "village-desk.nsi")],
        cwd=tmp_path,
        text=True,
        capture_output=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "define VERSION" in proc.stdout + proc.stderr


def _nsis_lines() -> list[str]:
    """The script's lines without comments (``;`` at the start) and surrounding blanks."""
    text = (INSTALLER / "village-desk.nsi").read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(";")]


def _nsis_block(start: str, end: str) -> list[str]:
    lines = _nsis_lines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(i for i in range(first, len(lines)) if lines[i].startswith(end))
    return lines[first:last]


def test_nsis_previous_folder_is_read_in_the_64bit_view() -> None:
    """Issue 14, defect 1: InstallDirRegKey is read before .onInit, in the 32-bit registry view, so a
    reinstall without /D= never found the folder the 64-bit key names. The key is read in .onInit,
    after SetRegView 64, and only replaces the default folder (not one given with /D=)."""
    assert not any(line.startswith("InstallDirRegKey") for line in _nsis_lines())
    init = _nsis_block("Function .onInit", "FunctionEnd")
    view = init.index("SetRegView 64")
    read = next(i for i, line in enumerate(init) if line.startswith("ReadRegStr") and '"InstallDir"' in line)
    assert view < read
    assert "${APP_KEY}" in init[read]
    register = init[read].split()[1]
    assert f"StrCpy $INSTDIR {register}" in init
    assert '${If} $INSTDIR == "$PROGRAMFILES64\\${APP_DIR_NAME}"' in init[:read]


def test_nsis_provisioning_copy_comes_before_anything_is_written() -> None:
    """Defect 2: files, uninstaller and shortcuts were written before the provisioning copy, and
    stayed (without an uninstall entry) when it failed."""
    section = _nsis_block('Section "-Program"', "SectionEnd")
    copy = next(i for i, line in enumerate(section) if line.startswith("CopyFiles"))
    writes = [
        i
        for i, line in enumerate(section)
        if line.startswith(
            ("SetOutPath", "File ", "WriteUninstaller", "CreateShortcut", "WriteReg", "RMDir /r")
        )
    ]
    assert writes and copy < min(writes)
    abort = next(i for i, line in enumerate(section) if line == "Abort")
    assert copy < abort < min(writes)


def test_nsis_shortcut_names_do_not_depend_on_the_language() -> None:
    """Defect 3: the uninstall shortcut was named by a language string; installed in Chinese and
    removed in English, it stayed. Every shortcut has a fixed name, the uninstaller deletes each one
    the installer makes, and the English name older versions made too."""
    install = _nsis_block('Section "-Program"', "SectionEnd")
    uninstall = _nsis_block('Section "-un.', "SectionEnd")
    made = {line.split('"')[1] for line in install if line.startswith("CreateShortcut")}
    deleted = {line.split('"')[1] for line in uninstall if line.startswith("Delete") and ".lnk" in line}
    assert len(made) == 3
    assert all("$(" not in name for name in made | deleted)
    assert made <= deleted
    assert '!define OLD_UNINSTALL_LNK_EN "Uninstall Village Data Desk"' in _nsis_lines()
    assert '!define UNINSTALL_LNK "卸载${APP_NAME_ZH}"' in _nsis_lines()


def test_nsis_quiet_uninstall_string_waits() -> None:
    """Defect 4: ``uninstall.exe /S`` returns at once (NSIS runs a copy from %TEMP%), before anything
    is removed. ``_?=$INSTDIR`` runs it in place and returns when it is done; the uninstaller then
    leaves a detached cmd to delete itself and the folder."""
    quiet = next(line for line in _nsis_lines() if '"QuietUninstallString"' in line)
    assert quiet.endswith("""'"$INSTDIR\\uninstall.exe" /S _?=$INSTDIR'""")
    uninstall = _nsis_block('Section "-un.', "SectionEnd")
    cleanup = [line for line in uninstall if line.startswith("Exec ")]
    assert len(cleanup) == 1 and 'del /f /q "$INSTDIR\\uninstall.exe"' in cleanup[0]


def test_msi_tables(bundle: Path, tmp_path: Path) -> None:
    need_tools("wixl", "wixl-heat", "msibuild", "msiinfo")
    windows = load_script("build_windows")
    msi = windows.build_msi(bundle, "0.1.0", tmp_path / "out" / "vdd.msi", tmp_path / "work")
    props = dict((row[0], row[1]) for row in _table(msi, "Property"))
    assert props["UpgradeCode"] == UPGRADE_CODE
    assert props["ProductVersion"] == "0.1.0"
    assert props["ProductName"] == "村级数据台 Village Data Desk"
    assert props["ALLUSERS"] == "1"  # per machine
    assert props["ARPPRODUCTICON"] == "VillageDesk.ico"
    assert [row[0] for row in _table(msi, "Icon")] == ["VillageDesk.ico"]
    shortcuts = {row[0]: row for row in _table(msi, "Shortcut")}
    assert shortcuts["StartMenuApp"][2] == "VDD|村级数据台"
    assert shortcuts["DesktopApp"][2] == "VDD|村级数据台"
    assert shortcuts["StartMenuApp"][4] == "[INSTALLDIR]village-desk.exe"
    assert shortcuts["StartMenuApp"][8] == shortcuts["DesktopApp"][8] == "VillageDesk.ico"
    dirs = {row[0]: row for row in _table(msi, "Directory")}
    assert dirs["ProgramMenuDir"][2] == "VDD|村级数据台"
    assert dirs["INSTALLDIR"][1] == "ProgramFiles64Folder"
    files = {row[2] for row in _table(msi, "File")}
    assert {"village-desk.exe", "python311.dll", "person.json"} <= {name.split("|")[-1] for name in files}

    actions = {row[0]: row for row in _table(msi, "CustomAction")}
    assert 'copy /y "[PROVISION]" "[MACHINECONFIGDIR]provisioning.json"' in actions["CopyProvision"][3]
    assert "[SourceDir]provisioning.json" in actions["CopyProvisionBeside"][3]
    assert "AppData\\Local\\VillageDataDesk" in actions["RemoveData"][3]
    # Defect 6: %~p, not %p inside quotes (a profile folder with spaces arrives quoted from `for /d`).
    assert '"%~p\\AppData\\Local\\VillageDataDesk"' in actions["RemoveData"][3]
    assert '"%~p\\AppData\\Roaming\\VillageDataDesk"' in actions["RemoveData"][3]
    assert '"%p' not in actions["RemoveData"][3]
    assert actions["RemoveData"][3].count("for /d %p in ([%SystemDrive]\\Users\\*) do @rd /s /q") == 2
    # Defect 6: "Apps & features" / SCCM read InstallLocation from ARPINSTALLLOCATION, which Windows
    # Installer leaves empty unless a custom action sets it once the folder is resolved.
    arp = [row for row in actions.values() if row[2] == "ARPINSTALLLOCATION"]
    assert len(arp) == 1 and int(arp[0][1]) & 0x3F == 51 and arp[0][3] == "[INSTALLDIR]"
    # Defect 5: wixl wrote the downgrade refusal without its (non-ASCII) text; the build sets it.
    launch = {row[0]: row[1] for row in _table(msi, "LaunchCondition")}
    assert any("已安装更新版本的村级数据台" in text and "A newer version" in text for text in launch.values())
    sequence = {row[0]: (row[1], int(row[2])) for row in _table(msi, "InstallExecuteSequence")}
    assert sequence["CopyProvision"][0] == 'PROVISION AND NOT REMOVE~="ALL"'
    assert sequence["RemoveData"][0] == 'REMOVE~="ALL" AND REMOVEDATA AND NOT UPGRADINGPRODUCTCODE'
    # Deferred actions run inside the script; the old version is removed before anything is installed.
    start, end = sequence["InstallInitialize"][1], sequence["InstallFinalize"][1]
    for name in ("CopyProvision", "CopyProvisionBeside", "RemoveData"):
        assert start < sequence[name][1] < end, name
    assert sequence["InstallValidate"][1] < sequence["RemoveExistingProducts"][1] < start
    assert sequence["CopyProvision"][1] > sequence["InstallFiles"][1]
    arp_action = arp[0][0]
    assert sequence["CostFinalize"][1] < sequence[arp_action][1] < sequence["InstallValidate"][1]
    assert sequence[arp_action][0] in ("", 'NOT REMOVE~="ALL"')
    upgrade = _table(msi, "Upgrade")
    assert {row[0] for row in upgrade} == {UPGRADE_CODE}


def _code_signing_pkcs12(path: Path, password: bytes) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "County IT test signing")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"test", key, cert, None, serialization.BestAvailableEncryption(password)
        )
    )


def test_signing_with_osslsigncode(bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_tools("makensis", "osslsigncode")
    windows = load_script("build_windows")
    exe = windows.build_exe(bundle, "0.1.0", tmp_path / "out" / "setup-check.exe", quick=True)
    cert = tmp_path / "county.p12"
    _code_signing_pkcs12(cert, b"secret pass")
    monkeypatch.setenv("VDD_SIGN_PASS", "secret pass")
    assert windows.sign(exe, windows.SigningKey(cert, "VDD_SIGN_PASS")) == "osslsigncode"
    listed = subprocess.run(
        ["osslsigncode", "extract-signature", "-in", str(exe), "-out", str(tmp_path / "sig.der")],
        capture_output=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert b"County IT test signing" in (tmp_path / "sig.der").read_bytes()
    # A wrong password fails loudly and leaves the file as it was.
    before = exe.read_bytes()
    monkeypatch.setenv("VDD_SIGN_PASS", "wrong")
    with pytest.raises(RuntimeError, match="osslsigncode failed"):
        windows.sign(exe, windows.SigningKey(cert, "VDD_SIGN_PASS"))
    assert exe.read_bytes() == before
    assert not any(p.name.endswith(".signed") for p in exe.parent.iterdir())
