"""The .deb for Linux desktops, made from the onedir bundle with dpkg-deb.

Layout of the package::

    /opt/village-desk/                 the bundle (village-desk + _internal/)
    /usr/bin/village-desk              a launcher that runs /opt/village-desk/village-desk
    /usr/share/applications/village-desk.desktop   menu entry, named 村级数据台
    /usr/share/icons/hicolor/256x256/apps/village-desk.png   its icon
    /usr/share/doc/village-desk/copyright
    /etc/village-desk/                 where county IT puts provisioning.json (the package ships no
                                       file there: dpkg never asks about it, never overwrites it)

``Depends`` comes from ``dpkg-shlibdeps`` over every ELF file of the bundle, with the bundle's own
folders as private library paths. What the bundle brings (libpython, libstdc++, OpenSSL, libffi,
SQLite, Qt, ...) is not asked of the system: dpkg-shlibdeps, finding no package behind a bundled
copy, would fall through to the build machine's own copy and name its package, so every package
that only stands for bundled libraries is excluded (``-x``). What the bundle needs from the system
(what PyInstaller leaves to it: libc, OpenGL/EGL through libglvnd, libxcb; PyInstaller bundles the
rest of the X11/xcb stack, fontconfig and D-Bus) becomes a versioned dependency, its minimum from
Debian's symbols files: a bundle built on Debian 11 asks
``libc6 (>= 2.31)`` at most, one built on Debian 12 what its newer libraries need. The build
machine must have those system libraries installed (``.ci/run`` installs them). A Chinese font is
a dependency too (Qt draws no Chinese without one), and ``Maintainer`` comes from ``pyproject.toml``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

PACKAGE = "village-desk"
INSTALL_DIR = Path("opt") / PACKAGE
CONFIG_DIR = Path("etc") / PACKAGE
ROOT = Path(__file__).resolve().parents[1]
ICON = ROOT / "resources" / "icons" / "village-desk.png"
# Any of these gives Qt the Chinese glyphs (Debian 11 and 12, Ubuntu 20.04 and later, and the
# desktops built on them carry at least one).
CJK_FONTS = "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei"
# Data that a bundled library reads from the system, by the library's name: the bundle's fontconfig
# reads /etc/fonts, its xkbcommon the keyboard layouts (without them no key reaches Qt under X).
DATA_DEPENDS = {"libfontconfig.so.1": "fontconfig-config", "libxkbcommon.so.0": "xkb-data"}

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=村级数据台
Name[zh_CN]=村级数据台
Name[en]=Village Data Desk
GenericName=Village data entry
GenericName[zh_CN]=村级数据录入
Comment=Record village households, persons, income and services; sync with the county
Comment[zh_CN]=登记户、人口、收入和公共服务数据，并与县数据中心同步
Exec=/usr/bin/village-desk
Icon=village-desk
Terminal=false
Categories=Office;Database;
StartupNotify=true
"""

LAUNCHER = """\
#!/bin/sh
# Village Data Desk: the program lives in /opt/village-desk (provisioning file: beside it, or in
# /etc/village-desk/provisioning.json).
exec /opt/village-desk/village-desk "$@"
"""

POSTINST = """\
#!/bin/sh
# The provisioning file in /etc/village-desk is county IT's: never created, changed or removed here.
set -e
if [ "$1" = "configure" ]; then
    mkdir -p /etc/village-desk
    if [ ! -e /etc/village-desk/provisioning.json ] && [ ! -e /opt/village-desk/provisioning.json ]; then
        echo "village-desk: no provisioning file yet (county IT: /etc/village-desk/provisioning.json)"
    fi
fi
exit 0
"""

POSTRM = """\
#!/bin/sh
# remove and upgrade keep /etc/village-desk (county IT's provisioning file); purge removes it.
# Users' data in their home folders is never touched by the package.
set -e
if [ "$1" = "purge" ]; then
    rm -f /etc/village-desk/provisioning.json
    rmdir /etc/village-desk 2>/dev/null || true
fi
exit 0
"""

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: village-data-desk
Source: village-data-desk

Files: *
License: Apache-2.0
 On Debian systems the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0. The bundle in /opt/village-desk also carries Python,
 Qt (LGPL-3.0) through PySide6, SQLCipher and other third-party libraries under their own licences.
"""


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload]


def architecture() -> str:
    return _run(["dpkg", "--print-architecture"]).stdout.strip()


def _is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def _soname_package(path: Path) -> set[str]:
    """Debian packages holding the library ``path`` (a system path), by ``dpkg -S``; none when none.
    Tried as given, resolved, and with and without ``/usr`` (merged-/usr machines list either)."""
    text = str(path)
    tries = [text, str(path.resolve())]
    tries += [t.removeprefix("/usr") if t.startswith("/usr/") else "/usr" + t for t in list(tries)]
    for candidate in dict.fromkeys(tries):
        proc = subprocess.run(["dpkg", "-S", candidate], text=True, capture_output=True, check=False)
        if proc.returncode == 0:
            return {
                name.strip().split(":")[0]
                for line in proc.stdout.splitlines()
                if not line.startswith("diversion ")
                for name in line.rsplit(": ", 1)[0].split(",")
            }
    return set()


def _system_copies(soname: str) -> list[Path]:
    """Where the machine's own copies of ``soname`` are (what dpkg-shlibdeps would fall back on)."""
    proc = subprocess.run(["ldconfig", "-p"], text=True, capture_output=True, check=False)
    found = [
        Path(line.split(" => ", 1)[1].strip())
        for line in proc.stdout.splitlines()
        if " => " in line and line.strip().split(" ", 1)[0] == soname
    ]
    return sorted(set(found))


