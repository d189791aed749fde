"""Township desk benchmark: keystrokes and machine seconds to get through a day's items.

Real parts: the county server on loopback (embedded uvicorn, SQLite file), two encrypted laptops
that edited the same fields offline and synced, and the staff desk's own service
(``desktop.services.township.desk``, ``desktop.services.township.bulk``) making exactly the calls
the screens make.

1. Decide ``--bulk`` items of one kind (household phone, default 200) with one choice and one note:
   in bulk (Ctrl+A, Ctrl+B, ↓, Tab, the note, Ctrl+Enter: each item still decided on its own, then
   the list fetched once) against one by one (per item: Enter, the column's digit, Tab, the note,
   Ctrl+Enter; the screen fetches the record's history when the item opens and the list again
   after each decision).
2. Find one person's items among ``--items`` open items (default 2,000): Ctrl+F, the name, Enter
   (one search on the server) against walking the list oldest-first with ↓ until the person's last
   item has been seen (every page fetched).

Keystrokes are those of the keyboard paths the screens' hints name (a Chinese note counts one key
per character, as an input method commits it); machine seconds are wall time of the desk's calls.

    python -m benchmarks.bench_desk [--items 2000] [--bulk 200] [--note 村里统一核实]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from desktop.services.township.bulk import decide_many
from desktop.services.township.desk import TownshipService
from tests.sync_world import STAFF_PASSWORD, STAFF_USER, Laptop, fill, start_county

FIELDS = ("occupation", "education", "phone")
EDUCATION = ("primary", "junior", "senior", "college")


def build(tmp: Path, items: int, bulk: int) -> tuple[object, list[Laptop]]:
    """``bulk`` household-phone items and about ``items - bulk`` person items (three fields each)."""
    county = start_county(tmp / "county.sqlite3")
    # About one edit in ten repeats the value a record already has (no item): ask for a few more.
    people_n = (items - bulk) * 112 // 100 // len(FIELDS)
    persons = max(bulk * 4, people_n)
    a = Laptop(tmp / "a.vdd", county, "电脑甲")
    fill(a.store, persons, seed=11)
    a.sync()
    b = Laptop(tmp / "b.vdd", county, "电脑乙")
    b.sync()
    households = [r["id"] for r in a.store.household.iter_all()][:bulk]
    people = [r["id"] for r in a.store.person.iter_all()][:people_n]
    for side, laptop in enumerate((a, b)):
        with laptop.store.atomic():
            for n, household in enumerate(households):
                laptop.store.household.update(household, {"phone": f"13{7 + 2 * side}{n:08d}"})
            for n, person in enumerate(people):
                laptop.store.person.update(
                    person,
                    {
                        "occupation": f"职业{side}{n}",
                        "education": EDUCATION[(n + side) % len(EDUCATION)],
                        "phone": f"15{side}{n:08d}",
                    },
                )
        laptop.sync()
    return county, [a, b]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--bulk", type=int, default=200)
    parser.add_argument("--note", default="村里统一核实")
    args = parser.parse_args()
    note_keys = len(args.note)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        county, laptops = build(Path(tmp), args.items, args.bulk)
        desk = TownshipService(county.url, None, language="zh_CN")  # type: ignore[attr-defined]
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        total = desk.items(limit=1).total
        print(f"world: {total} open items, built in {time.perf_counter() - started:.1f} s")
        try:
            # -- 2. find one person's items (before deciding anything) ------------------------------
            person = desk.items(entity="person", sort="age", limit=1).items[0]
            name = laptops[0].store.person.get(person.record_id)["name"]
            t0 = time.perf_counter()
            found = desk.items(query=name, limit=200)
            search_s = time.perf_counter() - t0
            mine = {i.id for i in found.items if i.record_id == person.record_id}
            t0 = time.perf_counter()
            seen, offset, last = 0, 0, -1
            while offset < total:
                page = desk.items(sort="age", offset=offset, limit=200)
                for n, item in enumerate(page.items, start=offset):
                    if item.record_id == person.record_id:
                        last = n
                offset += len(page.items) or total
                seen += len(page.items)
            walk_s = time.perf_counter() - t0
            print(f"\nfind one person's {len(mine)} items among {total}:")
            print(f"  search  Ctrl+F, name, Enter   keys {2 + len(name):6d}   machine {search_s:7.3f} s")
            print(
                f"  walk    ↓ to the last one       keys {last + 1:6d}   machine {walk_s:7.3f} s"
                f"  (every page of {seen} items fetched)"
            )

            # -- 1. decide ``bulk`` household items ----------------------------------------------
            group = desk.items(entity="household", limit=args.bulk).items
            half = len(group) // 2
            one_by_one, bulk = group[:half], group[half:]
            t0 = time.perf_counter()
            for item in one_by_one:
                desk.history(item.record_id)  # the item opens with its record's history
                desk.decide(item, "village", conflict_id=item.village_values[-1].conflict_id, note=args.note)
                desk.items(entity="household", limit=200)  # the list after each decision
            single_s = (time.perf_counter() - t0) / max(1, len(one_by_one)) * args.bulk
            t0 = time.perf_counter()
            outcome = decide_many(desk, bulk, "village_newest", note=args.note)
            desk.items(entity="household", limit=200)
            bulk_s = (time.perf_counter() - t0) / max(1, len(bulk)) * args.bulk
            assert len(outcome.decided) == len(bulk), outcome.refused
            single_keys = args.bulk * (4 + note_keys)
            bulk_keys = 5 + note_keys
            print(f"\ndecide {args.bulk} household-phone items, one choice and one note ({note_keys} chars):")
            print(
                f"  one by one  keys {single_keys:6d}   machine {single_s:7.2f} s"
                f"  (measured on {len(one_by_one)}, scaled)"
            )
            print(
                f"  bulk        keys {bulk_keys:6d}   machine {bulk_s:7.2f} s"
                f"  (measured on {len(bulk)}, scaled; +2 pointer actions for the form filter)"
            )
            print(f"  ratio       keys {single_keys / bulk_keys:6.1f}x  machine {single_s / bulk_s:7.1f}x")
        finally:
            desk.close()
            for laptop in laptops:
                laptop.close()
            county.stop()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
