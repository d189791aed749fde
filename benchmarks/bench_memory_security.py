"""SQLCipher's ``cipher_memory_security``: what wiping freed memory costs at unlock, save and read.

Once on, it stays on for the whole process, so each side runs in its own child process; the two
sides alternate, round after round, so machine noise hits both alike. Same store code, same data.

    python -m benchmarks.bench_memory_security [--persons 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_store import VILLAGE, people
from desktop.storage import KdfParams, Store
from desktop.storage import database as database_module

PASS = "bench passphrase"


def child(memory_security: bool, persons: int, unlocks: int) -> dict[str, float]:
    database_module.MEMORY_SECURITY = memory_security
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        # The cheapest Argon2id, so the unlock figure is SQLCipher's share, not the passphrase's.
        kdf = KdfParams(iterations=1, memory_kib=32, lanes=1)
        with Store.create(path, "bench", PASS, VILLAGE, kdf=kdf) as s:
            with s.atomic():
                hids = [
                    s.household.create(
                        {
                            "household_no": f"{i:06d}",
                            "head_name": "户主",
                            "address": "一组",
                            "category": "ordinary",
                            "status": "active",
                        }
                    )
                    for i in range(persons // 2 + 1)
                ]
            rows = people(2 * persons, hids)
            started = time.perf_counter()
            for record in rows[:persons]:  # one transaction per save, as the app does it
                s.person.create(record)
            save = time.perf_counter() - started
            started = time.perf_counter()
            for start in range(persons, 2 * persons, 100):  # an import's pace: the fsync shared
                with s.atomic():
                    for record in rows[start : start + 100]:
                        s.person.create(record)
            batch = time.perf_counter() - started
        unlock = []
        for _ in range(unlocks):
            started = time.perf_counter()
            with Store.unlock(path, "bench", PASS) as s:
                s.person.count()
                unlock.append(time.perf_counter() - started)
        with Store.unlock(path, "bench", PASS) as s:
            started = time.perf_counter()
            n = sum(1 for _ in s.person.iter_all())  # both halves: 2 x persons
            read = time.perf_counter() - started
            on = s.db.query("PRAGMA cipher_memory_security")[0][0]
        assert n == 2 * persons and str(on) == ("1" if memory_security else "0")
    return {"save": save, "batch": batch, "unlock": statistics.median(unlock), "read": read / 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unlocks", type=int, default=5)
    parser.add_argument("--child", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child == "on", args.persons, args.unlocks)))
        return
    results: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    for _ in range(args.rounds):
        for side in ("off", "on"):
            out = subprocess.run(
                [
                    sys.executable,
                    *("-m", "benchmarks.bench_memory_security", "--child", side),
                    *("--persons", str(args.persons), "--unlocks", str(args.unlocks)),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[side].append(json.loads(out))

    def med(side: str, what: str) -> float:
        return statistics.median(r[what] for r in results[side])

    print(f"persons: {args.persons}, rounds: {args.rounds} per side, alternating child processes")
    print(f"{'':30}{'off':>10}{'on':>10}{'on/off':>8}")
    for what, label in (
        ("unlock", "unlock + first read (ms)"),
        ("save", "saves, 1 per commit (rows/s)"),
        ("batch", "saves, 100 per commit (rows/s)"),
        ("read", "read every person (rows/s)"),
    ):
        off, on = med("off", what), med("on", what)
        shown = (off * 1000, on * 1000) if what == "unlock" else (args.persons / off, args.persons / on)
        print(f"{label:30}{shown[0]:>10.1f}{shown[1]:>10.1f}{on / off:>8.2f}")
    state = "on" if database_module.MEMORY_SECURITY else "off"
    print(f"on/off is a time ratio: 1.00 = free; the app runs with it {state} (desktop.storage.database).")


if __name__ == "__main__":
    main()
