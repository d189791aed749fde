"""One writer connection to the encrypted file, ``atomic()`` around every write, and a reader
connection for reads that must see one committed state (``snapshot()``).

SQLCipher 4 through ``sqlcipher3``: whole-database AES-256 with per-page HMAC, raw 256-bit key.
WAL with ``synchronous=FULL`` (an acknowledged write survives a power cut), temp data in memory
(no plaintext temp files), SQLCipher's own logging off (no wrong-key noise on stderr), and its
memory security on (it wipes what it frees). The key goes in through ``sqlite3_key``, never as SQL
text. SQLite errors that are the file's or the disk's fault come out as StoreErrors.

Readers and writers: the writer connection is shared by threads (the database thread of the UI,
the sync on a network thread), and a transaction is always a connection's, not a thread's. So a
read on it from another thread sees what a write in progress has not committed yet. ``execute``
and ``query`` therefore read every row under the lock that ``atomic()`` holds for the whole
transaction (committed rows only, or the caller's own transaction); long reads (exports,
indicators) use ``snapshot()``, a second connection in WAL mode in a read transaction of its own:
one committed state for as long as it lasts, streamed, without holding up the sync's writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3

from desktop.storage.errors import StoreCorrupt, StoreError, StoreFull, StoreLocked, StoreUnavailable
from desktop.storage.keys import KEY_BYTES

if TYPE_CHECKING:
    import sqlite_utils

DatabaseError: tuple[type[Exception], ...] = (sqlcipher3.DatabaseError, sqlite3.DatabaseError)

MEMORY_SECURITY = False
"""Have SQLCipher wipe every allocation it frees. Off: measured with
``benchmarks.bench_memory_security`` it makes batched writes (what a pull does) about 5x slower and
single saves about 1.4x, while the same rows sit unwiped in Python objects anyway, so it buys little
against a memory dump. The key itself is handed over from a zeroed bytearray either way."""

# SQLite primary result codes (the low byte of an extended code) that say "the environment".
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def store_error(exc: BaseException) -> StoreError | None:
    """The StoreError a SQLite error stands for, or None when it is not the file's or the disk's
    fault (a bug in our SQL, a constraint): damaged pages and a wrong key are StoreCorrupt, a full
    disk StoreFull, an I/O or read-only failure StoreUnavailable."""
    if not isinstance(exc, DatabaseError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = int(code) & 0xFF
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StoreCorrupt("the data file is damaged")
    if primary == _SQLITE_FULL:
        return StoreFull()
    if primary in (_SQLITE_IOERR, _SQLITE_READONLY, _SQLITE_CANTOPEN):
        return StoreUnavailable()
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Raise SQLite's environment errors as the StoreError they stand for (the original kept as
    ``__cause__``); anything else unchanged."""
    try:
        yield
    except DatabaseError as exc:
        mapped = store_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


def _configure(conn: Any) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -4096")  # 4 MiB of decrypted pages: old laptops have 4 GB


_HEX = b"0123456789abcdef"


def _set_raw_key(conn: Any, key: bytes | bytearray) -> None:
    """Hand SQLCipher the raw key as ``x'<hex>'`` through ``sqlite3_key``: built in a bytearray
    that is zeroed at once, so no Python ``str`` (immutable, and cached with the statement by
    the sqlite3 module when it is a PRAGMA) keeps a copy of the key for the life of the process."""
    if len(key) != KEY_BYTES:
        raise ValueError("database key must be 32 bytes")
    text = bytearray(3 + 2 * KEY_BYTES)
    text[0:2], text[-1] = b"x'", ord("'")
    try:
        for i, byte in enumerate(key):
            text[2 + 2 * i] = _HEX[byte >> 4]
            text[3 + 2 * i] = _HEX[byte & 15]
        conn.set_key(text)
    finally:
        text[:] = bytes(len(text))


