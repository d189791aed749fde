"""Hybrid logical clock: wall-clock milliseconds plus a counter, packed in one integer.

A stamp is ``(unix_ms << 16) | counter``. It never goes backwards on one laptop even when the
wall clock does (old laptops with a flat CMOS battery), and it moves past any stamp it has seen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

_COUNTER_BITS = 16
_COUNTER_MASK = (1 << _COUNTER_BITS) - 1


class HybridClock:
    def __init__(self, wall_ms: Callable[[], int] | None = None, last: int = 0) -> None:
        self._wall_ms = wall_ms or (lambda: int(time.time() * 1000))
        self._last = last
        self._lock = threading.Lock()

    def now(self) -> int:
        """A new stamp, greater than every stamp this clock has made or seen."""
        with self._lock:
            wall = self._wall_ms() << _COUNTER_BITS
            self._last = wall if wall > self._last else self._last + 1
            return self._last

    def observe(self, stamp: int) -> None:
        """Move past a stamp seen from elsewhere."""
        with self._lock:
            self._last = max(self._last, stamp)

    @property
    def last(self) -> int:
        return self._last


def stamp_ms(stamp: int) -> int:
    """The wall-clock milliseconds part of a stamp."""
    return stamp >> _COUNTER_BITS
