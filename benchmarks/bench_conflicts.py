"""Conflict benchmark: how much two laptops' offline edits merge by themselves, and how fast the
township's work list opens.

Real parts end to end: the county server in its own process (uvicorn; SQLite file, or PostgreSQL
with ``--pg``) on loopback over HTTP, encrypted laptop stores, the sync service, engine, client and
replica, and the staff desk's own client (``desktop.services.township.desk``).

1. Merge: ``--records`` persons (default 1,000) synced to two laptops; each laptop edits about 55 %
   of them offline, so about 10 % of the records are edited on both, and about 2 % have the same
   field changed on both to different values. Both sync. Reported: the share of edits applied
   automatically and of records edited on both that merged without a person, and the items sent to
   staff.
2. Work list: ``--items`` open items (default 5,000) made by real conflicting pushes. In the same
   run, side by side: opening the work list (first page of 200 with record titles, village and
   device names, and counts per village over all items), paging through every item, and listing
   the same number of plain rows from the same server (a device pull of as many records).

    python -m benchmarks.bench_conflicts [--records 1000] [--items 5000] [--pg postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.bench_sync import CountyProcess
from desktop.services.sync_service import SyncService
from desktop.services.township.desk import TownshipService
from desktop.storage import KdfParams, Store
from sync import protocol, sample_data
from sync.ids import uuid7
from sync.laptop import client
from sync.server import admin, enroll
from sync.server.store import Store as CountyStore

VILLAGE = "110105001001"
STAFF, PASSWORD = "township", "bench-pass-1"
FIELDS = ("occupation", "phone", "education", "health")
VALUES = {
    "occupation": ["务农", "外出务工", "个体经营", "教师", "司机", "木匠"],
    "education": ["primary", "junior", "senior", "vocational", "college"],
    "health": ["healthy", "chronic", "serious"],
}


def _value(rng: random.Random, field: str, *avoid: Any) -> Any:
    """A new value for ``field``, different from every value in ``avoid`` (an edit changes something)."""
    while True:
        if field == "phone":
            value: Any = f"139{rng.randrange(10**8):08d}"
        else:
            value = rng.choice(VALUES[field])
        if value not in avoid:
            return value


def laptop(root: Path, name: str, url: str, county: CountyStore) -> tuple[Store, SyncService]:
    store = Store.create(
        root / f"{name}.db", "bench", "benchmark pass", VILLAGE, kdf=KdfParams.fast_for_tests()
    )
    service = SyncService(store)
    service.configure(url, None)
    service.enroll(enroll.issue_code(county, VILLAGE), name)
    return store, service


def merge_share(root: Path, url: str, county: CountyStore, records: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    a, sa = laptop(root, "merge-a", url, county)
    b, sb = laptop(root, "merge-b", url, county)
    households: dict[str, str] = {}
    persons: list[str] = []
    with a.atomic():
        for entity, sample_id, fields in sample_data.village(VILLAGE, records, seed=seed):
            if entity == "household":
                households[sample_id] = a.household.create(fields)
            else:
                persons.append(a.person.create(dict(fields, household_id=households[fields["household_id"]])))
    sa.run_sync()
    sb.run_sync()
    ids = persons[:]
    rng.shuffle(ids)
    n = len(ids)
    both = ids[: n // 10]  # ~10 % edited on both laptops
    same_field = set(both[: n // 50])  # ~2 % with the same field changed on both
    only_a = ids[n // 10 : n // 10 + int(n * 0.45)]
    only_b = ids[n // 10 + int(n * 0.45) :]
    edits = 0
    with a.atomic(), b.atomic():
        for pid in only_a:
            field = rng.choice(FIELDS)
            a.person.update(pid, {field: _value(rng, field, a.person.get(pid)[field])})
            edits += 1
        for pid in only_b:
            field = rng.choice(FIELDS)
            b.person.update(pid, {field: _value(rng, field, b.person.get(pid)[field])})
            edits += 1
        for pid in both:
            fa, fb = rng.sample(FIELDS, 2)
            if pid in same_field:
                fb = fa
            va = _value(rng, fa, a.person.get(pid)[fa])
            vb = _value(rng, fb, va, b.person.get(pid)[fb])
            a.person.update(pid, {fa: va})
            b.person.update(pid, {fb: vb})
            edits += 2
    ra = sa.run_sync()
    rb = sb.run_sync()
    sa.run_sync()
    conflicted = sum(len(n.fields) for n in (*ra.conflicts, *rb.conflicts))
    with TownshipService(url, None) as desk:
        desk.sign_in(STAFF, PASSWORD)
        items = desk.items().total
    a.close()
    b.close()
    return {
        "records": n,
        "edits": edits,
        "both": len(both),
        "same_field": len(same_field),
        "edits_in_conflict": conflicted,
        "items": items,
        "auto_share": 1 - conflicted / edits,
        "overlap_auto_share": 1 - conflicted / len(both),
    }


def seed_items(url: str, county: CountyStore, count: int) -> tuple[client.HttpRemote, int]:
    """``count`` open items made by two devices pushing the same field from the same base."""
    remotes = []
    for name in ("items-a", "items-b"):
        e = client.enroll(url, None, enroll.issue_code(county, VILLAGE), name)
        remotes.append(client.HttpRemote(url, None, e.device_id, e.private_key))
    a, b = remotes
    ids = [uuid7() for _ in range(count)]
    for i in range(0, count, 1000):
        part = ids[i : i + 1000]
        creates = [
            protocol.Change(
                "household",
                hid,
                VILLAGE,
                fields={
                    "household_no": f"Q{i + k:06d}",
                    "head_name": "张三",
                    "address": "二组",
                    "category": "ordinary",
                    "status": "active",
                },
                user="bench",
            )
            for k, hid in enumerate(part)
        ]
        answer = a.push(protocol.encode(protocol.PushRequest(str(uuid.uuid4()), creates)))
        versions = {r.id: r.versions["address"] for r in answer.results}
        for remote, address in ((a, "三组"), (b, "四组")):
            edits = [
                protocol.Change(
                    "household",
                    hid,
                    VILLAGE,
                    fields={"address": address},
                    base={"address": versions[hid]},
                    base_values={"address": "二组"},
                    user=remote.http.device_id or "",
                )
                for hid in part
            ]
            remote.push(protocol.encode(protocol.PushRequest(str(uuid.uuid4()), edits)))
    b.close()
    return a, count


def timed(fn: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def work_list(url: str, county: CountyStore, count: int) -> dict[str, float]:
    device, total = seed_items(url, county, count)
    with TownshipService(url, None) as desk:
        desk.sign_in(STAFF, PASSWORD)
        first = desk.items(limit=200)
        assert first.total >= total and len(first.items) == 200 and first.items[0].record_title

        def every_item() -> None:
            seen = 0
            while seen < total:
                page = desk.items(offset=seen, limit=500)
                seen += len(page.items)
                if not page.items:
                    break

        def plain_rows() -> None:
            page = device.pull(0, total)
            assert len(page.records) >= min(total, 5000)

        results = {
            "open": timed(lambda: desk.items(limit=200)),
            "all_items": timed(every_item, 3),
            "plain": timed(plain_rows),
        }
    device.close()
    return results


def run(database: str, root: Path, records: int, items: int) -> None:
    county = CountyStore(database)
    county.migrate()
    admin.add_village(county, VILLAGE, "东村")
    admin.add_user(county, STAFF, PASSWORD, "township", VILLAGE[:9])
    server = CountyProcess(database)  # type: ignore[arg-type]
    try:
        merge = merge_share(root, server.url, county, records)
        with county.write() as conn:  # the work list measured holds only the seeded items
            conn.exec_driver_sql("UPDATE review_items SET status = 'decided' WHERE status = 'open'")
        listing = work_list(server.url, county, items)
    finally:
        server.stop()
        county.close()
    backend = "PostgreSQL" if database.startswith("postgresql") else "SQLite"
    print(f"conflict benchmark, {backend} county server in its own process, HTTP on loopback")
    print(
        f"merge: {merge['records']} records, {merge['edits']} edits on two laptops; "
        f"{merge['both']} records edited on both ({merge['same_field']} on the same field)"
    )
    print(
        f"       {merge['auto_share']:.1%} of edits applied automatically; "
        f"{merge['edits_in_conflict']} in conflict -> {merge['items']} items for a person; "
        f"of records edited on both, {merge['overlap_auto_share']:.0%} merged automatically"
    )
    print(
        f"work list of {items} open items: open (first 200, titles, counts) {listing['open'] * 1000:.0f} ms; "
        f"every item (pages of 500) {listing['all_items'] * 1000:.0f} ms"
    )
    print(
        f"       {items} plain rows (device pull) {listing['plain'] * 1000:.0f} ms; "
        f"ratio open/plain {listing['open'] / listing['plain']:.2f}, "
        f"every item/plain {listing['all_items'] / listing['plain']:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--pg", help="PostgreSQL URL of an empty database (default: SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        run(args.pg or str(Path(tmp) / "county.db"), Path(tmp), args.records, args.items)


if __name__ == "__main__":
    main()