def open_encrypted(path: Path, key: bytes | bytearray, *, create: bool = False) -> Any:
    """Open the SQLCipher file with a raw key (``create``: make it, for a new store only).

    Raises StoreCorrupt when the file is missing, empty, or does not open with this key: an empty
    file is never taken for a new store (that would lose everything the key ring says is there)."""
    path = Path(path)
    if not create:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise StoreCorrupt("the data file is missing") from None
        if size == 0:
            raise StoreCorrupt("the data file is empty (damaged or replaced)")
    # mode=rw never creates the file, even if it vanishes between the check and the open.
    uri = path.absolute().as_uri() + ("?mode=rwc" if create else "?mode=rw")
    try:
        conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlcipher3.DatabaseError as exc:
        raise store_error(exc) or StoreUnavailable() from exc
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        # SQLCipher can wipe every allocation it frees (see MEMORY_SECURITY for why it is off).
        if MEMORY_SECURITY:
            conn.execute("PRAGMA cipher_memory_security = ON")
        _set_raw_key(conn, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _configure(conn)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        mapped = store_error(exc)
        if isinstance(mapped, StoreFull | StoreUnavailable):
            raise mapped from exc
        raise StoreCorrupt("the data file cannot be opened with its key (damaged or replaced)") from exc
    return conn


def open_plain(path: Path) -> Any:
    """An unencrypted file with the same settings; only for benchmarks that compare against it."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    _configure(conn)
    return conn


class _Cursor:
    """A cursor whose later fetches (reading more pages) raise StoreErrors like the query did."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator[Any]:
        with translated():
            yield from self._cursor

    def fetchone(self) -> Any:
        with translated():
            return self._cursor.fetchone()

    def fetchmany(self, size: int = 1) -> list[Any]:
        with translated():
            return list(self._cursor.fetchmany(size))

    def fetchall(self) -> list[Any]:
        with translated():
            return list(self._cursor.fetchall())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class _Rows:
    """The rows of a query, read in full under the lock, with the cursor's ``description``."""

    def __init__(self, cursor: Any) -> None:
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        self._rows = list(cursor.fetchall())
        self._at = 0

    def __iter__(self) -> Iterator[Any]:
        while self._at < len(self._rows):
            self._at += 1
            yield self._rows[self._at - 1]

    def fetchone(self) -> Any:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int = 1) -> list[Any]:
        out = self._rows[self._at : self._at + size]
        self._at += len(out)
        return out

    def fetchall(self) -> list[Any]:
        out = self._rows[self._at :]
        self._at = len(self._rows)
        return out


class EscapedTransaction(Exception):
    """A migration step tried to commit or roll back the transaction it runs in (a bug)."""


_ENDING = ("COMMIT", "END", "ROLLBACK", "BEGIN")


def _ends_transaction(sql: str) -> bool:
    words = sql.lstrip().split(None, 2)
    if not words:
        return False
    first = words[0].upper().rstrip(";")
    if first == "ROLLBACK" and len(words) > 1 and words[1].upper() == "TO":
        return False  # ROLLBACK TO a savepoint stays inside the transaction
    return first in _ENDING


