"""Unlocking under stress: a tampered key ring, parallel wrong tries, a clock that jumps back, and
a second window (or process) on the same store. All on the real encrypted store and key ring."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from desktop.storage import (
    KdfParams,
    Store,
    StoreCorrupt,
    StoreInUse,
    UnlockDelayed,
    WrongPassphrase,
)
from desktop.storage.keyring import MAX_DELAY_SECONDS, failure_delay, keyring_path
from tests.desktop.storage.conftest import PASS, VILLAGE, household

# One lane: several threads deriving Argon2id with more lanes at once is issue 10 item 1.
ONE_LANE = KdfParams(iterations=1, memory_kib=32, lanes=1)


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def _ring(db_path: Path) -> dict[str, Any]:
    return dict(json.loads(keyring_path(db_path).read_text("utf-8")))


def _write_ring(db_path: Path, ring: dict[str, Any]) -> None:
    keyring_path(db_path).write_text(json.dumps(ring), "utf-8")


# -- tampered values ----------------------------------------------------------------------------------


def _kdf(**change: Any):
    def tamper(ring: dict[str, Any]) -> None:
        ring["users"]["wang"]["kdf"].update(change)

    return tamper


def _failures(count: Any, last: Any = 0.0):
    def tamper(ring: dict[str, Any]) -> None:
        ring["failures"] = {"wang": {"count": count, "last": last}}

    return tamper


def _field(name: str, value: Any):
    def tamper(ring: dict[str, Any]) -> None:
        ring["users"]["wang"][name] = value

    return tamper


TAMPERED = {
    "lanes 0": _kdf(lanes=0),
    "lanes negative": _kdf(lanes=-4),
    "lanes absurd": _kdf(lanes=1 << 30),
    "lanes as text": _kdf(lanes="4"),
    "iterations 0": _kdf(iterations=0),
    "iterations absurd": _kdf(iterations=10**9),
    "memory absurd": _kdf(memory_kib=1 << 40),
    "memory below 8 per lane": _kdf(memory_kib=7),
    "memory as float": _kdf(memory_kib=65536.0),
    "unknown kdf field": _kdf(parallelism=2),
    "failures negative": _failures(-3),
    "failures as text": _failures("5"),
    "failures as bool": _failures(True),
    "failure time infinite": _failures(1, 1e999),
    "failure time not a number": _failures(1, "nan"),
    "salt too short": _field("salt", "AAAA"),
    "nonce too short": _field("nonce", "AAAA"),
    "wrapped key cut": _field("wrapped", "AAAAAAAA"),
}


@pytest.mark.parametrize("tamper", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_key_ring_is_store_corrupt_at_every_try(db_path: Path, tamper) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE).close()
    ring = _ring(db_path)
    tamper(ring)
    _write_ring(db_path, ring)
    before = keyring_path(db_path).read_bytes()
    for _ in range(2):  # the same clear answer each time, nothing written
        with pytest.raises(StoreCorrupt) as err:
            Store.unlock(db_path, "wang", PASS)
        assert "key ring" in str(err.value)
    assert keyring_path(db_path).read_bytes() == before


def test_a_huge_failure_count_is_the_longest_delay_not_an_overflow(db_path: Path) -> None:
    assert failure_delay(5000) == MAX_DELAY_SECONDS
    assert failure_delay(10**30) == MAX_DELAY_SECONDS
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE).close()
    clock = Clock()
    ring = _ring(db_path)
    _failures(5000, clock.t)(ring)
    _write_ring(db_path, ring)
    with pytest.raises(UnlockDelayed) as err:
        Store.unlock(db_path, "wang", PASS, now=clock)
    assert err.value.delay_seconds == MAX_DELAY_SECONDS
    clock.t += MAX_DELAY_SECONDS
    Store.unlock(db_path, "wang", PASS, now=clock).close()
    assert _ring(db_path)["failures"] == {}


# -- parallel tries and the clock ------------------------------------------------------------------


def test_parallel_wrong_tries_are_each_counted(db_path: Path) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE).close()
    outcomes: list[BaseException] = []
    start = threading.Barrier(6)

    def attempt() -> None:
        start.wait()
        try:
            Store.unlock(db_path, "wang", "not the passphrase")
        except (WrongPassphrase, UnlockDelayed, StoreInUse) as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 6
    wrong = sum(isinstance(o, WrongPassphrase) for o in outcomes)
    assert wrong >= 1
    # Every try that was judged is in the count; the others were refused before any key was derived.
    assert _ring(db_path)["failures"]["wang"]["count"] == wrong


def test_parallel_wrong_tries_from_processes_are_each_counted(db_path: Path) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE).close()
    script = textwrap.dedent(
        f"""
        import sys
        from desktop.storage import Store, StoreError
        try:
            Store.unlock({str(db_path)!r}, "wang", "not the passphrase")
        except StoreError as exc:
            print(type(exc).__name__)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    names = [p.communicate(timeout=60)[0].strip() for p in procs]
    # StoreInUse only if a machine this busy kept a try waiting past the lock's patience.
    assert set(names) <= {"WrongPassphrase", "UnlockDelayed", "StoreInUse"}, names
    assert _ring(db_path)["failures"]["wang"]["count"] == names.count("WrongPassphrase") >= 1


def test_a_clock_jumping_back_costs_one_delay_not_the_jump(db_path: Path) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE).close()
    clock = Clock()
    for _ in range(6):
        with pytest.raises(WrongPassphrase) as err:
            Store.unlock(db_path, "wang", "not the passphrase", now=clock)
        clock.t += err.value.delay_seconds
    delay = err.value.delay_seconds
    assert delay == 32
    clock.t -= 3 * 86400  # the laptop's clock falls back three days
    with pytest.raises(UnlockDelayed) as waiting:
        Store.unlock(db_path, "wang", PASS, now=clock)
    assert waiting.value.delay_seconds <= delay
    clock.t += delay
    with Store.unlock(db_path, "wang", PASS, now=clock) as s:
        assert s.is_open


# -- one store, one window ----------------------------------------------------------------------------


def test_a_second_open_of_the_same_store_is_refused_until_the_first_closes(db_path: Path) -> None:
    first = Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE)
    hid = first.household.create(household())
    with pytest.raises(StoreInUse) as err:
        Store.unlock(db_path, "wang", PASS)
    assert "already open in another window" in str(err.value)
    assert _ring(db_path)["failures"] == {}  # refused before the passphrase was tried
    first.close()
    with Store.unlock(db_path, "wang", PASS) as second:
        assert second.household.get(hid) is not None


_HOLDER = """
import sys, time
from desktop.storage import Store
s = Store.unlock(sys.argv[1], "wang", sys.argv[2])
print("open", flush=True)
time.sleep(120)
"""


def test_another_process_holding_the_store_is_refused_and_a_killed_one_lets_go(db_path: Path) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=ONE_LANE).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db_path), PASS], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreInUse):
            Store.unlock(db_path, "wang", PASS)
        with pytest.raises(StoreInUse):
            Store.recover(db_path, b"not used", "li", "another passphrase", kdf=ONE_LANE)
    finally:
        holder.kill()  # as a crash would (SIGKILL; TerminateProcess on Windows): the OS drops its lock
        holder.wait(30)
    with Store.unlock(db_path, "wang", PASS) as s:
        assert s.is_open
