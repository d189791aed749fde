"""The README stands alone and its first commands work on a bare Debian machine: the system packages it
lists are exactly the ones CI installs (one file both use), and the first command installs the extra
the demo needs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _package_file() -> list[str]:
    lines = (ROOT / ".ci" / "debian-packages.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_readme_lists_exactly_the_packages_ci_installs() -> None:
    (line,) = re.findall(r"`sudo apt-get install ([^`]+)`", README)
    assert line.split() == _package_file()
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "$(grep -v '^#' .ci/debian-packages.txt)" in ci


def test_the_list_has_what_qts_xcb_plugin_needs() -> None:
    needed = {"libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0", "libxcb-randr0"}
    needed |= {"libxcb-shape0", "libxcb-cursor0", "libxkbcommon-x11-0", "python3-venv", "fonts-noto-cjk"}
    assert needed <= set(_package_file())


def test_the_first_command_installs_the_server_extra_for_the_demo() -> None:
    first = re.search(r"```bash\n(.+?)\n```", README)
    assert first is not None
    assert "pip install -e '.[server]'" in first.group(1) and first.group(1).endswith("village-desk --demo")


def test_the_readme_stands_alone() -> None:
    assert "../shared" not in README and "DESIGN.md" not in README
    for section in ("## Keys, in one paragraph", "## Sync, in one paragraph", "## County IT"):
        assert section in README
    for path in re.findall(r"`((?:installer|tests|\.ci)/[\w./-]+)`", README):
        if path != "installer/README.md":  # written on the laptop-installer branch
            assert (ROOT / path).exists(), path


QT_LIBS = ("XcbQpa", "Core", "Gui", "Widgets", "DBus", "OpenGL")


def _owner(path: str) -> str | None:
    """The Debian package that installed a library (usrmerge: /lib and /usr/lib are the same)."""
    import subprocess

    real = str(Path(path).resolve())
    for candidate in {
        real,
        real.removeprefix("/usr"),
        "/usr" + real if not real.startswith("/usr") else real,
    }:
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":", 1)[0].strip()
    return None


def test_the_list_covers_every_library_qts_xcb_plugin_loads() -> None:
    """ldd on the xcb platform plugin and the Qt libraries it loads: each system library it needs
    belongs to a listed package or to one they depend on (apt's dependency closure)."""
    import shutil
    import subprocess

    import pytest

    if not all(shutil.which(tool) for tool in ("ldd", "dpkg", "apt-cache")):
        pytest.skip("needs ldd, dpkg and apt-cache (Debian/Ubuntu)")
    import PySide6

    qt = Path(PySide6.__file__).resolve().parent / "Qt"
    files = [
        qt / "plugins" / "platforms" / "libqxcb.so",
        *sorted((qt / "plugins" / "xcbglintegrations").glob("*.so")),
    ]
    files += [qt / "lib" / f"libQt6{name}.so.6" for name in QT_LIBS]
    needed: set[str] = set()
    for file in files:
        assert file.is_file(), file
        out = subprocess.run(["ldd", str(file)], capture_output=True, text=True, check=True).stdout
        assert "not found" not in out, out  # this machine has the list installed (as CI does)
        for line in out.splitlines():
            parts = line.split("=>")
            if len(parts) == 2 and parts[1].strip().startswith("/"):
                lib = parts[1].split("(")[0].strip()
                if not Path(lib).resolve().is_relative_to(qt.parent):
                    needed.add(lib)
    owners = {lib: _owner(lib) for lib in needed}
    assert None not in owners.values(), owners
    apt = ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts"]
    closure_out = subprocess.run(
        [*apt, "--no-breaks", "--no-replaces", "--no-enhances", *_package_file()],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    closure = {
        line.strip().split(":")[0] for line in closure_out.splitlines() if not line.startswith((" ", "<"))
    }
    uncovered = sorted(
        {f"{owner} ({lib})" for lib, owner in owners.items() if owner.split(":")[0] not in closure}
    )
    assert uncovered == [], "add these packages to .ci/debian-packages.txt"
