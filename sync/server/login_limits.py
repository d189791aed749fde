"""Staff sign-in limits, kept in the database (``login_attempts``): they survive a restart and are
shared by every server process over the same database.

Three limits, none of which lets an attacker lock staff out for good:

* **address and account together**: ``pair_limit`` failures from one client address for one user
  name within ``window`` refuse that pair until the window has passed. Only the guesser's address
  is refused; staff elsewhere sign in as usual.
* **address**: ``address_limit`` failures from one address within ``window``, whatever the names
  (a spray of made-up or real names), refuse that address until the window has passed.
* **account, from every address**: past ``account_free`` failures within ``window``, an attempt
  must wait ``2 ** (failures - account_free)`` seconds after the account's last failure, never
  more than ``max_delay``. A delay, not a lock: it bounds guessing from many addresses at once,
  and an address that signed in to the account within ``known_for`` (the township office) is not
  delayed at all.

An attempt is counted before its password is checked and the count is taken back when it succeeds,
so parallel guesses cannot all slip in before the first failure is written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Connection, and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync.server.errors import ApiError
from sync.server.store import Store
from sync.server.tables import login_attempts

_t = login_attempts.c
_LOCK_SPACE = 0x5644  # advisory lock namespace of sign-in counting ("VD")


@dataclass(frozen=True)
class Limits:
    pair_limit: int = 5
    address_limit: int = 100
    account_free: int = 10
    max_delay: int = 60
    window: int = 15 * 60
    known_for: int = 30 * 86400
    """How long an address that signed in to an account stays exempt from that account's delay."""


def too_many(wait: int) -> ApiError:
    """429 with the wait in words and in ``Retry-After``."""
    wait = max(1, wait)
    if wait >= 90:
        message, params = "api.too_many_attempts_minutes", {"minutes": math.ceil(wait / 60)}
    else:
        message, params = "api.too_many_attempts_seconds", {"seconds": wait}
    return ApiError("too_many_attempts", message, params=params, extra={"retry_after": wait})


class LoginLimiter:
    """Checks and counts sign-in attempts of (client address, user name) in the store."""

    def __init__(self, store: Store, limits: Limits | None = None) -> None:
        self.store = store
        self.limits = limits or Limits()
        self._last_prune = 0

    def admit(self, county: str, address: str, username: str) -> None:
        """Count an attempt, or raise ApiError("too_many_attempts") with how long to wait."""
        now, lim = self.store.now(), self.limits
        recent = now - lim.window
        address = address[:64]
        with self.store.write() as conn:
            if conn.dialect.name == "postgresql":
                # Read-then-count must not interleave for one account (SQLite's write lock already
                # serialises it): else parallel guesses all read "no failures yet".
                conn.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, func.hashtext(username))))
            pair = conn.execute(
                select(_t.failures, _t.window_start, _t.last_success_at).where(
                    _t.county_code == county, _t.address == address, _t.username == username
                )
            ).first()
            if pair is not None and pair.window_start > recent and pair.failures >= lim.pair_limit:
                raise too_many(pair.window_start + lim.window - now)
            by_address = conn.execute(
                select(func.coalesce(func.sum(_t.failures), 0), func.min(_t.window_start)).where(
                    _t.address == address, _t.window_start > recent
                )
            ).one()
            if by_address[0] >= lim.address_limit:
                raise too_many(by_address[1] + lim.window - now)
            known = pair is not None and (pair.last_success_at or 0) > now - lim.known_for
            if not known:
                failures, last = conn.execute(
                    select(func.coalesce(func.sum(_t.failures), 0), func.max(_t.last_failure_at)).where(
                        _t.username == username, _t.county_code == county, _t.window_start > recent
                    )
                ).one()
                if failures >= lim.account_free:
                    delay = min(lim.max_delay, 2 ** min(failures - lim.account_free, 16))
                    if last + delay > now:
                        raise too_many(last + delay - now)
            self._charge(conn, county, address, username, now)
            if now - self._last_prune > 60:
                self._prune(conn, now)
                self._last_prune = now

    def succeeded(self, county: str, address: str, username: str) -> None:
        """Take the attempt back: the pair starts afresh, and the address is known for the account."""
        now = self.store.now()
        with self.store.write() as conn:
            conn.execute(
                update(login_attempts)
                .where(_t.county_code == county, _t.address == address[:64], _t.username == username)
                .values(failures=0, window_start=now, last_success_at=now)
            )

    def _charge(self, conn: Connection, county: str, address: str, username: str, now: int) -> None:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        expired = _t.window_start <= now - self.limits.window
        statement = insert(login_attempts).values(
            county_code=county,
            address=address,
            username=username,
            failures=1,
            window_start=now,
            last_failure_at=now,
            last_success_at=None,
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[_t.county_code, _t.address, _t.username],
                set_={
                    "failures": case((expired, 1), else_=_t.failures + 1),
                    "window_start": case((expired, now), else_=_t.window_start),
                    "last_failure_at": now,
                },
            )
        )

    def _prune(self, conn: Connection, now: int) -> None:
        """Forget pairs with no recent failure, unless they mark a known address."""
        conn.execute(
            delete(login_attempts).where(
                and_(
                    _t.window_start <= now - self.limits.window,
                    or_(_t.last_success_at.is_(None), _t.last_success_at <= now - self.limits.known_for),
                )
            )
        )
