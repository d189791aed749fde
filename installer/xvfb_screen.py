"""An X server of our own (Xvfb) for the installer checks, and a picture of its screen.

Used by ``bullseye.py check`` (the app in a Debian 11 root, the server's socket bind-mounted into
it) and ``wine_check.py`` (the installed Windows app and msiexec's message box under Wine).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def xvfb() -> Iterator[str]:
    """An Xvfb (1366x768 less a 40 px taskbar) for the ``with`` block; it picks a free display
    number and names it (``:N``) once it accepts connections. Its socket is ``/tmp/.X11-unix/XN``."""
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1366x728x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    number = proc.stdout.readline().decode().strip()
    if not number.isdigit():
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


SHOT = """
import sys, time
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["shot", "-platform", "xcb"])
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    image = app.primaryScreen().grabWindow(0).toImage()
    if len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 1:
        time.sleep(3.0)  # a window is up (the bare X screen is one colour): let it finish drawing
        app.primaryScreen().grabWindow(0).toImage().save(sys.argv[1])
        sys.exit(0)
    time.sleep(0.5)
sys.exit(1)
"""


def screenshot(display: str, path: Path, timeout: float = 180) -> bool:
    """A PNG of ``display``'s screen once a window is on it (through Qt's xcb platform, from this
    Python); False when none came up within ``timeout`` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    proc = subprocess.run(
        [sys.executable, "-c", SHOT, str(path), str(timeout)], env=env, timeout=timeout + 60, check=False
    )
    return proc.returncode == 0 and path.exists()
