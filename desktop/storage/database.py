"""One writer connection to the encrypted file, and ``atomic()`` around every write.

SQLCipher 4 through ``sqlcipher3``: whole-database AES-256 with per-page HMAC, raw 256-bit key.
WAL with ``synchronous=FULL`` (an acknowledged write survives a power cut), temp data in memory
(no plaintext temp files), SQLCipher's own logging off (no wrong-key noise on stderr).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from desktop.storage.errors import StoreCorrupt, StoreLocked
from desktop.storage.keys import sqlcipher_key_pragma

if TYPE_CHECKING:
    import sqlite_utils

DatabaseError: tuple[type[Exception], ...] = (sqlcipher3.DatabaseError, sqlite3.DatabaseError)


def _configure(conn: Any) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -4096")  # 4 MiB of decrypted pages: old laptops have 4 GB


def open_encrypted(path: Path, key: bytes) -> Any:
    """Open (or create) the SQLCipher file with a raw key. Raises StoreCorrupt if the key fails."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(sqlcipher_key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _configure(conn)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise StoreCorrupt("the data file cannot be opened with its key (damaged or replaced)") from exc
    return conn


def open_plain(path: Path) -> Any:
    """An unencrypted file with the same settings; only for benchmarks that compare against it."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    _configure(conn)
    return conn


class Database:
    """The writer connection. Every write goes through ``atomic()``: BEGIN IMMEDIATE, nested blocks
    are savepoints, and a block that raises leaves nothing behind."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None
        self._depth = 0
        self._lock = threading.RLock()

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils over the connection, for migrations. Imported when a migration runs: it
        brings click, pluggy and dateutil (about 6 MB) that an unlock with nothing to migrate skips."""
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def _conn(self) -> Any:
        if self.conn is None:
            raise StoreLocked()
        return self.conn

    @contextmanager
    def atomic(self) -> Iterator[Any]:
        with self._lock:
            self._conn()
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            else:
                self.conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                else:
                    self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                    self.conn.execute(f"RELEASE sp{self._depth}")
                raise
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute(f"RELEASE sp{self._depth}")

    def execute(self, sql: str, params: Any = ()) -> Any:
        with self._lock:
            return self._conn().execute(sql, params)

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with self._lock:
            return self._conn().execute(sql, params).fetchall()

    def changes(self) -> int:
        """Rows inserted, updated or deleted through this connection since it opened, in any
        table: if it has not moved, nothing was written."""
        with self._lock:
            return int(self._conn().total_changes)

    def close(self) -> None:
        with self._lock:
            if self.conn is not None:
                with suppress(*DatabaseError):
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.conn.close()
                self.conn = None
