"""A made-up township review scene for screenshots and demos: a county server on loopback, three
laptops of the demo village that edited the same people offline, and a neighbouring village that
registered the same resident twice. Everything is real (server, encrypted stores, sync); the data
is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.services import demo
from desktop.services.sync_service import SyncService
from desktop.storage import KdfParams, Store

NEIGHBOUR_VILLAGE = "530102001002"
NEIGHBOUR_NAME = "清水村"
STAFF_USER = "xiangzhen"
STAFF_PASSWORD = "demo-township-2025"  # noqa: S105 - the demo's published password


@dataclass
class ReviewDemo:
    url: str
    server: Any
    laptops: list[tuple[Store, SyncService]] = field(default_factory=list)

    def sync_all(self) -> None:
        for _store, service in self.laptops:
            service.run_sync()

    def close(self) -> None:
        for store, _service in self.laptops:
            store.close()
        self.server.stop()


def _laptop(folder: Path, url: str, server: Any, village: str, name: str) -> tuple[Store, SyncService]:
    from sync.server import enroll

    store = Store.create(
        folder / f"{name}.vdd", demo.DEMO_USER, demo.DEMO_PASSPHRASE, village, kdf=KdfParams.fast_for_tests()
    )
    service = SyncService(store)
    service.configure(url, None)
    service.enroll(enroll.issue_code(server.store, village), name)
    return store, service


def _present(store: Store, count: int) -> list[dict[str, Any]]:
    out = [r for r in store.person.iter_all() if r["status"] == "present"]
    return out[:count]


def make_review_demo(folder: Path) -> ReviewDemo:
    """Start the server and play the offline edits; returns with every laptop synced once."""
    from sync.server import admin

    started = demo.start_demo_server(folder / "county")
    server = started.server
    if not admin.village_exists(server.store, NEIGHBOUR_VILLAGE):
        admin.add_village(server.store, NEIGHBOUR_VILLAGE, NEIGHBOUR_NAME)
    admin.add_user(server.store, STAFF_USER, STAFF_PASSWORD, "township", demo.DEMO_VILLAGE[:9])
    scene = ReviewDemo(started.url, server)
    a = _laptop(folder, started.url, server, demo.DEMO_VILLAGE, "村委会电脑")
    demo.populate(a[0], 30, extras=False)
    a[1].run_sync()
    b = _laptop(folder, started.url, server, demo.DEMO_VILLAGE, "文书笔记本")
    c = _laptop(folder, started.url, server, demo.DEMO_VILLAGE, "驻村干部电脑")
    b[1].run_sync()
    c[1].run_sync()
    scene.laptops = [a, b, c]
    (sa, _), (sb, _), (sc, _) = a, b, c
    people = _present(sa, 6)
    p0, p1, p2, p3 = (p["id"] for p in people[:4])
    household = people[0]["household_id"]
    sa.person.update(p0, {"occupation": "外出务工"})
    sb.person.update(p0, {"occupation": "务农"})
    sc.person.update(p0, {"occupation": "个体经营"})
    sa.person.update(p1, {"education": "college"})
    sb.person.update(p1, {"education": "senior"})
    sb.person.update(p2, {"phone": "13812345678"})
    sc.person.update(p2, {"phone": "13987654321"})
    sa.person.delete(p3)
    sb.person.update(p3, {"occupation": "养殖", "health": "chronic"})
    sa.household.update(household, {"category": "low_income"})
    sc.household.update(household, {"category": "monitored"})
    scene.sync_all()

    # The neighbouring village registers two of the demo village's residents again.
    n = _laptop(folder, started.url, server, NEIGHBOUR_VILLAGE, "清水村电脑")
    scene.laptops.append(n)
    sn = n[0]
    with sn.atomic():
        home = sn.household.create(
            {
                "household_no": "0201",
                "head_name": "周建国",
                "address": "清水村二组",
                "category": "ordinary",
                "status": "active",
            }
        )
        for person in people[4:6]:
            fields = {
                k: v
                for k, v in person.items()
                if k not in ("id", "village_code", "deleted", "seq", "household_id")
            }
            sn.person.create({**fields, "relation": "other", "household_id": home})
    n[1].run_sync()
    return scene
