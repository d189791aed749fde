"""Record history's cost: push and pull throughput of the county server with the change log against
without it, side by side in one run (same records, same process; "without" switches the log's writer
off), and the log's size per 10,000 persons of a year's typical edits.

    python -m benchmarks.bench_history [--persons 2000] [--batch 1000] [--pg postgresql://postgres@127.0.0.1:5432/test]

Wall time on a shared machine swings more than the difference measured; the CPU time of this
process is steadier (with SQLite it includes the database work). Goal: push with the log at least
0.9x of push without it. A year's edits are assumed to be each person
created once (every field), then two one-field edits (phone, occupation) and one income record per
household with one later correction.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from benchmarks.bench_server import with_postgres
from sync import ids, protocol, protocol_decode, sample_data
from sync.schema import load_forms
from sync.server import admin, changelog, pull, push
from sync.server.auth import Device
from sync.server.store import Store
from sync.server.tables import change_log

VILLAGE = "110105001001"


def measure(store: Store, persons: int, batch: int) -> dict[str, float]:
    """Push then pull ``persons`` person records: ms per 1,000, as wall time and as this process's
    CPU time (steadier on a shared machine; with SQLite all the database work is in-process)."""
    store.migrate()
    admin.add_village(store, VILLAGE, "东村")
    device = Device("bench", VILLAGE[:6], VILLAGE, "bench")
    rules = push.Rules.from_forms(load_forms())
    rows = list(sample_data.village(VILLAGE, persons))
    totals = {"push": 0.0, "push_cpu": 0.0, "pull": 0.0, "pull_cpu": 0.0}

    def push_all(entity: str, measured: bool) -> None:
        changes = [protocol.Change(entity, i, VILLAGE, fields=f) for e, i, f in rows if e == entity]
        for k in range(0, len(changes), batch):
            body = protocol.encode(protocol.PushRequest(ids.uuid7(), changes[k : k + batch], compact=True))
            wall, cpu = time.perf_counter(), time.process_time()
            request = protocol_decode.decode_push_request(body)
            push.apply_batch(store, rules, device, request, protocol.body_digest(body), today=date.today())
            if measured:
                totals["push"] += time.perf_counter() - wall
                totals["push_cpu"] += time.process_time() - cpu

    push_all("household", False)
    push_all("person", True)
    cursor, pulled = 0, 0
    while True:
        wall, cpu = time.perf_counter(), time.process_time()
        page = pull.pull(store, device, cursor, batch)
        protocol.encode(page)
        totals["pull"] += time.perf_counter() - wall
        totals["pull_cpu"] += time.process_time() - cpu
        pulled += len(page["records"])
        cursor = page["cursor"]
        if not page["more"]:
            break
    count = sum(1 for e, _, _ in rows if e == "person")
    return {k: v * 1e6 / (count if k.startswith("push") else max(pulled, 1)) for k, v in totals.items()}


@contextmanager
def log_off() -> Iterator[None]:
    """The server as it was before the log: no rows made, no insert, no restore lookup."""
    saved = changelog.Log.add, changelog.Log.write, changelog.restored_at
    changelog.Log.add = lambda *a, **k: None  # type: ignore[method-assign]
    changelog.Log.write = lambda *a, **k: None  # type: ignore[method-assign]
    changelog.restored_at = lambda *a, **k: 0  # type: ignore[assignment]
    try:
        yield
    finally:
        changelog.Log.add, changelog.Log.write, changelog.restored_at = saved  # type: ignore[method-assign]


def year_of_edits(store: Store, persons: int) -> dict[str, float]:
    """Apply a year's typical edits; the log's rows and bytes per 10,000 persons."""
    store.migrate()
    admin.add_village(store, VILLAGE, "东村")
    device = Device("bench", VILLAGE[:6], VILLAGE, "bench")
    rules = push.Rules.from_forms(load_forms())
    rows = list(sample_data.village(VILLAGE, persons))
    seq = 0

    def send(changes: list[protocol.Change]) -> dict[str, Any]:
        body = protocol.encode(protocol.PushRequest(ids.uuid7(), changes))
        request = protocol_decode.decode_push_request(body)
        answer = push.apply_batch(
            store, rules, device, request, protocol.body_digest(body), today=date.today()
        )
        return protocol.decode_dict(answer)

    versions: dict[str, int] = {}
    for entity in ("household", "person", "income", "service"):
        changes = [protocol.Change(e, i, VILLAGE, fields=f, user="村会计") for e, i, f in rows if e == entity]
        for k in range(0, len(changes), 1000):
            for r in send(changes[k : k + 1000])["results"]:
                versions[r["id"]] = r["seq"]
    people = [i for e, i, _ in rows if e == "person"]
    incomes = [i for e, i, _ in rows if e == "income"]
    for field, value in (("phone", "13800000000"), ("occupation", "务工")):
        changes = [
            protocol.Change(
                "person", i, VILLAGE, fields={field: value}, base={field: versions[i]}, user="村会计"
            )
            for i in people
        ]
        for k in range(0, len(changes), 1000):
            for r in send(changes[k : k + 1000])["results"]:
                versions[r["id"]] = r["seq"]
    fix = [
        protocol.Change(
            "income", i, VILLAGE, fields={"amount_fen": 123_400}, base={"amount_fen": versions[i]}
        )
        for i in incomes
    ]
    for k in range(0, len(fix), 1000):
        send(fix[k : k + 1000])
    with store.read() as conn:
        count = conn.execute(select(func.count()).select_from(change_log)).scalar() or 0
        raw = conn.execute(
            select(func.sum(func.length(change_log.c.changes) + func.length(change_log.c.author) + 80))
        ).scalar()
        disk = None
        if conn.dialect.name == "postgresql":
            disk = conn.execute(text("SELECT pg_total_relation_size('change_log')")).scalar()
    scale = 10_000 / persons
    seq = int(count)
    return {
        "rows": seq * scale,
        "raw_mb": float(raw or 0) * scale / 1e6,
        "disk_mb": float(disk) * scale / 1e6 if disk else float("nan"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)

    def sqlite(run: Any) -> Any:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "county.db")
            try:
                return run(store)
            finally:
                store.close()

    def timed(store: Store) -> dict[str, float]:
        return measure(store, args.persons, args.batch)

    def timed_off(store: Store) -> dict[str, float]:
        with log_off():
            return measure(store, args.persons, args.batch)

    results: dict[str, dict[str, Any]] = {}
    for name, backend in (("SQLite", sqlite), ("PostgreSQL", lambda run: with_postgres(args.pg, run))):
        # Alternated, four times each, the best kept: the machine is shared.
        runs_off, runs_on = [], []
        for k in range(4):  # off-on, on-off, ...: neither side always runs on a warmer machine
            for side in ("off", "on") if k % 2 == 0 else ("on", "off"):
                if side == "off":
                    runs_off.append(backend(timed_off))
                else:
                    runs_on.append(backend(timed))
        if runs_on[0] is None:
            results[name] = {}
            continue
        keys = ("push", "push_cpu", "pull", "pull_cpu")
        best = {k: min(r[k] for r in runs_on) for k in keys}
        base = {k: min(r[k] for r in runs_off) for k in keys}
        results[name] = {"on": best, "off": base, "size": backend(lambda s: year_of_edits(s, args.persons))}

    print(f"record history: {args.persons} persons in batches of {args.batch} (ms per 1,000, no HTTP)")
    print("                      push without  push with  ratio    pull without  pull with  ratio")
    for name, r in results.items():
        if not r:
            print(f"{name:12s} (not reachable)")
            continue
        off, on = r["off"], r["on"]
        for label, suffix in (("wall", ""), ("CPU", "_cpu")):
            push_off, push_on = off["push" + suffix], on["push" + suffix]
            pull_off, pull_on = off["pull" + suffix], on["pull" + suffix]
            print(
                f"{name:12s} {label:5s} {push_off:9.1f} ms {push_on:8.1f} ms  {push_off / push_on:4.2f}x"
                f"   {pull_off:9.1f} ms {pull_on:8.1f} ms  {pull_off / pull_on:4.2f}x"
            )
    print("(CPU: this process only; with PostgreSQL the database's own work is not in it)")
    print("log size per 10,000 persons, a year's typical edits:")
    for name, r in results.items():
        if r:
            size = r["size"]
            disk = "" if size["disk_mb"] != size["disk_mb"] else f"   {size['disk_mb']:6.1f} MB on disk"
            print(f"{name:12s} {size['rows']:9,.0f} rows   {size['raw_mb']:6.1f} MB of row data{disk}")


if __name__ == "__main__":
    main()
