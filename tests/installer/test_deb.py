"""The .deb as a Linux desktop gets it: unpacked with ``dpkg -x`` into a temporary root, the installed
program passes its ``--self-test``, and a provisioning file placed as county IT places it (beside the
program in /opt/village-desk, or in /etc/village-desk) is what the first run starts from.

The package comes from ``VILLAGE_DESK_DEB`` when set (``.ci/run`` builds it once with
``installer/build.py`` on its Debian 12), otherwise this module builds it (PyInstaller, about a
minute). What runs where:

- everywhere (CI too): ``Depends`` asks nothing the bundle carries, its ``libc6`` minimum covers the
  newest GLIBC symbol version any bundled ELF file needs (so a .deb built on Debian 12 says
  ``libc6 (>= 2.36)`` honestly, and apt refuses it on an older system instead of installing a
  program that cannot start), a Chinese font, the maintainer from pyproject.toml;
- with ``VILLAGE_DESK_DEB_GLIBC=2.31`` (the .deb from ``installer/bullseye.py build``): no bundled
  ELF file needs more than that glibc. The install itself on Debian 11 (apt-get, self-test, X
  server, remove, purge) is ``installer/bullseye.py check``: it needs debootstrap, a Debian mirror
  and several minutes, so it is a documented command, not part of CI.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT, load_script, need_tools

pytestmark = pytest.mark.slow

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]
VILLAGE = "530102001001"
QUICK_DEB = ("--only", "bundle,deb", "--quick", "--repeat", "0")
PROVISIONING = {"server_url": "https://county.example/", "village_code": VILLAGE}


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("VILLAGE_DESK_DEB")
    if given:
        path = Path(given)
        assert path.is_file(), f"VILLAGE_DESK_DEB names no file: {given}"
        return path
    need_tools("dpkg-deb", "dpkg-shlibdeps")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("PyInstaller is not installed (.ci/run installs it)")
        pytest.skip("needs PyInstaller (pip install pyinstaller)")
    out = tmp_path_factory.mktemp("build")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "build.py"), "--out", str(out), *QUICK_DEB],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=1800,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (path,) = (out / "out").glob("village-desk_*.deb")
    return path


@pytest.fixture(scope="module")
def unpacked(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_tools("dpkg")
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    return root


@pytest.fixture
def app_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VILLAGE_DESK_", "PYTHON"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    yield env


def _field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], text=True, capture_output=True, check=True
    ).stdout.strip()


def test_package_metadata_and_layout(deb: Path) -> None:
    assert _field(deb, "Package") == "village-desk"
    assert _field(deb, "Version") == VERSION
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], text=True, capture_output=True, check=True).stdout
    paths = {line.split()[-1] if " -> " not in line else line.split()[-3] for line in listing.splitlines()}
    assert "./opt/village-desk/village-desk" in paths
    assert "./usr/bin/village-desk" in paths
    assert "./usr/share/applications/village-desk.desktop" in paths
    assert "./usr/share/icons/hicolor/256x256/apps/village-desk.png" in paths
    assert "./etc/village-desk/" in paths
    # The package never ships a provisioning file (dpkg would then own, and on upgrade ask about, it).
    assert not any(p.endswith("provisioning.json") for p in paths)
    # No county server stack in a laptop package.
    for module in ("fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg", "starlette"):
        assert not any(f"/{module}/" in p for p in paths), module
    # Only the Qt plugins the app needs.
    plugins = {Path(p).name for p in paths if "/Qt/plugins/" in p and p.endswith(".so")}
    assert plugins == {
        "libqxcb.so",
        "libqoffscreen.so",
        "libcomposeplatforminputcontextplugin.so",
        "libibusplatforminputcontextplugin.so",
    }
    scripts = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True).stdout
    assert b"postinst" in scripts and b"postrm" in scripts


def _depends(deb: Path) -> list[list[tuple[str, str]]]:
    """``Depends`` as a list of alternatives, each (package, version constraint or "")."""
    clauses = []
    for clause in _field(deb, "Depends").split(","):
        alternatives = []
        for alt in clause.split("|"):
            match = re.fullmatch(r"\s*([a-z0-9][a-z0-9+.-]*)(?:\s*\(([^)]*)\))?\s*", alt)
            assert match, f"cannot read {alt!r} in Depends"
            alternatives.append((match[1], (match[2] or "").strip()))
        clauses.append(alternatives)
    return clauses


def _debian_name(soname: str) -> str:
    """The package name Debian policy (8.1) gives a library: libssl.so.3 -> libssl3,
    libsqlite3.so.0 -> libsqlite3-0, libstdc++.so.6 -> libstdc++6."""
    stem, _, version = soname.partition(".so.")
    stem = stem.lower().replace("_", "-")
    return f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("-")[0])[:3])


def test_maintainer_comes_from_pyproject(deb: Path) -> None:
    (first, *_) = PROJECT["maintainers"]
    assert _field(deb, "Maintainer") == f"{first['name']} <{first['email']}>"
    assert "localhost" not in _field(deb, "Maintainer")


def test_a_chinese_font_is_a_dependency(deb: Path) -> None:
    """Qt draws no Chinese without a CJK font; any of Debian's/Ubuntu's will do."""
    fonts = [
        {name for name, _ in clause} for clause in _depends(deb) if any("fonts-" in n for n, _ in clause)
    ]
    assert fonts and fonts[0] & {"fonts-noto-cjk", "fonts-wqy-microhei", "fonts-wqy-zenhei"}
    assert not _field(deb, "Recommends")


def test_depends_asks_nothing_the_bundle_carries(deb: Path, unpacked: Path) -> None:
    """A library the bundle brings must not become a system dependency (libssl3, libffi8,
    libsqlite3-0, libzstd1, libstdc++6 ... do not exist, or not in that version, on Debian 11)."""
    carried = {p.name for p in (unpacked / "opt/village-desk").rglob("*") if ".so." in p.name}
    assert any(name.startswith("libpython3") for name in carried)  # the bundle does carry libraries
    named = {name for clause in _depends(deb) for name, _ in clause}
    both = sorted(n for n in named if n in {_debian_name(soname) for soname in carried})
    assert not both, f"Depends names packages of libraries the bundle carries: {both}"


def test_depends_brings_every_library_the_bundle_does_not_carry(deb: Path, unpacked: Path) -> None:
    """Every library a bundled ELF file needs is in the bundle or in a package Depends names (the
    build machine's package for it, by ``dpkg -S``); a bundled fontconfig and xkbcommon bring the
    data packages they read. (On Debian 11 itself, ``installer/bullseye.py check`` runs ``ldd``.)"""
    need_tools("objdump", "dpkg", "ldconfig")
    build_deb = load_script("build_deb")
    bundle = unpacked / "opt/village-desk"
    carried = {p.name for p in bundle.rglob("*")}
    needed = {name for elf in build_deb.bundle_elves(bundle) for name in build_deb.needed_sonames(elf)}
    named = {name for clause in _depends(deb) for name, _ in clause}
    for soname in sorted(needed - carried):
        owners = {pkg for path in build_deb._system_copies(soname) for pkg in build_deb._soname_package(path)}
        assert owners, f"{soname} is neither bundled nor installed on this machine"
        assert owners & named, f"{soname} ({', '.join(sorted(owners))}) is neither bundled nor in Depends"
    assert needed - carried, "the bundle needs libc at least"
    if "libxkbcommon.so.0" in carried:
        assert "xkb-data" in named
    if "libfontconfig.so.1" in carried:
        assert "fontconfig-config" in named


def test_libc6_minimum_covers_what_the_bundle_needs(deb: Path, unpacked: Path) -> None:
    """apt must refuse the package where glibc is too old for it, not install a program that cannot
    start: libc6's minimum in Depends is at least the newest GLIBC_x.y any bundled ELF file asks for."""
    need_tools("objdump")
    newest = load_script("build_deb").glibc_needed(unpacked / "opt/village-desk")
    (libc6,) = [ver for clause in _depends(deb) for name, ver in clause if name == "libc6"]
    assert libc6.startswith(">=")
    assert _version(libc6) >= newest[:2], f"Depends libc6 ({libc6}) but the bundle needs GLIBC_{newest}"


def test_bundle_needs_no_newer_glibc_than_its_target(deb: Path, unpacked: Path) -> None:
    """The .deb for Debian 11 / Ubuntu 20.04 / Kylin V10 / UOS (VILLAGE_DESK_DEB_GLIBC=2.31, built by
    ``installer/bullseye.py build``): no bundled ELF file asks for a newer GLIBC symbol version,
    and Depends asks no newer libc6."""
    target = os.environ.get("VILLAGE_DESK_DEB_GLIBC")
    if not target:
        pytest.skip("VILLAGE_DESK_DEB_GLIBC not set: the .deb built on this machine targets its own glibc")
    need_tools("objdump")
    newest = load_script("build_deb").glibc_needed(unpacked / "opt/village-desk")
    assert newest <= _version(target), f"the bundle needs GLIBC_{'.'.join(map(str, newest))} > {target}"
    (libc6,) = [ver for clause in _depends(deb) for name, ver in clause if name == "libc6"]
    assert _version(libc6) <= _version(target)


def test_installed_files(unpacked: Path) -> None:
    launcher = (unpacked / "usr/bin/village-desk").read_text(encoding="utf-8")
    assert 'exec /opt/village-desk/village-desk "$@"' in launcher
    assert os.access(unpacked / "usr/bin/village-desk", os.X_OK)
    entry = (unpacked / "usr/share/applications/village-desk.desktop").read_text(encoding="utf-8")
    assert "Name=村级数据台" in entry and "Exec=/usr/bin/village-desk" in entry
    assert "Icon=village-desk" in entry
    icon = unpacked / "usr/share/icons/hicolor/256x256/apps/village-desk.png"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (unpacked / "opt/village-desk/_internal/sync/bundled/icons/village-desk.png").is_file()
    qm = unpacked / "opt/village-desk/_internal/sync/bundled/translations/village_desk_zh_CN.qm"
    assert qm.is_file()
    assert (unpacked / "opt/village-desk/_internal/PySide6/Qt/translations/qtbase_zh_CN.qm").is_file()


def test_installed_app_passes_its_self_test(unpacked: Path, app_env: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(unpacked / "opt/village-desk/village-desk"), "--self-test", "--home", str(tmp_path / "home")],
        cwd=tmp_path,
        env=app_env,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test passed" in proc.stdout
    assert "zh_CN catalogue present" in proc.stdout


def test_self_test_checks_the_county_signature_of_the_placed_file(
    unpacked: Path, app_env: dict[str, str], tmp_path: Path
) -> None:
    """A signed provisioning file beside the installed program is named with its signing key; one
    changed after signing fails the self-test, as it would be refused on first run."""
    from sync.provisioning import generate_signing_keypair, sign_provisioning

    private, _ = generate_signing_keypair(b"county passphrase")
    signed = sign_provisioning(PROVISIONING, private, b"county passphrase")
    placed = unpacked / "opt/village-desk/provisioning.json"
    app = [str(unpacked / "opt/village-desk/village-desk"), "--self-test", "--home", str(tmp_path / "home")]
    try:
        placed.write_text(json.dumps(signed), encoding="utf-8")
        good = subprocess.run(app, env=app_env, text=True, capture_output=True, timeout=300, check=False)
        assert good.returncode == 0, good.stdout + good.stderr
        last = good.stdout.strip().splitlines()[-1]
        assert last.startswith(f"provisioning: {placed} ") and VILLAGE in last
        assert f"signed by {signed['signature']['key']}" in last
        placed.write_text(json.dumps({**signed, "village_code": "530102001002"}), encoding="utf-8")
        bad = subprocess.run(app, env=app_env, text=True, capture_output=True, timeout=300, check=False)
        assert bad.returncode == 1
        assert "cannot be used" in bad.stdout
    finally:
        placed.unlink(missing_ok=True)


def _first_screen(cmd: list[str], home: Path, env: dict[str, str]) -> tuple[str, str]:
    """(window, field typed into first) of the first screen the installed app shows."""
    ready = home.parent / f"{home.name}-ready.txt"
    proc = subprocess.run(
        [*cmd, "--home", str(home), "--exit-when-ready", str(ready)],
        cwd=home.parent,
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _, _, screen, field = ready.read_text(encoding="utf-8").split()
    return screen, field


def test_installed_app_starts_on_an_x_server(unpacked: Path, app_env: dict[str, str], tmp_path: Path) -> None:
    """Qt's xcb plugin, as a Linux desktop uses it, loads with the libraries the package depends on
    (a virtual X server; the bundle's only other platform plugin is offscreen)."""
    need_tools("xvfb-run", "xauth")
    env = {**app_env, "QT_QPA_PLATFORM": "xcb"}
    app = ["xvfb-run", "-a", str(unpacked / "opt/village-desk/village-desk")]
    assert _first_screen(app, tmp_path / "x11", env) == ("setup_wizard", "language_zh")


def test_first_run_without_provisioning_asks_from_the_start(
    unpacked: Path, app_env: dict[str, str], tmp_path: Path
) -> None:
    app = [str(unpacked / "opt/village-desk/village-desk")]
    assert _first_screen(app, tmp_path / "plain", app_env) == ("setup_wizard", "language_zh")


def test_provisioning_beside_the_installed_program_is_picked_up(
    unpacked: Path, app_env: dict[str, str], tmp_path: Path
) -> None:
    placed = unpacked / "opt/village-desk/provisioning.json"
    placed.write_text(json.dumps(PROVISIONING), encoding="utf-8")
    try:
        app = [str(unpacked / "opt/village-desk/village-desk")]
        # Pre-seeded with a village: language and server pages are gone, the user page comes first.
        assert _first_screen(app, tmp_path / "seeded", app_env) == ("setup_wizard", "setup_user")
    finally:
        placed.unlink()


def test_provisioning_in_etc_is_picked_up(unpacked: Path, app_env: dict[str, str], tmp_path: Path) -> None:
    """/etc/village-desk/provisioning.json, placed by county IT: shown to the installed program
    through an overlay of /etc in a private mount namespace, so the machine's /etc is untouched."""
    need_tools("unshare", "mount")
    upper = tmp_path / "etc-overlay"
    (upper / "village-desk").mkdir(parents=True)
    (upper / "village-desk" / "provisioning.json").write_text(json.dumps(PROVISIONING), encoding="utf-8")
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        if os.environ.get("CI") and os.geteuid() == 0:
            pytest.fail(f"unshare --mount failed as root: {probe.stderr!r}")
        pytest.skip("mount namespaces are not available to this user")
    app = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        f'mount -t overlay overlay -o "lowerdir={upper}:/etc" /etc && exec "$0" "$@"',
        str(unpacked / "opt/village-desk/village-desk"),
    ]
    if Path("/etc/village-desk/provisioning.json").exists():
        pytest.fail(
            "this machine has a real /etc/village-desk/provisioning.json; the test cannot tell them apart"
        )
    assert _first_screen(app, tmp_path / "etc-seeded", app_env) == ("setup_wizard", "setup_user")


def test_maintainer_scripts_leave_county_its_file_alone_until_purge(deb: Path, tmp_path: Path) -> None:
    """postinst (install, upgrade) and postrm (remove, purge) run for real against a writable overlay
    of /etc in a private mount namespace: the provisioning file survives everything but purge."""
    need_tools("unshare", "mount")
    if os.geteuid() != 0:
        pytest.skip("runs the maintainer scripts as root in a mount namespace")
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(control)], check=True)
    for script in ("postinst", "postrm"):
        subprocess.run(["sh", "-n", str(control / script)], check=True)
    host_had_it = Path("/etc/village-desk").exists()
    upper, work = tmp_path / "upper", tmp_path / "work"
    upper.mkdir()
    work.mkdir()
    steps = f"""
        set -e
        mount -t overlay overlay -o lowerdir=/etc,upperdir={upper},workdir={work} /etc
        {control}/postinst configure
        test -d /etc/village-desk
        echo '{{"server_url": "https://county.example/"}}' > /etc/village-desk/provisioning.json
        {control}/postinst configure 0.0.9
        grep -q county.example /etc/village-desk/provisioning.json
        {control}/postrm upgrade 0.1.0
        {control}/postrm remove
        grep -q county.example /etc/village-desk/provisioning.json
        echo kept
        {control}/postrm purge
        test ! -e /etc/village-desk/provisioning.json
        test ! -e /etc/village-desk
        echo purged
    """
    proc = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", steps],
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split()[-2:] == ["kept", "purged"]
    assert Path("/etc/village-desk").exists() == host_had_it  # the machine's own /etc was not touched
