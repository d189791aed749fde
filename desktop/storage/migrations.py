"""Named, ordered schema migrations, recorded in the file itself (table ``_migrations``).

A migration is never edited once released: add a new one at the end. Each runs in its own
transaction together with the row that records it, so a crash leaves it applied or not at all.
A step gets sqlite-utils over the connection, but cannot end that transaction: a helper that
commits inside (``with conn:``, ``commit()``, ``executescript``) is held to it or refused
(``database._Held``), so a failing step never leaves half of itself behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from desktop.storage.database import Database, EscapedTransaction
from sync.schema import Forms

Migration = tuple[str, Callable[[Any], None]]

_META = {
    "id": str,
    "village_code": str,
    "deleted": int,
    "seq": int,  # the server's record seq last seen; 0 = made here, never synced
    "versions": str,  # JSON: field -> server version last seen
    "hlc": int,
    "updated_by": str,
}


_SQL_TYPES = {str: "TEXT", int: "INTEGER"}
_DEFAULTS = {"deleted": "0", "seq": "0", "versions": "'{}'", "hlc": "0"}


def _entity(db: Any, name: str, fields: dict[str, type]) -> None:
    # WITHOUT ROWID: rows live in the id b-tree itself (ids are UUIDv7, so time-ordered); one
    # b-tree fewer to write, and to encrypt, on every save.
    columns = []
    for column, kind in {**_META, **fields}.items():
        spec = f"{column} {_SQL_TYPES[kind]}"
        if column == "id":
            spec += " PRIMARY KEY NOT NULL"
        elif column in _DEFAULTS:
            spec += f" NOT NULL DEFAULT {_DEFAULTS[column]}"
        elif column == "village_code":
            spec += " NOT NULL"
        columns.append(spec)
    db.execute(f"CREATE TABLE {name} ({', '.join(columns)}) WITHOUT ROWID")


def _m0001_initial(db: Any) -> None:
    _entity(
        db,
        "household",
        {"household_no": str, "head_name": str, "address": str, "phone": str, "category": str, "status": str},
    )
    _entity(
        db,
        "person",
        {
            "household_id": str,
            "name": str,
            "resident_id": str,
            "relation": str,
            "sex": str,
            "birth_date": str,
            "ethnicity": str,
            "education": str,
            "occupation": str,
            "health": str,
            "disability": str,
            "medical_insurance": str,
            "pension_insurance": str,
            "phone": str,
            "status": str,
        },
    )
    _entity(
        db,
        "income",
        {"household_id": str, "year": int, "source": str, "amount_fen": int, "note": str},
    )
    _entity(
        db,
        "service",
        {
            "household_id": str,
            "person_id": str,
            "type": str,
            "date": str,
            "amount_fen": int,
            "provider": str,
            "note": str,
        },
    )
    db["household"].create_index(["household_no"])
    db["person"].create_index(["household_id"])
    db["person"].create_index(["resident_id"])
    db["income"].create_index(["household_id"])
    db["service"].create_index(["household_id"])
    db["service"].create_index(["person_id"])
    db.execute(
        "CREATE TABLE outbox ("
        " seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, record_id TEXT NOT NULL,"
        " fields TEXT NOT NULL, base TEXT NOT NULL, base_seq INTEGER NOT NULL, deleted INTEGER NOT NULL,"
        " hlc INTEGER NOT NULL, user TEXT NOT NULL, batch_id TEXT)"
    )
    db.execute("CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _m0002_audit_log(db: Any) -> None:
    """Who did what that matters outside the data itself: exports, recoveries, user changes."""
    db.execute(
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,"
        " user TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')"
    )


def _m0003_rejections(db: Any) -> None:
    """Why the server refused a pending change, kept until the change is fixed."""
    db.execute(
        "CREATE TABLE rejection (entity TEXT NOT NULL, record_id TEXT NOT NULL, problems TEXT NOT NULL,"
        " at REAL NOT NULL, PRIMARY KEY (entity, record_id))"
    )


def _m0004_review_wait(db: Any) -> None:
    """The official's values the county did not take: waiting on the township, then its decision.

    One row per (record, field) in conflict (``_deleted`` for delete against edit, with the edited
    fields in ``my_fields``). Values are JSON; the file is encrypted like the rest of the store.
    """
    db.execute(
        "CREATE TABLE review_wait (entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,"
        " my_value TEXT NOT NULL, my_fields TEXT NOT NULL DEFAULT '{}', county_value TEXT,"
        " base_value TEXT, user TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'waiting',"
        " item_id TEXT, choice TEXT, decided_value TEXT, note TEXT, decided_by TEXT, decided_at REAL,"
        " created_at REAL NOT NULL, updated_at REAL NOT NULL, seen INTEGER NOT NULL DEFAULT 0,"
        " PRIMARY KEY (entity, record_id, field))"
    )
    db.execute("CREATE INDEX ix_review_wait_status ON review_wait (status, entity)")


def _m0005_quarantine(db: Any) -> None:
    """Records pulled from the county with a value this store cannot hold, kept aside (issue 10).

    ``record`` is the pulled state as JSON with each bad value left out; ``problems`` says why, in zh
    and en, without the value. The rest of the page is applied and the cursor moves on.
    """
    db.execute(
        "CREATE TABLE quarantine (entity TEXT NOT NULL, record_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " record TEXT NOT NULL, problems TEXT NOT NULL, at REAL NOT NULL,"
        " PRIMARY KEY (entity, record_id))"
    )


def _m0006_resync_unseen(db: Any) -> None:
    """Local records not yet met in the snapshot pull that follows a new server epoch (a county
    restore): what is left when the pull ends is what the restored server lacks (``resync``)."""
    db.execute("CREATE TABLE resync_unseen (id TEXT PRIMARY KEY, entity TEXT NOT NULL)")


def _m0007_outbox_forms_version(db: Any) -> None:
    """The county form version each edit was made with (issue 17): a record open in a dialog keeps
    the version it was opened with, and its push is validated against that one. NULL: written
    before this column, sent with the version in use."""
    db.execute("ALTER TABLE outbox ADD COLUMN forms_version INTEGER")


MIGRATIONS: list[Migration] = [
    ("0001_initial", _m0001_initial),
    ("0002_audit_log", _m0002_audit_log),
    ("0003_rejections", _m0003_rejections),
    ("0004_review_wait", _m0004_review_wait),
    ("0005_quarantine", _m0005_quarantine),
    ("0006_resync_unseen", _m0006_resync_unseen),
    ("0007_outbox_forms_version", _m0007_outbox_forms_version),
]


_FIELD_SQL = {"int": "INTEGER", "money": "INTEGER"}
"""SQL type of a form field type's column; every other type is TEXT."""


