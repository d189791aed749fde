"""Database access for the county server: engines for PostgreSQL and SQLite, transactions, migrations.

SQLite is the embedded default (a file path); PostgreSQL (``postgresql+psycopg://...``) is the
production backend. A write transaction takes its village's row lock first (SQLite: ``BEGIN
IMMEDIATE``), so commits happen in counter order and a pull cursor never skips a late commit.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, select, update

from sync.resources import package_data_dir
from sync.server import counter_stamps
from sync.server.errors import ApiError
from sync.server.tables import villages

MIGRATIONS_PACKAGE = "sync.server.migrations"
CHUNK = 500
POOL_SIZE = 8
"""PostgreSQL connections a server process keeps open, and as many more it may open at a peak: each
``county-server serve`` worker holds up to ``2 * pool_size`` (``--pool-size``)."""

RETRY_AFTER_SECONDS = 5
"""What a request that could not get the database in time is told to wait (503 ``busy``)."""

T = TypeVar("T")


def busy() -> ApiError:
    """503 with Retry-After: the database stayed locked (or the pool full) past the timeout."""
    return ApiError("busy", extra={"retry_after": RETRY_AFTER_SECONDS})


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def select_in(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    where: Sequence[tuple[str, Any]],
    column: str,
    values: Sequence[str],
) -> list[Any]:
    """``SELECT columns FROM table WHERE <where equalities> AND column IN values``, straight through
    the driver: batch reads that SQLAlchemy would spend longer compiling than the database answering.

    PostgreSQL gets one index probe per value (a lateral join over ``unnest``): ``= ANY(array)`` is
    applied as a filter after the other key columns, which scans the whole village.
    """
    rows: list[Any] = []
    names = ", ".join(columns)
    fixed = " AND ".join(f"{name} = ?" for name, _ in where)
    params = [value for _, value in where]
    if conn.dialect.name == "sqlite":
        for part in chunks(values):
            marks = ",".join("?" * len(part))
            sql = f"SELECT {names} FROM {table} WHERE {fixed} AND {column} IN ({marks})"
            rows.extend(conn.exec_driver_sql(sql, (*params, *part)).all())
        return rows
    sql = (
        f"SELECT k.* FROM unnest(%s::varchar[]) AS v(wanted) CROSS JOIN LATERAL"
        f" (SELECT {names} FROM {table} WHERE {fixed} AND {column} = v.wanted OFFSET 0) AS k"
    ).replace(" = ?", " = %s")
    for part in chunks(values, 10 * CHUNK):
        rows.extend(conn.exec_driver_sql(sql, (list(part), *params)).all())
    return rows


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a URL or a plain file path (the embedded SQLite default)."""
    text = str(target)
    if "://" in text:
        return text
    return "sqlite+pysqlite:///" + str(Path(text).expanduser().resolve())


