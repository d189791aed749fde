"""``village-desk --exit-when-ready FILE``: the start-up probe the installer build and the .deb test
use. It writes when the first screen was up, which screen, and the field a person types into first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from desktop.services.settings import AppPaths
from desktop.storage import KdfParams, Store


def _ready(home: Path, tmp_path: Path, **env: str) -> tuple[float, float, str, str]:
    report = tmp_path / f"{home.name}.txt"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VILLAGE_DESK_")}
    environ.update(QT_QPA_PLATFORM="offscreen", **env)
    before = time.time()
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "--home", str(home), "--exit-when-ready", str(report)],
        env=environ,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    after = time.time()
    assert proc.returncode == 0, proc.stderr
    word, stamp, screen, field = report.read_text(encoding="utf-8").split()
    assert word == "ready"
    assert before < float(stamp) < after
    return before, float(stamp), screen, field


def test_first_run_reports_the_wizard(tmp_path: Path) -> None:
    assert _ready(tmp_path / "fresh", tmp_path)[2:] == ("setup_wizard", "language_zh")


def test_preseeded_first_run_starts_at_the_user_page(tmp_path: Path) -> None:
    placed = tmp_path / "provisioning.json"
    placed.write_text(json.dumps({"server_url": "https://county.example/", "village_code": "530102001001"}))
    found = _ready(tmp_path / "seeded", tmp_path, VILLAGE_DESK_PROVISIONING=str(placed))
    assert found[2:] == ("setup_wizard", "setup_user")


def test_with_a_store_it_reports_the_unlock_screen(tmp_path: Path) -> None:
    paths = AppPaths.default(tmp_path / "home").ensure()
    Store.create(
        paths.store_path, "wang", "a passphrase 2025", "530102001001", kdf=KdfParams.fast_for_tests()
    ).close()
    assert _ready(tmp_path / "home", tmp_path)[2] == "unlock_dialog"


def test_screenshot_of_the_first_screen(tmp_path: Path) -> None:
    """``--screenshot PNG`` with ``--exit-when-ready``: a picture of the screen as shown (the Wine
    check saves one of the installed Windows app). The ready time is taken before the picture."""
    shot = tmp_path / "first.png"
    report = tmp_path / "ready.txt"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VILLAGE_DESK_")}
    environ["QT_QPA_PLATFORM"] = "offscreen"
    args = ["--home", str(tmp_path / "h"), "--exit-when-ready", str(report), "--screenshot", str(shot)]
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=environ,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert report.read_text(encoding="utf-8").split()[2] == "setup_wizard"
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 400 and height >= 300


def test_screenshot_needs_exit_when_ready(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "--screenshot", str(tmp_path / "x.png")],
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "--screenshot needs --exit-when-ready" in proc.stderr
    assert not (tmp_path / "x.png").exists()
