"""Key rings made before one-lane Argon2id (``lanes: 4`` on disk) keep unlocking, also two at once."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.storage import KdfParams, Store
from desktop.storage.keyring import keyring_path

from .conftest import PASS, VILLAGE

ROOT = Path(__file__).resolve().parents[3]
LEGACY = KdfParams(iterations=1, memory_kib=1024, lanes=4)


def test_a_new_key_ring_uses_one_lane(db_path: Path) -> None:
    Store.create(db_path, "wang", PASS, VILLAGE, kdf=KdfParams(iterations=1, memory_kib=1024)).close()
    ring = json.loads(keyring_path(db_path).read_text(encoding="utf-8"))
    assert [slot["kdf"]["lanes"] for slot in ring["users"].values()] == [1]


def test_two_old_key_rings_unlock_in_two_threads_at_once(tmp_path: Path) -> None:
    paths = [tmp_path / f"v{n}.db" for n in range(2)]
    for path in paths:
        Store.create(path, "wang", PASS, VILLAGE, kdf=LEGACY).close()
        ring = json.loads(keyring_path(path).read_text(encoding="utf-8"))
        assert ring["users"]["wang"]["kdf"]["lanes"] == 4
    code = textwrap.dedent(
        f"""
        import threading, sys
        from desktop.storage import Store
        opened = []

        def unlock(path):
            for _ in range(10):
                Store.unlock(path, "wang", {PASS!r}).close()
                opened.append(path)

        threads = [threading.Thread(target=unlock, args=(p,)) for p in sys.argv[1:]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(len(opened))
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *map(str, paths)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("unlocking two old key rings at once hung")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["20"]