def sqlite_engine(url: str, busy_timeout: float = 30.0, pool_timeout: float = 30.0) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
        pool_timeout=pool_timeout,
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Transactions are begun by the "begin" hook below, not by the sqlite3 module.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: an answered push is on disk before the answer leaves, even across a power cut
        # (laptops drop their outbox rows once a push is acknowledged).
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer must hold the lock from its first read, or WAL snapshots make it fail late.
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """One county server database. ``clock`` gives unix seconds (tests pass their own)."""

    def __init__(
        self,
        target: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        pool_size: int = POOL_SIZE,
        pool_timeout: float = 30.0,
        busy_timeout: float = 30.0,
    ) -> None:
        self.url = database_url(target)
        self.clock = clock
        self.busy_timeout = busy_timeout
        # SQLite has one write lock: writers of this process queue here, each without a connection
        # (readers keep the pool), and give up with 503 after ``busy_timeout``.
        self._write_gate = threading.Lock()
        self._on_close: list[Callable[[], None]] = []
        self.connections: int | None = None
        """How many connections the pool can hand out at once (None: SQLite, no such bound)."""
        if self.url.startswith("sqlite"):
            self.engine = sqlite_engine(self.url, busy_timeout, pool_timeout)
        else:
            self.engine = create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_timeout=pool_timeout,
                pool_pre_ping=True,
            )
            self.connections = 2 * pool_size
        self.dialect = self.engine.dialect.name

    def now(self) -> int:
        return int(self.clock())

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        # Through the package, so a wheel install and a bundle find the scripts as a checkout does.
        cfg.set_main_option("script_location", str(package_data_dir(MIGRATIONS_PACKAGE)))
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (None before ``migrate``)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; commits on success, rolls back on any exception.
        ApiError("busy") (503) when SQLite's write lock stays taken past ``busy_timeout``."""
        if self.dialect != "sqlite":
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                yield conn
            return
        if not self._write_gate.acquire(timeout=self.busy_timeout):
            raise busy()
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                yield conn
        finally:
            self._write_gate.release()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot on SQLite; statement snapshots on PostgreSQL)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when the store closes (engines of its own a part keeps, e.g. nonces)."""
        self._on_close.append(callback)

    def close(self) -> None:
        for callback in self._on_close:
            callback()
        self.engine.dispose()


def lock_village(conn: Connection, county_code: str, village_code: str) -> int:
    """Lock the village row for this transaction and return its counter."""
    query = select(villages.c.seq).where(
        villages.c.county_code == county_code, villages.c.village_code == village_code
    )
    if conn.dialect.name != "sqlite":  # SQLite already holds the database write lock
        query = query.with_for_update()
    seq = conn.execute(query).scalar()
    if seq is None:
        raise ApiError("unknown_village")
    return int(seq)


def set_village_seq(conn: Connection, county_code: str, village_code: str, seq: int) -> int:
    """Move the village's counter to ``seq`` (above where ``lock_village`` found it, in this
    transaction) and stamp the commit (``counter_stamps``); returns the stamp."""
    conn.execute(
        update(villages)
        .where(villages.c.county_code == county_code, villages.c.village_code == village_code)
        .values(seq=seq)
    )
    return counter_stamps.stamp(conn, county_code, village_code, seq)


def village_seq(store: Store, county_code: str, village_code: str) -> int:
    with store.read() as conn:
        seq = conn.execute(
            select(villages.c.seq).where(
                villages.c.county_code == county_code, villages.c.village_code == village_code
            )
        ).scalar()
    return int(seq or 0)


def village_epoch(conn: Connection, county_code: str, village_code: str) -> tuple[str, int, int]:
    """The village's epoch (the database's identity for its laptops: a new one after a restore),
    its counter now, and its counter when the epoch began (0 for a database never restored)."""
    row = conn.execute(
        select(villages.c.epoch, villages.c.seq, villages.c.epoch_seq).where(
            villages.c.county_code == county_code, villages.c.village_code == village_code
        )
    ).first()
    return (str(row[0] or ""), int(row[1] or 0), int(row[2] or 0)) if row else ("", 0, 0)


def renew_village_epoch(conn: Connection, county_code: str, village_code: str, seq: int) -> str:
    """A new epoch for one village whose laptops showed the database went back (a restore without
    ``county-server restored``), starting at its counter ``seq``. The caller holds the village lock
    (``lock_village``) in this write transaction; no other village is touched."""
    epoch = str(uuid.uuid4())
    conn.execute(
        update(villages)
        .where(villages.c.county_code == county_code, villages.c.village_code == village_code)
        .values(epoch=epoch, epoch_seq=seq)
    )
    return epoch


def renew_epoch(store: Store) -> str:
    """After restoring the database from a backup (``county-server restored``, the whole database):
    a new epoch for every village, each village's counter as its start.

    Laptops that synced after the backup was taken hold changes this copy lacks, and cursors ahead of
    it; meeting the new epoch they re-sync from a snapshot and send again what the copy lacks.
    """
    epoch = str(uuid.uuid4())
    with store.write() as conn:
        conn.execute(update(villages).values(epoch=epoch, epoch_seq=villages.c.seq))
    return epoch
