"""Many village laptops syncing at once against one county server process and against several
(``county-server serve --workers W``), on PostgreSQL.

Each laptop is its own process with its own encrypted store (its own village, ``--persons``
persons entered offline, fast key derivation so 50 stores fit on a small machine) and the real
sync service over HTTP on loopback. The server is the real ``county-server serve`` command over a
throwaway PostgreSQL database made for each run and dropped after. All laptops are made, enrolled
and then told to start together; measured is the push phase: records/s in all (every record pushed
÷ time from the start signal until the last laptop finished pushing) and the wall time of each push
request (p50/p95/p99 over every laptop). Afterwards every village at the county holds exactly the
records its laptop made, each once, and no laptop has anything left to send.

    python -m benchmarks.bench_laptops [--laptops 1,10,50] [--workers 1,2] [--persons 1000]
                                       [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

VILLAGE_PREFIX = "110105001"
SERVE = [sys.executable, "-m", "sync.server.cli"]
CHILD = [sys.executable, "-m", "benchmarks.bench_laptops", "--child"]


# --------------------------------------------------------------------------------------------------
# One laptop (a child process)


def laptop(directory: Path, url: str, code: str, village: str, persons: int) -> None:
    """Make a store with ``persons`` persons, enroll, say ``ready``, wait for ``go``, sync, report."""
    from desktop.services.sync_service import RemoteConfig, SyncService, http_remote
    from desktop.storage import KdfParams, Store
    from sync import sample_data

    store = Store.create(
        directory / f"{village}.db", "bench", "benchmark pass", village, kdf=KdfParams.fast_for_tests()
    )
    made: list[str] = []
    households: dict[str, str] = {}
    with store.atomic():
        for entity, sample_id, fields in sample_data.village(village, persons, seed=int(village[-3:])):
            if entity == "household":
                households[sample_id] = store.household.create(fields)
                made.append(households[sample_id])
            else:
                made.append(
                    store.person.create(dict(fields, household_id=households[fields["household_id"]]))
                )
    push_ms: list[float] = []

    class Timed:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def push(self, body: bytes) -> Any:
            started = time.perf_counter()
            try:
                return self.inner.push(body)
            finally:
                push_ms.append((time.perf_counter() - started) * 1000)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    def remote(config: RemoteConfig) -> Timed:
        return Timed(http_remote(config))

    service = SyncService(store, remote)
    service.configure(url, None)
    service.enroll(code, f"laptop-{village}")
    print("ready", flush=True)
    sys.stdin.readline()
    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        marks.setdefault(phase, time.time())

    start = time.time()
    service.run_sync(progress=progress)
    end = time.time()
    report = {
        "village": village,
        "made": made,
        "push_ms": push_ms,
        "start": start,
        "pushed_at": marks.get("pull", end),
        "end": end,
        "pending": service.pending_count(),
    }
    store.close()
    print(json.dumps(report), flush=True)


# --------------------------------------------------------------------------------------------------
# The county and the run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class County:
    """``county-server serve --workers W`` over a fresh PostgreSQL database with ``villages``."""

    def __init__(self, admin_url: str, villages: list[str], workers: int, directory: Path) -> None:
        import psycopg

        from sync.server import admin
        from sync.server.store import Store

        self.admin_url = admin_url
        self.name = f"vdd_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        host = admin_url.split("://", 1)[1].rsplit("/", 1)[0]
        self.store = Store(f"postgresql+psycopg://{host}/{self.name}")
        self.store.migrate()
        for code in villages:
            admin.add_village(self.store, code, f"村{code[-3:]}")
        port = _free_port()
        self.log_path = directory / f"serve-{workers}.log"
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [*SERVE, "--db", self.store.url, "serve", "--port", str(port), "--workers", str(workers)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"},
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while self.log_path.read_text("utf-8", "replace").count("Application startup complete.") < workers:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("county-server serve did not start:\n" + self.log_path.read_text("utf-8"))
            time.sleep(0.2)

    def code(self, village: str) -> str:
        from sync.server import enroll

        return enroll.issue_code(self.store, village)

    def stored_ids(self) -> dict[str, list[str]]:
        from sqlalchemy import text

        out: dict[str, list[str]] = {}
        with self.store.read() as conn:
            for village, record_id in conn.execute(text("SELECT village_code, id FROM records")):
                out.setdefault(village, []).append(record_id)
        return out

    def close(self) -> None:
        import psycopg

        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.store.close()
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run(admin_url: str, laptops: int, workers: int, persons: int) -> dict[str, float]:
    villages = [f"{VILLAGE_PREFIX}{k + 1:03d}" for k in range(laptops)]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        county = County(admin_url, villages, workers, directory)
        children: list[subprocess.Popen[str]] = []
        try:
            for village in villages:
                children.append(
                    subprocess.Popen(
                        [*CHILD, str(directory), county.url, county.code(village), village, str(persons)],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                )
            for child in children:
                assert child.stdout is not None
                if child.stdout.readline().strip() != "ready":
                    raise RuntimeError("a laptop did not get ready")
            go = time.time()
            for child in children:
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
            reports = []
            for child in children:
                out, _ = child.communicate(timeout=1800)
                if child.returncode != 0:
                    raise RuntimeError("a laptop failed")
                reports.append(json.loads(out.strip().splitlines()[-1]))
            stored = county.stored_ids()
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
            county.close()
    total = 0
    for r in reports:  # every record exactly once, and nothing left to send
        at_county = stored.get(r["village"], [])
        if sorted(at_county) != sorted(r["made"]) or len(set(at_county)) != len(at_county) or r["pending"]:
            raise AssertionError(f"village {r['village']}: the county's records differ from the laptop's")
        total += len(r["made"])
    if sum(len(v) for v in stored.values()) != total:
        raise AssertionError("the county holds records no laptop made")
    pushed = max(r["pushed_at"] for r in reports) - go
    times = [t for r in reports for t in r["push_ms"]]
    return {
        "records": total,
        "rate": total / pushed,
        "seconds": pushed,
        "pushes": len(times),
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--child":
        directory, url, code, village, persons = args[1:6]
        laptop(Path(directory), url, code, village, int(persons))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laptops", default="1,10,50", help="laptop counts, comma-separated")
    parser.add_argument("--workers", default="1,2", help="server process counts, comma-separated")
    parser.add_argument("--persons", type=int, default=1000, help="persons per laptop (plus households)")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    opts = parser.parse_args(args)
    cores = os.cpu_count()
    print(f"laptops syncing at once, {opts.persons} persons each (+ households), PostgreSQL, {cores} cores")
    print("laptops  server processes  records  push phase   records/s   pushes  p50 ms  p95 ms  p99 ms")
    for n in (int(x) for x in opts.laptops.split(",")):
        for w in (int(x) for x in opts.workers.split(",")):
            f = run(opts.pg, n, w, opts.persons)
            print(
                f"{n:7d}  {w:16d}  {f['records']:7.0f}  {f['seconds']:8.1f} s  {f['rate']:10,.0f}"
                f"  {f['pushes']:7.0f}  {f['p50']:6.0f}  {f['p95']:6.0f}  {f['p99']:6.0f}",
                flush=True,
            )
    print("every record at the county exactly once, every laptop's outbox empty")


if __name__ == "__main__":
    main()
