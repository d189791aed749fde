"""Shaped-link benchmark: a whole village's first sync over a slow rural link.

The link is built here: a network namespace of its own whose loopback device gets MTU 1500 and a
token-bucket filter (``tc qdisc … tbf``) at the given rate, so both directions share it, as they share
a 64 kbit/s line. The county server (SQLite) and the laptop each run in their own process inside that
namespace; nothing leaves the machine. A village of about 2,857 households and 10,000 persons is
entered on the laptop, then one first sync (push everything, pull what others made) is timed:

* without cuts;
* with the link cut every ``--cut-every`` seconds for ``--cut-seconds`` (device down, every TCP
  connection in the namespace reset with ``ss -K``), the laptop running sync again after each failure
  as its automatic sync would.

Printed: wall time, HTTP body bytes each way and bytes on the link, and the ratio of the time to the
floor (bytes pushed ÷ link rate). Afterwards the county database is counted: every record arrived
exactly once, or the run says what is missing.

    sudo .venv/bin/python -m benchmarks.bench_link [--persons 10000] [--rate-kbit 64]

Needs root, ``ip``, ``tc`` and ``ss`` (iproute2); without them it says so and exits 0.
Goals: <= 90 s without cuts, <= 120 s with cuts, ratio to the floor <= 1.3, nothing lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

VILLAGE = "110105001001"
PORT = 8765
PASSPHRASE = "link benchmark pass"


# --------------------------------------------------------------------------------------------------
# The link


def unavailable() -> str | None:
    """Why the shaped link cannot be built here, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "it needs root (a network namespace and tc)"
    for tool in ("ip", "tc", "ss"):
        if shutil.which(tool) is None:
            return f"it needs `{tool}` (Debian package iproute2)"
    return None


class Link:
    """A network namespace whose loopback is shaped to ``rate_kbit`` with MTU 1500."""

    def __init__(self, rate_kbit: int) -> None:
        self.name = f"vdd-link-{os.getpid()}"
        self.rate_kbit = rate_kbit

    def __enter__(self) -> Link:
        _run("ip", "netns", "add", self.name)
        try:
            self.ns("ip", "link", "set", "lo", "mtu", "1500")
            self.ns("ip", "link", "set", "lo", "up")
            self._shape()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        subprocess.run(["ip", "netns", "del", self.name], check=False, capture_output=True)

    def _shape(self) -> None:
        # burst: one full frame and a little; latency: how long a packet may wait in the bucket.
        self.ns(
            "tc", "qdisc", "replace", "dev", "lo", "root", "tbf",
            "rate", f"{self.rate_kbit}kbit", "burst", "3200", "latency", "2s",
        )  # fmt: skip

    def ns(self, *cmd: str) -> str:
        return _run("ip", "netns", "exec", self.name, *cmd)

    def prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.name]

    def link_bytes(self) -> int:
        """Bytes through the shaped device (each byte crosses loopback once)."""
        stats = json.loads(self.ns("ip", "-s", "-j", "link", "show", "lo"))
        return int(stats[0]["stats64"]["tx"]["bytes"])

    def cut(self, seconds: float) -> None:
        """Take the link down for ``seconds`` and reset every TCP connection across it."""
        self.ns("ip", "link", "set", "lo", "down")
        subprocess.run([*self.prefix(), "ss", "-K", "-t"], check=False, capture_output=True)
        time.sleep(seconds)
        self.ns("ip", "link", "set", "lo", "up")
        self._shape()


def _run(*cmd: str) -> str:
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return done.stdout


class Cutter(threading.Thread):
    """Cuts the link every ``every`` seconds for ``seconds``, until stopped."""

    def __init__(self, link: Link, every: float, seconds: float) -> None:
        super().__init__(daemon=True)
        self.link, self.every, self.seconds = link, every, seconds
        self.stopped = threading.Event()
        self.cuts = 0

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.link.cut(self.seconds)
            self.cuts += 1

    def stop(self) -> None:
        self.stopped.set()
        self.join()


# --------------------------------------------------------------------------------------------------
# The two ends, each a process inside the namespace