class _Held:
    """The connection as sqlite-utils sees it inside ``atomic()``: its ways of ending a transaction
    are refused, so a helper that commits (``with conn:``, ``commit()``, ``executescript`` in
    sqlite-utils 3.x; ``Database.commit()``/``rollback()`` in any version) cannot make a migration
    half-applied. Everything else is the real connection."""

    def __init__(self, conn: Any, database: Database) -> None:
        self._conn = conn
        self._database = database

    def _inside(self) -> bool:
        return self._database._depth > 0

    def execute(self, sql: str, *args: Any) -> Any:
        if self._inside() and _ends_transaction(sql):
            raise EscapedTransaction(f"refused inside a transaction: {sql.split()[0]}")
        return self._conn.execute(sql, *args)

    def executescript(self, script: str) -> Any:
        if not self._inside():
            return self._conn.executescript(script)
        # sqlite3's executescript COMMITs first: run the statements one by one instead.
        cursor = self._conn.cursor()
        statement = ""
        for line in script.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self.execute(statement)
                statement = ""
        if statement.strip():
            self.execute(statement)
        return cursor

    def commit(self) -> None:
        if not self._inside():
            self._conn.commit()

    def rollback(self) -> None:
        if self._inside():
            raise EscapedTransaction("a rollback inside a transaction")
        self._conn.rollback()

    def __enter__(self) -> _Held:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._inside():
            self._conn.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class Database:
    """The writer connection. Every write goes through ``atomic()``: BEGIN IMMEDIATE, nested blocks
    are savepoints, and a block that raises leaves nothing behind.

    SQLite errors that are the file's or the disk's fault come out as StoreErrors (``store_error``):
    StoreCorrupt, StoreFull, StoreUnavailable; never a raw ``sqlcipher3.DatabaseError``."""

    def __init__(self, conn: Any, reopen: Callable[[], Any] | None = None) -> None:
        """``reopen`` opens another connection to the same file (keyed the same way), for
        ``snapshot()``; without it a snapshot reads on the writer connection under the lock."""
        self.conn = conn
        self._utils: sqlite_utils.Database | None = None
        self._depth = 0
        self._lock = threading.RLock()
        self._owner: int | None = None  # the thread inside atomic(), while one is
        self._reopen = reopen
        # Reader connections: one per snapshot in use, kept for the next when it ends. A snapshot
        # holds no lock of ours while it is read (a read left half-way blocks nobody).
        self._readers_free: list[Any] = []
        self._readers_open: list[Any] = []
        self._readers_lock = threading.Lock()

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils over the connection, for migrations. Imported when a migration runs: it
        brings click, pluggy and dateutil (about 6 MB) that an unlock with nothing to migrate skips.
        It sees the connection through ``_Held``: it cannot end a transaction of ``atomic()``."""
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(_Held(self._conn(), self))  # type: ignore[arg-type]
        return self._utils

    def _conn(self) -> Any:
        if self.conn is None:
            raise StoreLocked()
        return self.conn

    @contextmanager
    def atomic(self) -> Iterator[Any]:
        with self._lock, translated():
            conn = self._conn()
            if self._depth == 0:
                conn.execute("BEGIN IMMEDIATE")
                self._owner = threading.get_ident()
            else:
                conn.execute(f"SAVEPOINT sp{self._depth}")
            self._depth += 1
            try:
                try:
                    yield conn
                    if self._depth == 1 and not conn.in_transaction:
                        raise EscapedTransaction("the transaction was ended inside atomic()")
                except BaseException:
                    self._depth -= 1
                    self._undo(conn)
                    raise
                self._depth -= 1
                try:
                    conn.execute("COMMIT" if self._depth == 0 else f"RELEASE sp{self._depth}")
                except BaseException:
                    # A COMMIT that fails (a full disk) leaves the transaction open: end it, or the
                    # next BEGIN fails and the refused write would go out with the next commit.
                    self._undo(conn)
                    raise
            finally:
                if self._depth == 0:
                    self._owner = None

    def _in_own_transaction(self) -> bool:
        return self._owner == threading.get_ident()

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A connection to read from, in one read transaction: every query in the block sees the
        same committed state of the file, whatever other threads write meanwhile (and they are not
        held up by it). Inside the caller's own ``atomic()`` it is that transaction instead, so the
        caller sees its own writes. Read only: a write through it fails."""
        if self._in_own_transaction() or self._reopen is None:
            with self._lock, translated():
                conn = self._conn()
                if self._in_own_transaction():
                    yield conn
                    return
                # No second connection (a plain file in a benchmark): the whole read under the lock.
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    with suppress(*DatabaseError):
                        conn.execute("ROLLBACK")
            return
        with translated():
            reader = self._take_reader()
            try:
                reader.execute("BEGIN")
                # The snapshot is taken by the first read: taken here, so it is this moment's.
                reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
                yield reader
            finally:
                self._give_back(reader)

    def _take_reader(self) -> Any:
        with self._readers_lock:
            self._conn()  # closed (locked): StoreLocked, not a reopen with a wiped key
            if self._readers_free:
                return self._readers_free.pop()
        assert self._reopen is not None
        reader = self._reopen()
        try:
            reader.execute("PRAGMA query_only = ON")
        except BaseException:
            reader.close()
            raise
        with self._readers_lock:
            if self.conn is None:  # closed meanwhile
                reader.close()
                raise StoreLocked()
            self._readers_open.append(reader)
        return reader

    def _give_back(self, reader: Any) -> None:
        with suppress(*DatabaseError):
            if reader.in_transaction:
                reader.execute("ROLLBACK")
        with self._readers_lock:
            # Closed meanwhile (the store was locked under a read): not kept.
            if any(r is reader for r in self._readers_open):
                self._readers_free.append(reader)

    def _undo(self, conn: Any) -> None:
        # The error that got us here is the one to report: a ROLLBACK on a damaged file or one
        # SQLite already rolled back (a full disk can do that) must not hide it.
        with suppress(*DatabaseError):
            if self._depth == 0:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            else:
                conn.execute(f"ROLLBACK TO sp{self._depth}")
                conn.execute(f"RELEASE sp{self._depth}")

    def execute(self, sql: str, params: Any = ()) -> Any:
        """Run one statement. Its rows are read in full under the lock (so they are committed
        ones, or this thread's own transaction's), except inside this thread's own ``atomic()``,
        where the cursor streams: nobody else can use the connection until it ends."""
        with self._lock, translated():
            cursor = self._conn().execute(sql, params)
            if self._in_own_transaction():
                return _Cursor(cursor)
            return _Rows(cursor)

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with self._lock, translated():
            return list(self._conn().execute(sql, params).fetchall())

    def changes(self) -> int:
        """Rows inserted, updated or deleted through this connection since it opened, in any
        table: if it has not moved, nothing was written."""
        with self._lock:
            return int(self._conn().total_changes)

    def close(self) -> None:
        """Close the connection, whatever state the file is in (damaged, full disk)."""
        with self._lock:
            with self._readers_lock:
                conn, self.conn = self.conn, None
                readers, self._readers_open, self._readers_free = self._readers_open, [], []
            self._utils = None
            if conn is None:
                return
            try:
                # Readers first, a read left half-way included: its snapshot would keep the
                # checkpoint from emptying the -wal. Its next fetch fails (the store is locked).
                for reader in readers:
                    with suppress(*DatabaseError):
                        reader.close()
                with suppress(*DatabaseError):
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()


def rows_by_id(conn: Any, table: str, ids: Sequence[str], chunk: int = 500) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` whose ``id`` is in ``ids``, as dicts (column -> value), read ``chunk`` ids
    to a statement; ids with no row are left out. ``conn``: a ``Database`` or a connection of its
    ``atomic()``. Each chunk is read in full before its rows are given, so the caller may write
    between them."""
    ids = list(ids)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        cur = conn.execute(f"SELECT * FROM {table} WHERE id IN ({', '.join('?' * len(part))})", part)
        names = [d[0] for d in cur.description]
        for values in cur.fetchall():
            yield dict(zip(names, values, strict=True))
