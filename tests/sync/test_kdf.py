"""Argon2id from several threads at once: nothing hangs, old multi-lane hashes and keys still work.

The hang is in OpenSSL's multi-lane Argon2id when two threads derive at once; a hung thread cannot
be stopped, so the concurrent cases run in a child process with a deadline.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from sync import kdf

ROOT = Path(__file__).resolve().parents[2]


def _run_child(code: str, timeout: float = 90) -> str:
    """Run ``code`` in a fresh interpreter; a hang is a failure, not a stuck test run."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Argon2id in several threads did not finish within {timeout} s (hung)")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _legacy_phc(secret: bytes, lanes: int = 4) -> str:
    kdf_ = Argon2id(
        salt=b"0123456789abcdef", length=32, iterations=1, lanes=lanes, memory_cost=8 * lanes * 16
    )
    return kdf_.derive_phc_encoded(secret)


def test_many_threads_with_multi_lane_parameters_all_finish() -> None:
    out = _run_child(
        """
        import os, threading
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
        from sync import kdf

        legacy = Argon2id(salt=b"0123456789abcdef", length=32, iterations=1, lanes=4,
                          memory_cost=512).derive_phc_encoded(b"right")
        results = []

        def work(n):
            for i in range(15):
                kdf.derive(b"pass", os.urandom(16), length=32, iterations=1, lanes=4, memory_kib=512)
                kdf.derive(b"pass", os.urandom(16), length=32, iterations=1, lanes=1, memory_kib=512)
                results.append(kdf.verify_phc(b"right" if i % 2 else b"wrong", legacy))
                kdf.hash_phc(b"new", iterations=1, memory_kib=256)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(len(results), sum(results))
        """
    )
    assert out.split() == ["90", "42"]  # 6 threads x 15, right on every odd turn (7 of 15)


def test_laptop_key_derivation_in_two_threads_with_an_old_key_ring_finishes() -> None:
    out = _run_child(
        """
        import os, threading
        from desktop.storage.keys import KdfParams, derive_kek

        old_ring = KdfParams(iterations=1, memory_kib=1024, lanes=4)  # what key rings held before
        keys = []

        def unlock():
            for _ in range(20):
                keys.append(derive_kek(b"passphrase", b"salt-of-16-bytes", old_ring))

        threads = [threading.Thread(target=unlock) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(len(keys), len(set(keys)))
        """
    )
    assert out.split() == ["80", "1"]


def test_new_hashes_use_one_lane_and_old_ones_still_verify() -> None:
    encoded = kdf.hash_phc(b"secret", iterations=1, memory_kib=256)
    assert kdf.phc_lanes(encoded) == 1
    assert kdf.verify_phc(b"secret", encoded) and not kdf.verify_phc(b"other", encoded)
    legacy = _legacy_phc(b"secret")
    assert kdf.phc_lanes(legacy) == 4
    assert kdf.verify_phc(b"secret", legacy) and not kdf.verify_phc(b"other", legacy)


@pytest.mark.parametrize("encoded", ["", "$argon2id$", "not a hash", "$argon2id$v=19$m=65536,t=3,p=x$a$b"])
def test_malformed_hashes_never_verify(encoded: str) -> None:
    assert kdf.verify_phc(b"secret", encoded) is False


def test_the_laptop_derives_new_keys_with_one_lane_and_same_output_as_before() -> None:
    from desktop.storage.keys import KdfParams, derive_kek

    assert KdfParams().lanes == 1 and KdfParams.fast_for_tests().lanes == 1
    old = KdfParams(iterations=1, memory_kib=1024, lanes=4)
    direct = Argon2id(salt=b"salt-of-16-bytes", length=32, iterations=1, lanes=4, memory_cost=1024)
    assert derive_kek(b"pw", b"salt-of-16-bytes", old) == direct.derive(b"pw")


def test_every_argon2id_in_the_project_goes_through_sync_kdf() -> None:
    users = [
        path.relative_to(ROOT).as_posix()
        for package in ("sync", "desktop")
        for path in (ROOT / package).rglob("*.py")
        if "kdf.argon2" in path.read_text(encoding="utf-8")
    ]
    assert users == ["sync/kdf.py"]
