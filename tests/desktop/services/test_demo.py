"""The demo village is made whole or not at all; a half-made one from an older version is remade."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services import demo
from desktop.storage import Store


class Interrupted(Exception):
    """Stands for whatever stops a first demo half-way (a full disk, a crash)."""


def _interrupt(_done: int, _total: int) -> None:
    raise Interrupted


def test_a_failed_build_leaves_nothing_and_the_next_one_completes(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "village.vdd"
    path.parent.mkdir()
    with pytest.raises(Interrupted):
        demo.build_demo_store(path, persons=30, progress=_interrupt)
    assert not Store.exists(path)
    assert list(path.parent.iterdir()) == []  # no half-made store, no building folder
    assert not demo.demo_store_ready(path)

    demo.build_demo_store(path, persons=30)
    assert demo.demo_store_ready(path)
    store = Store.unlock(path, demo.DEMO_USER, demo.DEMO_PASSPHRASE)
    try:
        assert store.household.count() > 0 and store.person.count() >= 25
    finally:
        store.close()
    # (and the lock file that says who holds the store, left by design)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["village.vdd", "village.vdd.keys", "village.vdd.lock"]


def test_a_half_made_store_left_by_an_older_version_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "village.vdd"
    store = Store.create(path, demo.DEMO_USER, demo.DEMO_PASSPHRASE, demo.DEMO_VILLAGE)
    store.close()  # made in place, never filled: what an interrupted first demo used to leave
    assert Store.exists(path)
    assert not demo.demo_store_ready(path)
    assert not Store.exists(path) and not path.exists()


def test_a_leftover_building_folder_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "village.vdd"
    leftover = tmp_path / "village.vdd.building"
    leftover.mkdir()
    (leftover / "village.vdd").write_bytes(b"half a store from a killed process")
    demo.build_demo_store(path, persons=10)
    assert not leftover.exists() and demo.demo_store_ready(path)
