"""installer/build.py runs PyInstaller and the bundle's self-test without waiting on processes that
outlive them. Under Wine the first program that touches the window system starts
``explorer.exe /desktop``, which inherits its parent's output pipe and lives on: a build that read
the output through a pipe waited for ever although the bundle was complete (issue 14)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from tests.installer.conftest import load_script


def test_output_is_collected_without_waiting_for_a_process_left_running(tmp_path: Path) -> None:
    build = load_script("build")
    pid_file = tmp_path / "left.pid"
    # The child starts a grandchild that keeps the inherited stdout open for a minute, then exits.
    script = (
        "import subprocess, sys, pathlib\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(p.pid))\n"
        "print('bundle built')\n"
    )
    code, output = build.run_logged([sys.executable, "-c", script], timeout=50)
    left = int(pid_file.read_text())
    try:
        assert code == 0
        assert "bundle built" in output
        os.kill(left, 0)  # still running: the output was not waited for past the child's end
    finally:
        os.kill(left, signal.SIGKILL)
