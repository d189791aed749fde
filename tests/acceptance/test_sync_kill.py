"""kill -9 of a syncing laptop process, then a normal run: nothing lost, nothing applied twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.storage import Store
from desktop.storage.replica import StoreReplica
from tests.sync_world import PASSPHRASE, assert_laptop_equals_server, fill, server_records

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


def test_killed_at_random_moments_then_rerun(tmp_path, county, laptops):
    a = laptops("a")
    ids = fill(a.store, 1500)
    a.store.close()
    rng = random.Random(11)
    kills = 0
    for _ in range(4):
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
    assert kills >= 2
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
