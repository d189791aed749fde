"""Fixtures shared across the test tree."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync_world import County, start_county


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    """The county server on an embedded SQLite file, on loopback, stopped at the end (a test module
    or folder that needs another county defines its own ``county``)."""
    c = start_county(tmp_path / "county.db")
    try:
        yield c
    finally:
        c.stop()


_BEFORE = pytest.StashKey[set[str] | None]()


def _untracked(root: Path) -> set[str] | None:
    """Files git neither tracks nor ignores under ``root`` (None outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return set(out.stdout.splitlines())


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the run as a whole, not each xdist worker
        session.config.stash[_BEFORE] = _untracked(session.config.rootpath)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A test that leaves a file in the checkout (a tool writing to the working directory) fails
    the run: tests write under ``tmp_path``."""
    before = session.config.stash.get(_BEFORE, None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    after = _untracked(session.config.rootpath) or set()
    left = sorted(after - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"\ntests left files in the checkout: {', '.join(left[:20])}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