@contextmanager
def county_server(link: Link, database: Path) -> Iterator[str]:
    code = (
        "import sys; from sync.server import app, embedded; "
        f"s = embedded.start(sys.argv[1], port={PORT}, migrate=False); app.freeze_startup_heap(); "
        "print(s.url, flush=True); sys.stdin.read()"
    )
    proc = subprocess.Popen(
        [*link.prefix(), sys.executable, "-c", code, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    url = proc.stdout.readline().strip()
    try:
        if not url.startswith("http"):
            raise RuntimeError("the county server did not start inside the namespace")
        yield url
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def laptop_sync(link: Link, store_path: Path, url: str, code: str) -> dict[str, Any]:
    """Enroll (not timed) and run the first sync (timed) in a laptop process inside the namespace."""
    command = [sys.executable, "-m", "benchmarks.bench_link", "--laptop", str(store_path), url, code]
    proc = subprocess.run(
        [*link.prefix(), *command],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def laptop_main(store_path: str, url: str, code: str) -> None:
    """The laptop process: runs sync until nothing waits and a pull completed, as auto-sync would."""
    from desktop.services.sync_service import RemoteConfig, SyncService, http_remote
    from desktop.storage import Store
    from sync.errors import SyncError

    totals = {"sent": 0, "received": 0}

    def remote(config: RemoteConfig) -> Any:
        inner = http_remote(config)
        counted = inner.stats

        class Counted:
            def __getattr__(self, name: str) -> Any:
                return getattr(inner, name)

            def close(self) -> None:
                totals["sent"] += counted.sent
                totals["received"] += counted.received
                inner.close()

        return Counted()

    store = Store.unlock(Path(store_path), "bench", PASSPHRASE)
    service = SyncService(store, remote)
    service.configure(url, None)
    service.enroll(code, "link-bench")
    totals["sent"] = totals["received"] = 0
    runs = failures = 0
    started = time.perf_counter()
    while True:
        runs += 1
        try:
            service.run_sync()
        except SyncError as exc:
            failures += 1
            if runs > 200:
                raise SystemExit(f"gave up after {runs} runs: {type(exc).__name__}") from None
            time.sleep(1.0)  # what the app's automatic sync does when the server is back, sooner
            continue
        if service.pending_count() == 0:
            break
    seconds = time.perf_counter() - started
    counts = {entity: store.repository(entity).count() for entity in ("household", "person")}
    store.close()
    print(json.dumps({"seconds": seconds, "runs": runs, "failures": failures, **totals, "counts": counts}))


# --------------------------------------------------------------------------------------------------
# One measured first sync


def prepare(root: Path, persons: int) -> tuple[Path, Path, str, dict[str, int]]:
    """A county database with the village and an enrollment code, and a laptop store holding the
    whole village, not yet synced."""
    from desktop.storage import KdfParams, Store
    from sync import sample_data
    from sync.server import admin, enroll
    from sync.server.store import Store as CountyStore

    county_path, store_path = root / "county.db", root / "laptop.db"
    county = CountyStore(county_path)
    county.migrate()
    admin.add_village(county, VILLAGE, "东村")
    code = enroll.issue_code(county, VILLAGE)
    county.close()
    store = Store.create(store_path, "bench", PASSPHRASE, VILLAGE, kdf=KdfParams.fast_for_tests())
    households: dict[str, str] = {}
    counts = {"household": 0, "person": 0}
    with store.atomic():
        for entity, sample_id, fields in sample_data.village(VILLAGE, persons):
            if entity == "household":
                households[sample_id] = store.household.create(fields)
            else:
                store.person.create(dict(fields, household_id=households[fields["household_id"]]))
            counts[entity] += 1
    store.close()
    return county_path, store_path, code, counts


def county_counts(county_path: Path) -> dict[str, int]:
    from sqlalchemy import func, select

    from sync.server.store import Store as CountyStore
    from sync.server.tables import records

    county = CountyStore(county_path)
    try:
        with county.read() as conn:
            rows = conn.execute(
                select(records.c.entity, func.count())
                .where(records.c.village_code == VILLAGE, records.c.deleted.is_(False))
                .group_by(records.c.entity)
            ).all()
    finally:
        county.close()
    return {entity: int(n) for entity, n in rows}


def first_sync(persons: int, rate_kbit: int, cut_every: float | None, cut_seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        county_path, store_path, code, expected = prepare(Path(tmp), persons)
        with Link(rate_kbit) as link, county_server(link, county_path) as url:
            before = link.link_bytes()
            cutter = Cutter(link, cut_every, cut_seconds) if cut_every else None
            if cutter:
                cutter.start()
            try:
                result = laptop_sync(link, store_path, url, code)
            finally:
                if cutter:
                    cutter.stop()
            result["link_bytes"] = link.link_bytes() - before
            result["cuts"] = cutter.cuts if cutter else 0
        result["expected"] = expected
        result["county"] = county_counts(county_path)
    return result


def report(label: str, r: dict[str, Any], rate_kbit: int, goal: float) -> None:
    floor = r["sent"] * 8 / (rate_kbit * 1000)
    exact = r["county"] == r["expected"] == r["counts"]
    persons = r["expected"]["person"]
    ratio = r["seconds"] / floor
    print(
        f"{label:<14} {r['seconds']:7.1f} s (goal <= {goal:.0f})  ratio to the floor {ratio:4.2f} "
        f"(floor {floor:.1f} s, goal <= 1.3)"
    )
    print(
        f"{'':<14} pushed {r['sent'] / 1e3:8.1f} kB ({r['sent'] / persons:.1f} B/person), "
        f"answers and pull {r['received'] / 1e3:8.1f} kB, on the link {r['link_bytes'] / 1e3:8.1f} kB; "
        f"{r['runs']} sync run(s), {r['failures']} failed, {r['cuts']} cut(s)"
    )
    verdict = "every record arrived exactly once" if exact else "MISMATCH"
    print(f"{'':<14} {verdict}: laptop {r['counts']}, county {r['county']}, entered {r['expected']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--rate-kbit", type=int, default=64)
    parser.add_argument("--cut-every", type=float, default=20.0)
    parser.add_argument("--cut-seconds", type=float, default=3.0)
    parser.add_argument("--no-cuts-only", action="store_true", help="skip the run with cuts")
    parser.add_argument("--laptop", nargs=3, metavar=("STORE", "URL", "CODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.laptop:
        laptop_main(*args.laptop)
        return 0
    reason = unavailable()
    if reason:
        print(f"bench_link: skipped: {reason}.")
        return 0
    print(
        f"first sync of one village ({args.persons} persons) over a {args.rate_kbit} kbit/s link "
        "(tc tbf on a namespace's loopback, MTU 1500, both directions sharing it)"
    )
    results = [("without cuts", first_sync(args.persons, args.rate_kbit, None, 0.0), 90.0)]
    if not args.no_cuts_only:
        label = f"cut {args.cut_seconds:g}s/{args.cut_every:g}s"
        cut = first_sync(args.persons, args.rate_kbit, args.cut_every, args.cut_seconds)
        results.append((label, cut, 120.0))
    for label, result, goal in results:
        report(label, result, args.rate_kbit, goal)
    return 0 if all(r["county"] == r["expected"] for _l, r, _g in results) else 1


if __name__ == "__main__":
    sys.exit(main())
