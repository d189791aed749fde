"""Store benchmark: persons saved through the repository path, SQLCipher vs plain SQLite.

Both runs use the same code (validation, outbox capture, one transaction per save as the app
does it); only the connection differs. Prints rows/s for each and the ratio (goal <= 1.3).

    python -m benchmarks.bench_store [--persons 10000] [--batch 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from desktop.storage import KdfParams, Store
from desktop.storage.database import Database, open_plain
from desktop.storage.keyring import KeyRing
from desktop.storage.migrations import migrate
from sync.resident_id import make_resident_id
from sync.schema import load_forms

VILLAGE = "110101001001"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"


def people(n: int, household_ids: list[str], first: int = 0) -> list[dict]:
    """``n`` realistic persons with valid, distinct resident IDs, four to a household."""
    out = []
    for k in range(n):
        i = first + k
        birth = date(1940, 1, 1) + timedelta(days=(i * 7919) % 28000)
        rid = make_resident_id("110101", birth, 10 + (i // 3600) % 980)
        out.append(
            {
                "household_id": household_ids[k // 4],
                "name": SURNAMES[i % 20] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)],
                "resident_id": rid,
                "relation": "head" if i % 4 == 0 else "child",
                "sex": "male" if int(rid[16]) % 2 else "female",
                "birth_date": birth.isoformat(),
                "ethnicity": "01",
                "education": "junior",
                "medical_insurance": "resident",
                "pension_insurance": "resident",
                "phone": f"13{i:09d}",
                "status": "present",
            }
        )
    return out


def plain_store(path: Path) -> Store:
    """A Store over an unencrypted file: the baseline, same repositories and migrations."""
    db = Database(open_plain(path))
    migrate(db)
    ring = KeyRing(store_id=b"0" * 16, village_code=VILLAGE)
    return Store(path, ring, b"\0" * 32, db, "bench", load_forms())


def run(store: Store, persons: int, batch: int, first: int) -> float:
    with store.atomic():
        hids = [
            store.household.create(
                {
                    "household_no": f"{first + i:06d}",
                    "head_name": "户主",
                    "address": "一组",
                    "category": "ordinary",
                    "status": "active",
                }
            )
            for i in range(persons // 4 + 1)
        ]
    rows = people(persons, hids, first)
    started = time.perf_counter()
    for start in range(0, persons, batch):
        with store.atomic():
            for record in rows[start : start + batch]:
                store.person.create(record)
    elapsed = time.perf_counter() - started
    assert store.person.count() >= persons
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1, help="saves per transaction (the app uses 1)")
    parser.add_argument("--rounds", type=int, default=20, help="alternating rounds per side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = plain_store(Path(tmp) / "plain.db")
        enc = Store.create(
            Path(tmp) / "enc.db", "bench", "bench passphrase", VILLAGE, kdf=KdfParams.fast_for_tests()
        )
        # Alternate small rounds so that machine noise hits both sides alike.
        t_plain = t_enc = 0.0
        step = max(args.persons // args.rounds, 1)
        for first in range(0, args.persons, step):
            n = min(step, args.persons - first)
            t_plain += run(plain, n, args.batch, first)
            t_enc += run(enc, n, args.batch, first)
        plain.close()
        enc.close()
    print(f"persons saved: {args.persons}, {args.batch} per transaction, synchronous=FULL, WAL")
    print(f"plain SQLite : {args.persons / t_plain:8.0f} rows/s")
    print(f"SQLCipher    : {args.persons / t_enc:8.0f} rows/s")
    print(f"ratio encrypted/plain time: {t_enc / t_plain:.2f}  (goal <= 1.30)")


if __name__ == "__main__":
    main()