def follow_forms(database: Database, forms: Forms) -> list[tuple[str, str]]:
    """Give each form's table a column for every field of the form it lacks; returns (table, column)
    added. Run at every open after the named migrations, and when a new form version is taken.

    The forms are the one statement of the record columns: a county that adds a field to a form
    gets its column here, without a migration written by hand. ``ALTER TABLE ADD COLUMN`` changes
    the table's definition only (a new column is NULL in every existing row), so it takes the same
    time for 100 rows or 100,000 and existing values are never rewritten. A column is never dropped
    or retyped: a field the county removes keeps its values (hidden, not dropped).
    """
    added: list[tuple[str, str]] = []
    tables = {r[0] for r in database.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing: list[tuple[str, str, str]] = []
    for form in forms:
        if form.entity not in tables:
            continue  # the four record tables are made by 0001_initial; no form adds a table
        have = {r[1] for r in database.query(f'PRAGMA table_info("{form.entity}")')}
        for f in form.fields:
            if f.name not in have:
                missing.append((form.entity, f.name, _FIELD_SQL.get(f.type, "TEXT")))
    if not missing:
        return added
    with database.atomic() as conn:
        for table, column, sql_type in missing:
            # Field names are identifiers (sync.schema checks them); quoted all the same.
            conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {sql_type}')
            added.append((table, column))
    return added


def applied(database: Database) -> list[str]:
    database.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)"
    )
    # In the order they were applied (the list's order), not by name.
    return [r[0] for r in database.query("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(database: Database, migrations: list[Migration] | None = None) -> list[str]:
    """Apply every migration not yet recorded, in order. Returns the names applied now."""
    todo = MIGRATIONS if migrations is None else migrations
    done = set(applied(database))
    ran = []
    for name, step in todo:
        if name in done:
            continue
        with database.atomic() as conn:
            step(database.utils)
            if not conn.in_transaction:  # ended through a way _Held cannot see (a raw cursor)
                raise EscapedTransaction(f"migration {name} ended its own transaction")
            database.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time()))
        ran.append(name)
    return ran
