"""Whole-sync fixtures: the real county server on loopback (SQLite file or PostgreSQL) and laptops
with encrypted stores, driven through the sync service as the app drives it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.sync_world import VILLAGE, County, Laptop, postgres_database, start_county


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def county(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[County]:
    if backend == "sqlite":
        c = start_county(tmp_path / "county.db")
    else:
        c = start_county(request.getfixturevalue("pg_url"), fresh_pg=True)
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def laptops(tmp_path: Path, county: County) -> Iterator[Callable[..., Laptop]]:
    made: list[Laptop] = []

    def make(name: str, village: str = VILLAGE) -> Laptop:
        lap = Laptop(tmp_path / f"{name}.db", county, name, village)
        made.append(lap)
        return lap

    yield make
    for lap in made:
        if lap.store.is_open:
            lap.close()
