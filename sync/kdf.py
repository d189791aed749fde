"""Argon2id that several threads may call at once: the one way this project derives a slow hash.

With the ``cryptography``/OpenSSL builds in use, two threads deriving Argon2id with more than one
lane at the same moment can hang for good (OpenSSL runs the lanes on a shared thread pool; a bare
script with two threads and ``lanes=4`` reproduces it, ``lanes=1`` does not). So:

* new hashes and keys use one lane (``LANES``), and run freely in parallel;
* a derivation with several lanes (key rings and password hashes made before) still works, but
  takes a process-wide lock, so only one multi-lane derivation runs at a time;
* at most ``MAX_PARALLEL`` derivations run at once in a process (each holds its memory cost, 64 MiB
  by default: twenty sign-ins at once must not ask for 1.3 GB).

Every Argon2id in the project goes through here (``tests/sync/test_kdf.py`` checks the imports).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

LANES = 1
"""Lanes of every new derivation (see the module note)."""
MAX_PARALLEL = max(2, os.cpu_count() or 2)

_multi_lane = threading.Lock()
_slots = threading.BoundedSemaphore(MAX_PARALLEL)


@contextmanager
def _turn(lanes: int) -> Iterator[None]:
    if lanes == 1:
        with _slots:
            yield
        return
    # The lock first: a thread waiting for it must not hold a slot that one-lane work could use.
    with _multi_lane, _slots:
        yield


def derive(secret: bytes, salt: bytes, *, length: int, iterations: int, lanes: int, memory_kib: int) -> bytes:
    """Raw Argon2id output. Raises ValueError for parameters Argon2id refuses."""
    kdf = Argon2id(salt=salt, length=length, iterations=iterations, lanes=lanes, memory_cost=memory_kib)
    with _turn(lanes):
        return kdf.derive(secret)


def hash_phc(secret: bytes, *, iterations: int, memory_kib: int, salt: bytes | None = None) -> str:
    """A PHC string (``$argon2id$v=19$m=...,t=...,p=1$salt$hash``) with one lane and a random salt."""
    kdf = Argon2id(
        salt=salt or os.urandom(16), length=32, iterations=iterations, lanes=LANES, memory_cost=memory_kib
    )
    with _turn(LANES):
        return kdf.derive_phc_encoded(secret)


def phc_lanes(encoded: str) -> int | None:
    """The ``p=`` (lanes) of a PHC string, or None when it has none that reads as a number."""
    parts = encoded.split("$")
    if len(parts) < 4:
        return None
    for item in parts[3].split(","):
        key, _, value = item.partition("=")
        if key == "p":
            return int(value) if value.isascii() and value.isdigit() and len(value) < 8 else None
    return None


def verify_phc(secret: bytes, encoded: str) -> bool:
    """True when ``secret`` matches a PHC string; False for a wrong secret or a malformed string."""
    lanes = phc_lanes(encoded)
    try:
        # A string whose lanes cannot be read is checked under the lock, as a multi-lane one.
        with _turn(lanes if lanes == 1 else 2):
            Argon2id.verify_phc_encoded(secret, encoded)
    except (InvalidKey, ValueError):
        return False
    return True
