"""Demo village data and a demo county server, so a newcomer sees the app working at once.

``village-desk --demo`` keeps everything under the app's data folder (``demo/``): an encrypted store
for user ``demo`` filled with made-up households and persons (valid resident IDs from
``sync.resident_id.make_resident_id``, via ``sync.sample_data``), plus income and services; and a county
server on loopback (``sync.server.embedded``, SQLite) that knows the demo village and hands out an
enrollment code. Also used by the screenshots script and the benchmarks. No Qt here.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from desktop.storage import KdfParams, Store, StoreError, ValidationFailed
from desktop.storage.errors import UnlockDelayed
from desktop.storage.keyring import keyring_path
from sync.sample_data import village

DEMO_VILLAGE = "530102001001"
DEMO_VILLAGE_NAME = "示范村"
DEMO_USER = "demo"
DEMO_PASSPHRASE = "demo-village-2025"  # noqa: S105 - the demo's published passphrase
SERVICE_TYPES = ("medical_insurance", "pension", "subsidy", "health_check", "elderly_care_visit")
INCOME_SOURCES = ("wages", "business", "property", "transfers")
COMPLETE = "demo_complete"
"""State key set when the demo village was made in full."""


def populate(
    store: Store,
    persons: int,
    *,
    seed: int = 7,
    extras: bool = True,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 2000,
) -> dict[str, int]:
    """Add made-up households (with members, and income and services when ``extras``).

    Writes go through the repositories (validated, captured for sync) in transactions of about
    ``batch`` persons. Returns how many records of each entity were made.
    """
    rng = random.Random(seed)
    made = {"household": 0, "person": 0, "income": 0, "service": 0}
    household_ids: dict[str, str] = {}
    current_household: str | None = None
    year = date.today().year - 1
    records = village(store.village_code, persons, seed=seed)
    done = False
    while not done:
        with store.atomic():
            count = 0
            for entity, sample_id, fields in records:
                try:
                    if entity == "household":
                        current_household = store.household.create(fields)
                        household_ids[sample_id] = current_household
                        made["household"] += 1
                        if extras:
                            _extras(store, rng, current_household, year, made)
                    else:
                        fields = {**fields, "household_id": household_ids[fields["household_id"]]}
                        person_id = store.person.create(fields)
                        made["person"] += 1
                        count += 1
                        if extras and rng.random() < 0.25:
                            _service(store, rng, current_household, person_id, made)
                except ValidationFailed:
                    # Made-up IDs can collide in a big village; that person is simply left out.
                    continue
                if count >= batch:
                    break
            else:
                done = True
        if progress is not None:
            progress(made["person"], persons)
    return made


def _extras(store: Store, rng: random.Random, household_id: str, year: int, made: dict[str, int]) -> None:
    for source in rng.sample(INCOME_SOURCES, rng.randrange(1, 3)):
        store.income.create(
            {
                "household_id": household_id,
                "year": year,
                "source": source,
                "amount_fen": rng.randrange(2_000, 60_000) * 100,
            }
        )
        made["income"] += 1


def _service(
    store: Store, rng: random.Random, household_id: str | None, person_id: str, made: dict[str, int]
) -> None:
    kind = rng.choice(SERVICE_TYPES)
    record: dict[str, Any] = {
        "household_id": household_id,
        "person_id": person_id,
        "type": kind,
        "date": (date.today() - timedelta(days=rng.randrange(1, 700))).isoformat(),
    }
    if kind == "subsidy":
        record["amount_fen"] = rng.randrange(100, 3000) * 100
        record["provider"] = "镇民政办"
    store.service.create(record)
    made["service"] += 1


def create_demo_store(path: Path, persons: int = 160, *, kdf: KdfParams | None = None) -> Store:
    store = Store.create(
        path, DEMO_USER, DEMO_PASSPHRASE, DEMO_VILLAGE, kdf=kdf or KdfParams.fast_for_tests()
    )
    populate(store, persons)
    store.state_set(COMPLETE, True)
    return store


def build_demo_store(
    path: Path,
    persons: int = 160,
    *,
    kdf: KdfParams | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Make the demo store at ``path`` whole, or not at all.

    It is made in a folder beside ``path`` and moved into place only when complete (the key ring
    last: a store exists only with both files), so a failure or a killed process never leaves a
    half-made village that later demos would open. Whatever a failed attempt left is removed.
    """
    building = path.with_name(path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    try:
        building.mkdir(parents=True)
        made = building / path.name
        store = Store.create(
            made, DEMO_USER, DEMO_PASSPHRASE, DEMO_VILLAGE, kdf=kdf or KdfParams.fast_for_tests()
        )
        try:
            populate(store, persons, progress=progress)
            store.state_set(COMPLETE, True)
        finally:
            store.close()
        ring = keyring_path(made)
        for part in sorted(building.iterdir(), key=lambda f: f == ring):
            os.replace(part, path.with_name(part.name))
    finally:
        shutil.rmtree(building, ignore_errors=True)


def demo_store_ready(path: Path) -> bool:
    """Whether ``path`` holds a complete demo store. One that is not (left by an older version that
    made the store in place and failed half-way) is removed, so the next start makes it afresh."""
    if not Store.exists(path):
        return False
    complete = False
    try:
        store = Store.unlock(path, DEMO_USER, DEMO_PASSPHRASE)
        try:
            complete = bool(store.state_get(COMPLETE))
        finally:
            store.close()
    except UnlockDelayed:
        return True  # somebody typed a wrong passphrase at it: nothing to say it is half-made
    except StoreError:
        complete = False
    if not complete:
        remove_store(path)
    return complete


def remove_store(path: Path) -> None:
    """Delete a (demo) store's files: the key ring first, so what is left is never taken for a store."""
    for part in (keyring_path(path), path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        part.unlink(missing_ok=True)


@dataclass
class DemoServer:
    url: str
    enrollment_code: str
    server: Any

    def stop(self) -> None:
        self.server.stop()


class ServerExtraMissing(RuntimeError):
    """The county server stack (the ``[server]`` extra) is not installed; the message says how."""


def start_demo_server(folder: Path) -> DemoServer:
    """A county server on loopback over SQLite in ``folder``, knowing the demo village.

    Raises:
        ServerExtraMissing: on a laptop install without the ``[server]`` extra.
    """
    from sync.extras import missing_server_modules, server_extra_message

    missing = missing_server_modules()
    if missing:
        raise ServerExtraMissing(server_extra_message("demo", missing))
    # The only place outside sync.server that imports it (tests/test_layering.py checks this).
    from sync.server import admin, embedded, enroll

    folder.mkdir(parents=True, exist_ok=True)
    server = embedded.start(folder / "county.sqlite3")
    if not admin.village_exists(server.store, DEMO_VILLAGE):
        admin.add_village(server.store, DEMO_VILLAGE, DEMO_VILLAGE_NAME)
    code = enroll.issue_code(server.store, DEMO_VILLAGE)
    return DemoServer(server.url, code, server)


def add_staff_scene(server: DemoServer, folder: Path) -> None:
    """Three more villages of the demo township synced to the demo county (with gaps in insurance),
    and a township user ``town`` (password ``town passphrase 1``): what the staff screenshots show."""
    from desktop.services.sync_service import SyncService
    from sync.server import admin, enroll

    county = server.server.store
    township = DEMO_VILLAGE[:9]
    for n, (name, persons, uninsured) in enumerate(
        (("南村", 90, 0), ("北村", 60, 15), ("中村", 40, 4)), start=2
    ):
        code = f"{township}{n:03d}"
        admin.add_village(county, code, name)
        store = Store.create(
            folder / f"{code}.vdd", "clerk", "a passphrase 1", code, kdf=KdfParams.fast_for_tests()
        )
        populate(store, persons, seed=n)
        for person in list(store.person.iter_all())[:uninsured]:
            store.person.update(person["id"], {"medical_insurance": "none"})
        service = SyncService(store)
        service.configure(server.url, None)
        service.enroll(enroll.issue_code(county, code), name)
        service.run_sync()
        store.close()
    admin.add_user(county, "town", "town passphrase 1", "township", township)
