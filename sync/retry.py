"""When the laptop tries a request again, and how long it waits first (``RetryPolicy``).

Connection errors retry freely; a request that reached the server is retried only when it is
idempotent (a GET, or a push, whose batch id makes a resend safe); waits back off exponentially
with full jitter up to a cap, and honour the server's ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before trying a request again (after urllib3's ``Retry``).

    * Connection failures (nothing reached the server) are always safe to retry.
    * Read timeouts, dropped connections and 5xx/429 answers are retried only for idempotent
      requests: GETs, and the POST push, which is idempotent because the server keys it by batch id.
    * The wait is exponential backoff with full jitter, capped: ``uniform(0, min(cap, factor * 2**n))``.
    * A ``Retry-After`` header (seconds or HTTP date) replaces the backoff, up to ``retry_after_max``.

    ``sleep``, ``clock`` (wall time, for HTTP dates) and ``rng`` are injectable for tests.
    """

    total: int = 4
    """Retries after the first attempt (with the defaults: at most ~7.5 s of waiting in all)."""
    backoff_factor: float = 0.5
    backoff_max: float = 30.0
    status_forcelist: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    respect_retry_after: bool = True
    retry_after_max: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.time, compare=False)
    rng: Callable[[], float] = field(default=random.random, compare=False)

    def backoff(self, retry_number: int) -> float:
        """Wait before retry number ``retry_number`` (0 = first retry), with full jitter."""
        ceiling = min(self.backoff_max, self.backoff_factor * (2.0**retry_number))
        return self.rng() * ceiling

    def parse_retry_after(self, value: str | None) -> float | None:
        if not value:
            return None
        value = value.strip()
        if value.isascii() and value.isdigit():
            seconds = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when is None:
                return None
            seconds = when.timestamp() - self.clock()
        return min(max(seconds, 0.0), self.retry_after_max)

    def delay(self, retry_number: int, retry_after: str | None = None) -> float:
        if self.respect_retry_after:
            parsed = self.parse_retry_after(retry_after)
            if parsed is not None:
                return parsed
        return self.backoff(retry_number)

    def allows(self, retry_number: int, *, idempotent: bool, kind: str, status: int = 0) -> bool:
        """May we retry? ``kind`` is ``connect`` (never reached the server), ``read`` (sent, no answer)
        or ``status`` (answered with ``status``)."""
        if retry_number >= self.total:
            return False
        if kind == "connect":
            return True
        if not idempotent:
            return False
        if kind == "read":
            return True
        return status in self.status_forcelist


NO_RETRY = RetryPolicy(total=0)