def needed_sonames(elf: Path) -> list[str]:
    """The ``NEEDED`` entries of one ELF file (``objdump -p``)."""
    out = _run(["objdump", "-p", str(elf)]).stdout
    return re.findall(r"^\s+NEEDED\s+(\S+)$", out, flags=re.MULTILINE)


def bundle_elves(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if _is_elf(p))


def shlib_depends(bundle: Path) -> str:
    """``Depends`` for the bundle's ELF files, from dpkg-shlibdeps: only what the bundle lacks."""
    elves = bundle_elves(bundle)
    private = sorted({str(p.parent) for p in elves})
    carried = {p.name for p in bundle.rglob("*") if ".so" in p.name}
    needed = {name for elf in elves for name in needed_sonames(elf)}
    outside = needed - carried
    wanted = {pkg for name in outside for path in _system_copies(name) for pkg in _soname_package(path)}
    stand_ins = {
        pkg for name in needed & carried for path in _system_copies(name) for pkg in _soname_package(path)
    }
    with tempfile.TemporaryDirectory(prefix="vdd-shlibdeps-") as tmp:
        # dpkg-shlibdeps reads debian/control of the "source package" it is run in.
        (Path(tmp) / "debian").mkdir()
        (Path(tmp) / "debian" / "control").write_text(
            f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
        )
        cmd = ["dpkg-shlibdeps", "-O", "--ignore-missing-info", "--warnings=0"]
        cmd += [f"-x{pkg}" for pkg in sorted(stand_ins - wanted)]
        cmd += [f"-l{d}" for d in private] + [str(p) for p in elves]
        proc = subprocess.run(cmd, cwd=tmp, text=True, capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            "dpkg-shlibdeps could not work out the package's dependencies; install the libraries it"
            f" names on the build machine:\n{proc.stderr.strip()[-2000:]}"
        )
    for line in proc.stdout.splitlines():
        if line.startswith("shlibs:Depends="):
            return line.split("=", 1)[1].strip()
    raise RuntimeError(f"dpkg-shlibdeps printed no dependencies:\n{proc.stdout}")


def glibc_needed(bundle: Path) -> tuple[int, ...]:
    """The newest ``GLIBC_x.y`` symbol version any ELF file of the bundle asks for (``objdump -T``)."""
    newest: tuple[int, ...] = (0,)
    for elf in bundle_elves(bundle):
        out = _run(["objdump", "-T", str(elf)]).stdout
        for found in re.findall(r"\(GLIBC_(\d+(?:\.\d+)+)\)", out):
            newest = max(newest, tuple(int(part) for part in found.split(".")))
    return newest


def maintainer() -> str:
    """``Name <email>`` of the first entry of ``maintainers`` in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    people = [p for p in project.get("maintainers", []) if p.get("name") and p.get("email")]
    if not people:
        raise RuntimeError("pyproject.toml names no maintainer with an e-mail ([project] maintainers)")
    return f"{people[0]['name']} <{people[0]['email']}>"


def _tree_kib(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) // 1024 + 1


def _normalise_modes(root: Path) -> None:
    """Folders 0755, executables and ELF programs 0755, everything else (shared libraries too) 0644."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        library = path.name.endswith(".so") or ".so." in path.name
        if path.is_dir() or (path.stat().st_mode & 0o111 and not library):
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def build_deb(bundle: Path, version: str, out_dir: Path, work: Path, *, quick: bool = False) -> Path:
    """Stage the package tree under ``work`` and build ``out_dir/village-desk_VERSION_ARCH.deb``.

    xz compression (every dpkg reads it; about 85 s of one core for the bundle), or with ``quick``
    zstd (about 1 s; dpkg 1.21.18 or later, Debian 12 / Ubuntu 22.04, reads it): CI's choice."""
    arch = architecture()
    carried = {p.name for p in bundle.rglob("*")}
    data = [pkg for lib, pkg in DATA_DEPENDS.items() if lib in carried]
    depends = ", ".join([shlib_depends(bundle), *data, CJK_FONTS])
    packager = maintainer()
    root = work / "root"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    (root / CONFIG_DIR).mkdir(parents=True)
    launcher = root / "usr" / "bin" / PACKAGE
    launcher.parent.mkdir(parents=True)
    launcher.write_text(LAUNCHER, encoding="utf-8")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{PACKAGE}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    icons = root / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copyfile(ICON, icons / f"{PACKAGE}.png")
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")
    _normalise_modes(root)
    launcher.chmod(0o755)
    (root / INSTALL_DIR / PACKAGE).chmod(0o755)

    control_dir = root / "DEBIAN"
    control_dir.mkdir()
    control = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": arch,
        "Maintainer": packager,
        "Installed-Size": str(_tree_kib(root)),
        "Depends": depends,
        "Section": "misc",
        "Priority": "optional",
        "Description": "offline-first village data entry (村级数据台)\n"
        " Village officials record households, persons, income and public services in an\n"
        " encrypted local file and sync them field by field with the county server.\n"
        " County IT places the provisioning file in /etc/village-desk/provisioning.json.",
    }
    (control_dir / "control").write_text(
        "".join(f"{key}: {value}\n" for key, value in control.items()), encoding="utf-8"
    )
    for name, text in (("postinst", POSTINST), ("postrm", POSTRM)):
        script = control_dir / name
        script.write_text(text, encoding="utf-8")
        script.chmod(0o755)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    # Every file owned by root without fakeroot.
    _run(["dpkg-deb", "--root-owner-group", "-Zzstd" if quick else "-Zxz", "--build", str(root), str(target)])
    return target
