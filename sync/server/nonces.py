"""The nonces of signed requests seen within the skew window, so a replayed request is refused.

PostgreSQL keeps them in the ``nonces`` table: inserting a row waits for no village's lock.
SQLite has one write lock for the whole database, held for as long as a push is applied, so the
embedded server keeps its nonces in a small database file of their own beside it
(``<database>-nonces``): a signed GET (a pull) never queues behind a push. It is a file, not memory,
so several worker processes over one SQLite file still refuse a nonce another one has seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from sync.server.errors import ApiError
from sync.server.store import Store, sqlite_engine
from sync.server.tables import nonces
from sync.signing import MAX_SKEW_SECONDS

PRUNE_SECONDS = 60
SUFFIX = "-nonces"


def _sidecar_engine(path: str, busy_timeout: float) -> Engine:
    # The store's own SQLite set-up (WAL, busy timeout, BEGIN IMMEDIATE for writers); every use of
    # this file writes, so every connection is a writer.
    engine = sqlite_engine("sqlite+pysqlite:///" + path, busy_timeout).execution_options(write=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS nonces (county_code VARCHAR(6) NOT NULL,"
                " village_code VARCHAR(12) NOT NULL, device_id VARCHAR(36) NOT NULL,"
                " nonce VARCHAR(64) NOT NULL, seen_at BIGINT NOT NULL,"
                " PRIMARY KEY (county_code, village_code, device_id, nonce))"
            )
        )
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_nonces_seen ON nonces (seen_at)"))
    return engine


def sidecar_path(store: Store) -> Path | None:
    """The nonce file of a SQLite store on disk (None: PostgreSQL, or SQLite in memory)."""
    if store.dialect != "sqlite":
        return None
    path = store.url.split(":///", 1)[-1]
    if not path or path.startswith(":memory:") or "mode=memory" in path:
        return None
    return Path(path + SUFFIX)


class Nonces:
    """Remembers nonces; ``use`` raises ApiError("replayed_nonce") for one seen before."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._last_prune = 0.0
        path = sidecar_path(store)
        self._engine = _sidecar_engine(str(path), store.busy_timeout) if path is not None else None
        store.on_close(self.close)

    def use(self, county: str, village: str, device_id: str, nonce: str, now: int) -> None:
        row = {"county_code": county, "village_code": village, "device_id": device_id}
        try:
            with self._write() as conn:
                conn.execute(insert(nonces).values(**row, nonce=nonce, seen_at=now))
                if now - self._last_prune > PRUNE_SECONDS:
                    # A nonce older than twice the skew window can only come with a stale time.
                    conn.execute(delete(nonces).where(nonces.c.seen_at < now - 2 * MAX_SKEW_SECONDS))
                    self._last_prune = now
        except IntegrityError:
            raise ApiError("replayed_nonce") from None

    def count(self) -> int:
        with self._write() as conn:
            return int(conn.execute(select(func.count()).select_from(nonces)).scalar_one())

    def _write(self) -> Any:
        return self._engine.begin() if self._engine is not None else self.store.write()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
