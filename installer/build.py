"""Build what this machine can: the onedir bundle, then the .deb (Linux), the NSIS EXE and the MSI.

    .venv/bin/python installer/build.py [--quick] [--only bundle,deb,exe,msi] [--sign-pkcs12 cert.p12]
    .venv/bin/python installer/build.py --wine [--quick]   (Linux: the real Windows ones, wine_build.py)

Run it from the checkout with the project's venv (it needs PyInstaller: ``pip install pyinstaller``).
Every step prints what it made or why it was skipped; the run ends with the sizes (bundle on disk,
each installer) and the bundle's start to the first typeable screen against the venv's, measured
side by side in this run (``village-desk --exit-when-ready``, as benchmarks/bench_app.py measures
start: process start -> the first screen shown, median of interleaved runs).

On Linux the EXE and MSI are compiled over the Linux bundle's layout: they prove that
village-desk.nsi and village-desk.wxs compile and give their size, but install Linux files, so they
are named ``*.compile-check.*``. On Windows (with NSIS, and msitools from MSYS2 for wixl) the same
command builds the real ones. ``--quick`` compresses the EXE with zlib instead of solid LZMA and
the .deb with zstd instead of xz (CI: about 30 s of compression instead of 4 minutes).

Exit status: 0 when every step that ran succeeded (skipped steps do not fail the build).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import build_deb  # noqa: E402 - the sibling module, found through HERE
import build_windows  # noqa: E402

STEPS = ("bundle", "deb", "exe", "msi")
WINDOWS = sys.platform == "win32"
MB = 1024 * 1024
BUNDLE_GOAL_MB = 150
INSTALLER_GOAL_MB = 60


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        print(text, flush=True)
        self.lines.append(text)


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def size_on_disk(root: Path) -> tuple[int, int, int]:
    """(bytes on disk, bytes of content, files). On disk = allocated blocks where the OS says so."""
    disk = content = files = 0
    for path in root.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        st = path.stat()
        files += 1
        content += st.st_size
        blocks = getattr(st, "st_blocks", None)
        disk += blocks * 512 if blocks is not None else st.st_size
    return disk, content, files


def executable_name() -> str:
    return "village-desk.exe" if WINDOWS else "village-desk"


def run_logged(cmd: list[str], *, timeout: float | None = None, **kwargs: object) -> tuple[int, str]:
    """Run ``cmd`` with its output in a temporary file, not a pipe; (exit code, output).

    A pipe is read until every process holding it has closed it, not until ``cmd`` ends: under
    Wine, the first program that touches the window system (PyInstaller, the self-test's Qt)
    starts ``explorer.exe /desktop``, which inherits the pipe and lives on, so the build waited
    for ever although the bundle was complete. A file is done when ``cmd`` is.
    """
    with tempfile.TemporaryFile() as log:
        proc = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
            **kwargs,
        )  # type: ignore[call-overload]
        log.seek(0)
        return proc.returncode, log.read().decode("utf-8", errors="replace")


def build_bundle(dist: Path, work: Path) -> Path:
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", str(dist), "--workpath", str(work), str(HERE / "village-desk.spec")]
    code, output = run_logged(cmd, cwd=ROOT)
    if code != 0:
        raise RuntimeError(f"PyInstaller failed:\n{output[-4000:]}")
    return dist / "village-desk"


def self_test(bundle: Path) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("VILLAGE_DESK_RESOURCES", None)  # the bundle must find its own
    with tempfile.TemporaryDirectory(prefix="vdd-selftest-") as home:
        code, output = run_logged(
            [str(bundle / executable_name()), "--self-test", "--home", home], cwd=home, env=env, timeout=300
        )
    if code != 0:
        raise RuntimeError(f"the bundle's --self-test failed ({code}):\n{output}")
    lines = output.strip().splitlines()
    return lines[-1] if lines else "passed (exit 0)"


# ------------------------------------------------------------------------------------------------
# Start-up: the bundle against the venv, side by side


def _store_home(root: Path) -> Path:
    """A home folder with a small store, so both start on the unlock screen (the benchmark's screen)."""
    from desktop.services.settings import AppPaths
    from desktop.storage import KdfParams, Store

    paths = AppPaths.default(root).ensure()
    Store.create(
        paths.store_path, "bench", "build passphrase 2025", "530102001001", kdf=KdfParams.fast_for_tests()
    ).close()
    return root


def _start_once(cmd: list[str], home: Path, env: dict[str, str]) -> tuple[float, str]:
    ready = home.parent / f"ready-{time.monotonic_ns()}.txt"
    started = time.time()
    code, output = run_logged(
        [*cmd, "--home", str(home), "--exit-when-ready", str(ready)], env=env, timeout=120
    )
    if code != 0 or not ready.exists():
        raise RuntimeError(f"{cmd[0]} did not reach its first screen ({code}):\n{output[-2000:]}")
    _, stamp, screen, *_ = ready.read_text(encoding="utf-8").split()
    ready.unlink()
    return float(stamp) - started, screen


def venv_command() -> list[str]:
    script = Path(sys.executable).with_name(executable_name())
    return [str(script)] if script.exists() else [sys.executable, "-m", "desktop"]


def measure_start(bundle: Path, repeat: int, report: Report) -> str:
    env = {**os.environ}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    bundle_cmd = [str(bundle / executable_name())]
    with tempfile.TemporaryDirectory(prefix="vdd-start-") as tmp:
        home = _store_home(Path(tmp) / "home")
        times: dict[str, list[float]] = {"bundle": [], "venv": []}
        screens = set()
        for i in range(repeat + 1):  # interleaved; the first round only warms the file cache
            for name, cmd in (("bundle", bundle_cmd), ("venv", venv_command())):
                seconds, screen = _start_once(cmd, home, env)
                screens.add(screen)
                if i:
                    times[name].append(seconds)
    b, v = statistics.median(times["bundle"]), statistics.median(times["venv"])
    line = (
        f"start to first typeable screen ({'/'.join(sorted(screens))}, {env['QT_QPA_PLATFORM']}, median of"
        f" {repeat}): bundle {b * 1000:.0f} ms, venv {v * 1000:.0f} ms, ratio {b / v:.2f}"
    )
    report.sizes.append(line)
    return line


# ------------------------------------------------------------------------------------------------


def _step(report: Report, name: str, action: Callable[[], str]) -> None:
    started = time.perf_counter()
    try:
        said = action()
    except Exception as exc:  # every failure is reported, then the build fails at the end
        report.failed.append(name)
        report.say(f"[{name}] FAILED: {exc}")
        return
    report.say(f"[{name}] {said} ({time.perf_counter() - started:.0f} s)")


def _skip(report: Report, name: str, why: str) -> None:
    report.say(f"[{name}] skipped: {why}")


def _missing(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


def _installer_size(report: Report, label: str, path: Path) -> None:
    mb = path.stat().st_size / MB
    verdict = "ok" if mb <= INSTALLER_GOAL_MB else "OVER"
    report.sizes.append(f"{label}: {path.name} {mb:.1f} MB (goal <= {INSTALLER_GOAL_MB} MB: {verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "installer", help="build folder")
    parser.add_argument("--only", help=f"comma-separated steps among {', '.join(STEPS)} (default: all)")
    parser.add_argument("--reuse-bundle", action="store_true", help="use the bundle already built in --out")
    parser.add_argument(
        "--quick", action="store_true", help="fast compression (EXE zlib, .deb zstd): CI's compile check"
    )
    parser.add_argument("--repeat", type=int, default=5, help="start-up runs of each (0: do not measure)")
    parser.add_argument(
        "--sign-pkcs12", type=Path, help="code-signing certificate (.p12/.pfx) for EXE and MSI"
    )
    parser.add_argument("--sign-password-env", help="variable holding the certificate's password")
    parser.add_argument("--sign-timestamp-url", help="RFC 3161 time-stamp server")
    parser.add_argument(
        "--wine",
        action="store_true",
        help="Linux: the real Windows bundle, EXE and MSI through Wine (installer/wine_build.py)",
    )
    args = parser.parse_args(argv)
    if args.wine:
        import wine_build

        return wine_build.main(["--quick"] if args.quick else [])
    steps = set(STEPS if not args.only else args.only.split(","))
    unknown = steps - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    version = project_version()
    out: Path = args.out.resolve()
    dist, work, packages = out / "dist", out / "work", out / "out"
    bundle = dist / "village-desk"
    check = "" if WINDOWS else ".compile-check"
    report = Report()
    key = (
        build_windows.SigningKey(args.sign_pkcs12, args.sign_password_env, args.sign_timestamp_url)
        if args.sign_pkcs12
        else None
    )
    report.say(f"Village Data Desk {version}: building on {sys.platform} into {out}")

    if args.reuse_bundle and (bundle / executable_name()).exists():
        report.say(f"[bundle] reused: {bundle}")
    elif "bundle" in steps or not (bundle / executable_name()).exists():
        _step(report, "bundle", lambda: f"PyInstaller onedir: {build_bundle(dist, work / 'pyinstaller')}")
    if report.failed:
        return _finish(report)
    _step(report, "self-test", lambda: f"{bundle / executable_name()} --self-test: {self_test(bundle)}")
    if key is not None and WINDOWS:  # the program itself too, before the installers take it in
        _step(
            report,
            "sign",
            lambda: f"{executable_name()} signed with {build_windows.sign(bundle / executable_name(), key)}",
        )
    disk, content, files = size_on_disk(bundle)
    verdict = "ok" if disk / MB <= BUNDLE_GOAL_MB else "OVER"
    report.sizes.append(
        f"bundle: {disk / MB:.1f} MB on disk ({content / MB:.1f} MB in {files} files;"
        f" goal <= {BUNDLE_GOAL_MB} MB: {verdict})"
    )

    if "deb" in steps:
        missing = _missing("dpkg-deb", "dpkg-shlibdeps")
        if WINDOWS or not sys.platform.startswith("linux"):
            _skip(report, "deb", "a .deb is built on Linux")
        elif missing:
            _skip(report, "deb", f"{', '.join(missing)} not installed (apt-get install dpkg-dev)")
        else:

            def deb() -> str:
                path = build_deb.build_deb(bundle, version, packages, work / "deb", quick=args.quick)
                _installer_size(report, "deb" + (" (zstd, --quick)" if args.quick else " (xz)"), path)
                return f"{path}"

            _step(report, "deb", deb)

    if "exe" in steps:
        if _missing("makensis"):
            _skip(report, "exe", "makensis not installed (Linux: apt-get install nsis; Windows: NSIS 3)")
        else:

            def exe() -> str:
                path = build_windows.build_exe(
                    bundle, version, packages / f"village-desk-{version}-setup{check}.exe", quick=args.quick
                )
                label = (
                    "exe" + (" (zlib, --quick)" if args.quick else "") + (" compile check" if check else "")
                )
                _installer_size(report, label, path)
                signed = f", signed with {build_windows.sign(path, key)}" if key else ""
                return f"{path}{signed}" + ("  [Linux files inside: a compile check]" if check else "")

            _step(report, "exe", exe)

    if "msi" in steps:
        missing = _missing("wixl", "wixl-heat", "msibuild")
        if missing:
            _skip(
                report,
                "msi",
                f"{', '.join(missing)} not installed (apt-get install wixl msitools; MSYS2: msitools)",
            )
        else:

            def msi() -> str:
                path = build_windows.build_msi(
                    bundle, version, packages / f"village-desk-{version}-x64{check}.msi", work / "msi"
                )
                _installer_size(report, "msi" + (" compile check" if check else ""), path)
                signed = f", signed with {build_windows.sign(path, key)}" if key else ""
                return f"{path}{signed}" + ("  [Linux files inside: a compile check]" if check else "")

            _step(report, "msi", msi)

    if args.repeat > 0 and "self-test" not in report.failed:
        _step(report, "start", lambda: measure_start(bundle, args.repeat, report))
    return _finish(report)


def _finish(report: Report) -> int:
    print("\n== sizes and start-up")
    for line in report.sizes:
        print(line)
    if report.failed:
        print(f"\nFAILED: {', '.join(report.failed)}")
        return 1
    print("\nbuild ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
