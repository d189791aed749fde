"""kill -9 of a syncing laptop process, then a normal run: nothing lost, nothing applied twice."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop.storage import Store
from desktop.storage.replica import StoreReplica
from sync.laptop.client import HttpRemote
from sync.retry import RetryPolicy
from sync.server import admin, enroll
from sync.server.store import Store as CountyStore
from sync.server.store import village_seq
from tests.acceptance.modes import LONG, LONG_TIMEOUT, count
from tests.sync_world import (
    COUNTY,
    PASSPHRASE,
    VILLAGE,
    Laptop,
    Link,
    assert_laptop_equals_server,
    fill,
    postgres_database,
    server_records,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def spawn(store_path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.acceptance.sync_child", str(store_path), mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def wait_for(proc: subprocess.Popen[str], word: str, timeout: float = 60.0) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"child ended before {word}")
        if line.strip() == word:
            return
    raise AssertionError(f"no {word} in time")


def kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_killed_after_the_server_committed_then_rerun(tmp_path, county, laptops):
    a = laptops("a")
    ids = fill(a.store, 150)
    a.store.close()
    child = spawn(a.path, "hang_after_commit")
    wait_for(child, "COMMITTED")
    kill(child)
    assert child.returncode == -signal.SIGKILL
    committed = len(server_records(county))
    assert committed > 0  # the county has the first batch...
    store = Store.unlock(a.path, "wang", PASSPHRASE)
    frozen = StoreReplica(store).frozen_batch()
    assert frozen is not None  # ...and the laptop still holds it frozen, unanswered
    store.close()
    a.reopen()
    report = a.sync()
    assert report.resumed and a.link.pushes[0] == frozen.body
    assert a.link.answers[0].replayed
    assert report.server_seq == len(ids)  # one counter step per record: nothing applied twice
    assert a.service.pending_count() == 0
    assert_laptop_equals_server(a, county)


def households(store: Store, count: int, tag: str) -> list[str]:
    """``count`` new households with unique numbers (``tag`` keeps refills apart)."""
    with store.atomic():
        return [
            store.household.create(
                {
                    "household_no": f"{tag}-{i:05d}",
                    "head_name": f"户主{i}",
                    "address": f"{tag} 村道 {i} 号",
                    "category": "ordinary",
                    "status": "active",
                }
            )
            for i in range(count)
        ]


@pytest.mark.timeout(LONG_TIMEOUT if LONG else 300)
def test_killed_at_random_moments_then_rerun(tmp_path, county, laptops):
    """Short mode: a handful of kills. Long mode (VDD_LONG=1): at least 500, refilling the outbox."""
    target = count("VDD_LAPTOP_KILLS", 2, 500)
    a = laptops("a")
    ids = fill(a.store, 1500)
    a.store.close()
    rng = random.Random(11)
    kills = rounds = 0
    while rounds < 4 or kills < target:
        rounds += 1
        if rounds > 4 + 3 * target:
            break  # the assertion below says how far it got
        if rounds > 4:
            store = Store.unlock(a.path, "wang", PASSPHRASE)
            if StoreReplica(store).pending_count() < 100:  # keep the runs busy pushing
                ids += households(store, 400, f"r{rounds}")
            store.close()
        child = spawn(a.path, "run")
        wait_for(child, "READY")
        assert child.stdout is not None
        for _ in range(rng.randint(1, 3)):  # some progress lines in: a batch or two were settled
            if child.stdout.readline().strip() in ("", "DONE"):
                break
        time.sleep(rng.uniform(0.0, 0.15))  # then anywhere in the next batch's round trip
        if child.poll() is None:
            kill(child)
            kills += 1
    assert kills >= target, f"{kills} kills in {rounds} runs"
    print(f"laptop kills: {kills} in {rounds} runs, {len(ids)} records")
    a.reopen()
    a.sync()
    assert a.service.pending_count() == 0
    assert len(server_records(county)) == len(ids)
    seq = a.sync().cursor
    assert seq == len(ids)  # the village counter moved exactly once per record
    assert_laptop_equals_server(a, county)
    b = laptops("b")
    b.sync()
    assert_laptop_equals_server(b, county)


# --------------------------------------------------------------------------------------------------
# SIGKILL of the county-server process mid-push


class ServerProcess:
    """``county-server serve`` in a process of its own, on a fixed loopback port, to be SIGKILLed."""

    def __init__(self, database: str, log: Path) -> None:
        self.database = database
        self.log = log
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.store = CountyStore(database)
        self.ca_pem: str | None = None

    def code(self, village: str = VILLAGE) -> str:
        return enroll.issue_code(self.store, village)

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sync.server.cli",
                    "--db",
                    self.database,
                    "serve",
                    "--port",
                    str(self.port),
                ],
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise AssertionError("county-server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        self.store.close()


def _no_wait_link() -> Link:
    def factory(config: Any) -> HttpRemote:
        return HttpRemote(config.server_url, None, config.device_id, config.key, retry=RetryPolicy(total=0))

    return Link(inner_factory=factory)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.timeout(LONG_TIMEOUT if LONG else 300)
def test_server_killed_mid_push_then_restarted(backend: str, tmp_path: Path) -> None:
    """Short mode: 3 server kills; long mode (VDD_LONG=1): 100. Nothing lost, nothing applied twice."""
    target = count("VDD_SERVER_KILLS", 3, 100)
    with contextlib.ExitStack() as stack:
        database = (
            stack.enter_context(postgres_database()) if backend == "postgres" else str(tmp_path / "county.db")
        )
        setup = CountyStore(database)
        setup.migrate()
        admin.add_village(setup, VILLAGE, "东村")
        setup.close()
        server = ServerProcess(database, tmp_path / "server.log")
        stack.callback(server.stop)
        server.start()
        lap = Laptop(tmp_path / "a.db", server, "a", link=_no_wait_link())  # type: ignore[arg-type]
        stack.callback(lap.close)
        ids = households(lap.store, 600, "k0")
        rng = random.Random(7)
        interrupted = 0
        for k in range(target):
            if k:
                server.start()
            ids += households(lap.store, 600, f"k{k + 1}")  # a full outbox: the kill lands mid-sync
            failed: list[BaseException] = []

            def run(failed: list[BaseException] = failed) -> None:
                try:
                    lap.sync()
                except Exception as exc:  # the server died under it: expected
                    failed.append(exc)

            worker = threading.Thread(target=run)
            worker.start()
            time.sleep(rng.uniform(0.02, 0.25))  # somewhere in a push's round trip or commit
            server.kill()
            worker.join(timeout=120)
            assert not worker.is_alive()
            interrupted += bool(failed)
        server.start()
        while lap.service.pending_count():
            lap.sync()
        lap.sync()
        print(f"server kills: {target}, {interrupted} interrupted a sync, {len(ids)} records ({backend})")
        assert len(server_records(server)) == len(ids)  # type: ignore[arg-type]
        # One counter step per record: no batch was applied twice across the kills.
        assert village_seq(server.store, COUNTY, VILLAGE) == len(ids)
        assert_laptop_equals_server(lap, server)  # type: ignore[arg-type]
        assert interrupted >= target // 3, "the kills should land mid-sync"
