"""A real county server on loopback with three laptops of one village that edited offline, so the
township desk has real items to show: competing values on one field, a delete against an edit, and
a field that can move while staff look at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sync.server import admin
from tests.sync_world import (
    STAFF_PASSWORD,
    STAFF_USER,
    County,
    Laptop,
    fill,
    start_county,
)

OTHER_VILLAGE = "110105002001"
"""A village of another township of the same county."""
OTHER_STAFF, OTHER_PASSWORD = "xiangB", "township-B-pass-1"


@dataclass
class World:
    county: County
    laptops: list[Laptop]
    person: str
    """Edited on all three laptops (occupation), and education on two, phone on two."""
    gone: str
    """Deleted on laptop A while laptop B edited its occupation."""
    household: str
    """Its phone is edited on A and C (an item), and can be edited again to make a decision stale."""

    @property
    def a(self) -> Laptop:
        return self.laptops[0]

    def sync_all(self) -> None:
        for laptop in self.laptops:
            laptop.sync()


def start_world(tmp_path: Path, database: str | Path | None = None) -> County:
    county = start_county(database or tmp_path / "county.sqlite3")
    admin.add_village(county.store, OTHER_VILLAGE, "南村")
    admin.add_user(county.store, OTHER_STAFF, OTHER_PASSWORD, "township", OTHER_VILLAGE[:9])
    return county


def make_conflicts(county: County, tmp_path: Path) -> World:
    """Three laptops of one village edit offline, then all sync (A, then B, then C)."""
    a = Laptop(tmp_path / "a.vdd", county, "东村电脑A")
    made = fill(a.store, 4, seed=7)
    a.sync()
    b = Laptop(tmp_path / "b.vdd", county, "东村电脑B")
    c = Laptop(tmp_path / "c.vdd", county, "东村电脑C")
    b.sync()
    c.sync()
    household = made[0]
    persons = [r for r in made if a.store.person.get(r) is not None]
    person, gone = persons[0], persons[1]

    # One field on all three laptops.
    a.store.person.update(person, {"occupation": "务工"})
    b.store.person.update(person, {"occupation": "务农"})
    c.store.person.update(person, {"occupation": "个体经营"})
    # Two laptops on a choice field and on a phone field.
    a.store.person.update(person, {"education": "college"})
    b.store.person.update(person, {"education": "junior"})
    b.store.person.update(person, {"phone": "13800000001"})
    c.store.person.update(person, {"phone": "13900000002"})
    # One field each: merged automatically, no item.
    a.store.person.update(person, {"health": "chronic"})
    b.store.person.update(person, {"disability": "grade2"})
    c.store.person.update(person, {"pension_insurance": "employee"})
    # Delete against edit.
    a.store.person.delete(gone)
    b.store.person.update(gone, {"occupation": "外出务工"})
    # A household field that can move later.
    a.store.household.update(household, {"phone": "13700000003"})
    c.store.household.update(household, {"phone": "13700000004"})
    world = World(county, [a, b, c], person, gone, household)
    world.sync_all()
    return world


@contextmanager
def conflict_world(tmp_path: Path, database: str | Path | None = None) -> Iterator[World]:
    county = start_world(tmp_path, database)
    world = None
    try:
        world = make_conflicts(county, tmp_path)
        yield world
    finally:
        if world is not None:
            for laptop in world.laptops:
                laptop.close()
        county.stop()


__all__ = [
    "OTHER_PASSWORD",
    "OTHER_STAFF",
    "STAFF_PASSWORD",
    "STAFF_USER",
    "World",
    "competing_phones",
    "conflict_world",
]


def competing_phones(county: County, tmp_path: Path, persons: int, *, seed: int = 3) -> list[Laptop]:
    """Two laptops of one village that both changed every household's phone offline: one open
    "household phone" item per household (B's value competes with A's, which the county kept)."""
    a = Laptop(tmp_path / "phones-a.vdd", county, "电脑甲")
    fill(a.store, persons, seed=seed)
    a.sync()
    b = Laptop(tmp_path / "phones-b.vdd", county, "电脑乙")
    b.sync()
    households = [r["id"] for r in a.store.household.iter_all()]
    for laptop, prefix in ((a, "137"), (b, "139")):
        with laptop.store.atomic():
            for n, household in enumerate(households):
                laptop.store.household.update(household, {"phone": f"{prefix}{n:08d}"})
        laptop.sync()
    return [a, b]
