"""installer/wine_check.py without Wine: it loads (with wine_machine.py and xvfb_screen.py beside it)
and asks for the build first when the installers are not there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.installer.conftest import load_script


def test_without_installers_it_asks_for_the_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check = load_script("wine_check")
    assert check.main(["--installers", str(tmp_path)]) == 2
    assert "build first: installer/wine_build.py" in capsys.readouterr().err


def test_checker_counts_and_names_failures(capsys: pytest.CaptureFixture[str]) -> None:
    c = load_script("wine_check").Checker()
    assert c.check("one", True) and not c.check("two", False, "exit 3")
    assert (c.passed, c.failed) == (1, ["two"])
    assert capsys.readouterr().out.splitlines() == ["PASS one", "FAIL two: exit 3"]
