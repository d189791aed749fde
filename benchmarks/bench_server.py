"""Server-side cost of a sync batch: decode + apply + encode of a push, and a pull page, per 1,000
person records, on SQLite and on PostgreSQL side by side (no HTTP, no laptop: the server's share).

    python -m benchmarks.bench_server [--persons 10000] [--batch 1000] [--pg postgresql://postgres@127.0.0.1:5432/test]

PostgreSQL runs in a fresh database made for the run and dropped after; it is skipped when the
server cannot be reached.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sync import ids, protocol, protocol_decode, sample_data
from sync.schema import load_forms
from sync.server import admin, pull, push
from sync.server.auth import Device
from sync.server.store import Store

VILLAGE = "110105001001"


def measure(store: Store, persons: int, batch: int) -> dict[str, float]:
    store.migrate()
    admin.add_village(store, VILLAGE, "东村")
    device = Device("bench", VILLAGE[:6], VILLAGE, "bench")
    rules = push.Rules.from_forms(load_forms())
    rows = list(sample_data.village(VILLAGE, persons))

    def push_all(entity: str) -> list[float]:
        changes = [protocol.Change(entity, i, VILLAGE, fields=f) for e, i, f in rows if e == entity]
        times = []
        for k in range(0, len(changes), batch):
            part = changes[k : k + batch]
            body = protocol.encode(protocol.PushRequest(ids.uuid7(), part, compact=True))  # as laptops send
            started = time.perf_counter()
            request = protocol_decode.decode_push_request(body)
            answer = push.apply_batch(
                store, rules, device, request, protocol.body_digest(body), today=date.today()
            )
            times.append((time.perf_counter() - started) * 1000 / len(part))
            assert all(r["status"] == "applied" for r in protocol.decode_dict(answer)["results"])
        return times

    push_all("household")
    push_times = push_all("person")
    pull_times, cursor = [], 0
    while True:
        started = time.perf_counter()
        page = pull.pull(store, device, cursor, batch)
        protocol.encode(page)
        if page["records"]:
            pull_times.append((time.perf_counter() - started) * 1000 / len(page["records"]))
        cursor = page["cursor"]
        if not page["more"]:
            break
    return {"push": statistics.median(push_times) * 1000, "pull": statistics.median(pull_times) * 1000}


def with_postgres(admin_url: str, run: Callable[[Store], dict[str, float]]) -> dict[str, float] | None:
    import psycopg

    name = f"vdd_bench_{uuid.uuid4().hex[:8]}"
    try:
        conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return None
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    host = admin_url.split("://", 1)[1].rsplit("/", 1)[0]
    store = Store(f"postgresql+psycopg://{host}/{name}")
    try:
        return run(store)
    finally:
        store.close()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)

    def run(store: Store) -> dict[str, float]:
        return measure(store, args.persons, args.batch)

    with tempfile.TemporaryDirectory() as tmp:
        lite = Store(Path(tmp) / "county.db")
        try:
            sqlite = run(lite)
        finally:
            lite.close()
    pg = with_postgres(args.pg, run)
    print(f"county server, {args.persons} person records in batches of {args.batch} (median, no HTTP)")
    print("             push: decode+apply+encode   pull: query+encode")
    for name, figures in (("SQLite", sqlite), ("PostgreSQL", pg)):
        if figures is None:
            print(f"{name:12s} (not reachable)")
            continue
        push_ms, pull_ms = figures["push"], figures["pull"]
        print(
            f"{name:12s} {push_ms:6.1f} ms per 1,000 ({1e6 / push_ms:7,.0f}/s)"
            f"   {pull_ms:6.1f} ms per 1,000 ({1e6 / pull_ms:7,.0f}/s)"
        )


if __name__ == "__main__":
    main()
