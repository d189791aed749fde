"""One store, one user of it at a time: an OS lock on ``<file>.lock`` beside the data file.

The lock is taken before a passphrase is tried and held for as long as the store stays open, so

* a second app window (or process) cannot open the same store and write under the first one;
* tries of a passphrase, even from several threads or processes at once, happen one after the
  other, each seeing the failure count the one before it wrote;
* the key ring is only ever rewritten by the holder of the lock.

The operating system drops the lock when the process ends, a killed one included; the lock file
itself stays (removing it could race with another process taking it) and holds nothing secret.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from desktop.storage.errors import StoreInUse


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class StoreLock:
    """An exclusive lock on a store; ``acquire`` raises StoreInUse when another holder keeps it."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait_seconds: float = 0.0, poll_seconds: float = 0.05) -> StoreLock:
        """Take the lock, waiting up to ``wait_seconds`` for another holder to let go.

        A try of a passphrase in another window holds it for about a second; an open store holds
        it until it is closed, so waiting longer than a try would only make the person wait."""
        if self._fd is not None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait_seconds
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise StoreInUse()
                time.sleep(poll_seconds)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            _unlock(fd)
            os.close(fd)

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock belongs to the open file, not the process: two opens in one process exclude each
        # other too (two threads, or a second Store object, are refused like a second window).
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
