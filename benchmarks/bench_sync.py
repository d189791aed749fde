"""Sync benchmark: realistic person records pushed by one laptop and pulled by a second one.

Real parts end to end: the county server (uvicorn, SQLite backend, its own process) on loopback
over HTTP, two
encrypted laptop stores, the sync service, engine, client and replica. Households are synced first
(not measured), so the measured runs carry person records only. Bytes are the HTTP bodies on the
wire (request + response, compressed), divided by the number of person records.

    python -m benchmarks.bench_sync [--persons 10000]

Goals: >= 10,000 records/s each way; <= 80 bytes per record pushed, <= 60 pulled.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.services.sync_service import RemoteConfig, SyncService, http_remote
from desktop.storage import KdfParams, Store
from sync import ids, protocol, sample_data
from sync.server import admin, enroll
from sync.server.store import Store as CountyStore

VILLAGE = "110105001001"


@dataclass
class Meter:
    push_bytes: int = 0
    push_seconds: float = 0.0
    pull_bytes: int = 0
    pull_seconds: float = 0.0
    pulled_records: int = 0
    push_batches: int = 0
    pull_pages: int = 0


class MeteredRemote:
    """The real HTTP Remote, with wire bytes and wall time counted per direction."""

    def __init__(self, inner: Any, meter: Meter) -> None:
        self.inner, self.meter = inner, meter

    def push(self, body: bytes) -> protocol.PushResponse:
        before, started = self.inner.stats.sent + self.inner.stats.received, time.perf_counter()
        answer = self.inner.push(body)
        self.meter.push_batches += 1
        self.meter.push_seconds += time.perf_counter() - started
        self.meter.push_bytes += self.inner.stats.sent + self.inner.stats.received - before
        return answer

    def pull(self, cursor: int, limit: int, **kw: Any) -> protocol.PullResponse:
        before, started = self.inner.stats.sent + self.inner.stats.received, time.perf_counter()
        page = self.inner.pull(cursor, limit, **kw)
        self.meter.pull_seconds += time.perf_counter() - started
        self.meter.pull_bytes += self.inner.stats.sent + self.inner.stats.received - before
        self.meter.pulled_records += len(page.records)
        self.meter.pull_pages += 1
        return page

    def status(self) -> dict[str, Any]:
        return dict(self.inner.status())

    def close(self) -> None:
        self.inner.close()


class Laptop:
    def __init__(self, path: Path, url: str, code: str) -> None:
        self.meter = Meter()
        self.store = Store.create(path, "bench", "benchmark pass", VILLAGE, kdf=KdfParams.fast_for_tests())
        self.service = SyncService(self.store, self._remote)
        self.service.configure(url, None)
        self.service.enroll(code, path.stem)

    def _remote(self, config: RemoteConfig) -> MeteredRemote:
        return MeteredRemote(http_remote(config), self.meter)

    def timed_sync(self) -> dict[str, float]:
        """Run a sync; return wall seconds of the push phase and of the pull phase."""
        marks: dict[str, float] = {"start": time.perf_counter()}

        def progress(phase: str, done: int, total: int) -> None:
            marks.setdefault(phase, time.perf_counter())

        self.service.run_sync(progress=progress)
        end = time.perf_counter()
        pull_start = marks.get("pull", end)
        return {"push": pull_start - marks["start"], "pull": end - pull_start}


class CountyProcess:
    """The county server in a process of its own (as on its own machine: no shared interpreter)."""

    def __init__(self, database: Path) -> None:
        code = (
            "import sys; from sync.server import app, embedded; "
            "s = embedded.start(sys.argv[1], migrate=False); app.freeze_startup_heap(); "  # as `serve`
            "print(s.url, flush=True); sys.stdin.read()"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError("the county server did not start")

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def codec_only(persons: int) -> tuple[float, float]:
    """Bytes per person record for records entered over a year (ids and clocks far apart): the
    codec's worse case, independent of how fast the benchmark itself made its records."""
    rng = random.Random(7)
    people = [(i, f) for e, i, f in sample_data.village(VILLAGE, persons) if e == "person"]
    start = 1_735_000_000_000
    times = sorted(start + rng.randrange(365 * 86_400_000) for _ in people)
    hh: dict[str, str] = {}
    changes, states = [], []
    for k, ((_, fields), t) in enumerate(zip(people, times, strict=True)):
        fields = dict(fields, household_id=hh.setdefault(fields["household_id"], ids.uuid7(t - 9)))
        rid = ids.uuid7(t)
        changes.append(protocol.Change("person", rid, VILLAGE, fields=fields, hlc=t << 16, user="bench"))
        present = {f: v for f, v in fields.items() if v is not None}
        states.append(
            protocol.RecordState("person", rid, VILLAGE, k + 1, present, dict.fromkeys(present, k + 1))
        )
    push = sum(
        len(protocol.encode(protocol.PushRequest(ids.uuid7(), changes[i : i + 1000])))
        for i in range(0, len(changes), 1000)
    )
    pull = sum(
        len(protocol.encode(protocol.PullResponse(states[i : i + 1000], i + 1000, True)))
        for i in range(0, len(states), 1000)
    )
    return push / len(changes), pull / len(states)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        county = CountyStore(root / "county.db")
        county.migrate()
        admin.add_village(county, VILLAGE, "东村")
        server = CountyProcess(root / "county.db")
        try:
            a = Laptop(root / "a.db", server.url, enroll.issue_code(county, VILLAGE))
            b = Laptop(root / "b.db", server.url, enroll.issue_code(county, VILLAGE))
            rows = list(sample_data.village(VILLAGE, args.persons))
            households = {}
            with a.store.atomic():
                for entity, sample_id, fields in rows:
                    if entity == "household":
                        households[sample_id] = a.store.household.create(fields)
            a.service.run_sync()
            b.service.run_sync()  # both laptops now hold the households
            with a.store.atomic():
                for entity, _sample_id, fields in rows:
                    if entity == "person":
                        hh = households[fields["household_id"]]
                        a.store.person.create(dict(fields, household_id=hh))
            n = args.persons
            a.meter = Meter()
            b.meter = Meter()
            push_time = a.timed_sync()["push"]
            pull_time = b.timed_sync()["pull"]
            assert a.service.pending_count() == 0 and b.meter.pulled_records == n
            assert b.store.person.count() == n
        finally:
            server.stop()
            county.close()

    push_rate, pull_rate = n / push_time, n / pull_time
    push_bytes, pull_bytes = a.meter.push_bytes / n, b.meter.pull_bytes / n
    spread_push, spread_pull = codec_only(min(n, 10_000))
    am, bm = a.meter, b.meter
    print(f"sync benchmark: {n} person records, SQLite county server over HTTP on loopback")
    print(
        f"push {push_rate:9,.0f} records/s {push_bytes:6.1f} bytes/record on the wire (goal >= 10,000; <= 80)"
    )
    print(
        f"pull {pull_rate:9,.0f} records/s {pull_bytes:6.1f} bytes/record on the wire (goal >= 10,000; <= 60)"
    )
    print(
        f"     push phase {push_time:.2f} s, of which waiting for the server {am.push_seconds:.2f} s,"
        f" {am.push_batches} batches"
    )
    print(
        f"     pull phase {pull_time:.2f} s, of which waiting for the server {bm.pull_seconds:.2f} s,"
        f" {bm.pull_pages} pages"
    )
    print(f"codec, records entered over a year: push {spread_push:.1f}, pull {spread_pull:.1f} B/record")


if __name__ == "__main__":
    main()
