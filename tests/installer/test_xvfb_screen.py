"""installer/xvfb_screen.py: the X server of the bullseye and Wine checks, and its screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.installer.conftest import load_script, need_tools

WINDOW = (
    "import sys\nfrom PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(sys.argv)\nlabel = QLabel('村级数据台')\nlabel.resize(400, 200)\nlabel.show()\n"
    "app.exec()\n"
)


def test_xvfb_names_its_display_and_ends_with_the_block() -> None:
    need_tools("Xvfb")
    screen = load_script("xvfb_screen")
    with screen.xvfb() as display:
        socket = Path("/tmp/.X11-unix") / f"X{display.removeprefix(':')}"
        assert display.startswith(":") and socket.exists()
    assert not socket.exists()


def test_screenshot_waits_for_a_window(tmp_path: Path) -> None:
    need_tools("Xvfb")
    screen = load_script("xvfb_screen")
    with screen.xvfb() as display:
        assert not screen.screenshot(display, tmp_path / "bare.png", timeout=2)  # one colour: no window
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        app = subprocess.Popen([sys.executable, "-c", WINDOW], env=env)
        try:
            shot = tmp_path / "shots" / "window.png"
            assert screen.screenshot(display, shot, timeout=60)
        finally:
            app.kill()
            app.wait(timeout=30)
    assert shot.read_bytes().startswith(b"\x89PNG")
