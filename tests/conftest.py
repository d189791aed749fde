"""Fixtures shared across the test tree."""

from __future__ import annotations

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
