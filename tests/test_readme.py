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
