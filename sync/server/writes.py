"""Bulk writes of records and their uniqueness keys, with as few statements as the driver allows.

SQLAlchemy's per-row parameter processing costs more than the database work for a 1,000-record
batch, so these go straight to the driver: ``executemany`` on SQLite (one prepared statement), and
``json_to_recordset`` over one JSON parameter on PostgreSQL (one statement and one round trip per batch).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Boolean, Connection, Table

from sync import jsontext
from sync.server.keys import KeySpec
from sync.server.merge import Current
from sync.server.tables import record_keys, records

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(value: Any) -> str:
    """Compact JSON text as stored in the database, exact for any JSON value (conflict values are
    whatever a laptop sent); record data, versions and keys go through the faster ``jsontext``."""
    return _encoder.encode(value)


def _pg_type(table: Table, column: str) -> str:
    kind = table.c[column].type
    if isinstance(kind, BigInteger):
        return "bigint"
    if isinstance(kind, Boolean):
        return "boolean"
    return "text"


def _pg_rows(table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> tuple[str, tuple[str]]:
    """``json_to_recordset(%s)`` over the rows as one JSON text: one placeholder, no per-value quoting."""
    spec = ", ".join(f"{c} {_pg_type(table, c)}" for c in columns)
    return f"json_to_recordset(%s::json) AS v({spec})", (
        jsontext.dumps([dict(zip(columns, r, strict=True)) for r in rows]),
    )


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        return
    source, params = _pg_rows(table, columns, rows)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {source}", params)


def update_rows(
    conn: Connection, table: Table, keys: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Rows are ``(*columns values, *keys values)``; each updates the row with those keys."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        sets = ", ".join(f"{c} = ?" for c in columns)
        where = " AND ".join(f"{k} = ?" for k in keys)
        conn.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE {where}", rows)
        return
    source, params = _pg_rows(table, (*columns, *keys), rows)
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    where = " AND ".join(f"t.{k} = v.{k}" for k in keys)
    conn.exec_driver_sql(f"UPDATE {table.name} AS t SET {sets} FROM {source} WHERE {where}", params)


def delete_rows(conn: Connection, table: Table, keys: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        where = " AND ".join(f"{k} = ?" for k in keys)
        conn.exec_driver_sql(f"DELETE FROM {table.name} WHERE {where}", rows)
        return
    source, params = _pg_rows(table, keys, rows)
    where = " AND ".join(f"t.{k} = v.{k}" for k in keys)
    conn.exec_driver_sql(f"DELETE FROM {table.name} AS t USING {source} WHERE {where}", params)


RECORD_COLUMNS = (
    "county_code",
    "village_code",
    "entity",
    "id",
    "data",
    "versions",
    "seq",
    "deleted",
    "updated_at",
)
KEY_COLUMNS = ("county_code", "village_code", "entity", "field", "value", "record_id", "key_values")


def write_records(
    conn: Connection,
    spec: KeySpec,
    county: str,
    village: str,
    original: dict[str, Current],
    touched: dict[str, Current],
    now: int,
) -> None:
    """Insert new and update changed records, and keep ``record_keys`` in step."""
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    key_drops: list[tuple[Any, ...]] = []
    key_adds: list[tuple[Any, ...]] = []
    for record_id, new in touched.items():
        data, versions = jsontext.dumps(new.data), jsontext.dumps(new.versions)
        old = original.get(record_id)
        if old is None:
            inserts.append(
                (county, village, new.entity, record_id, data, versions, new.seq, new.deleted, now)
            )
        else:
            updates.append(
                (data, versions, new.seq, new.deleted, now, county, village, new.entity, record_id)
            )
        old_keys = {}
        if old is not None and not old.deleted:
            old_keys = old.keys if old.keys is not None else spec.values(old.entity, old.data)
        new_keys = {}
        if not new.deleted:
            new_keys = new.keys if new.keys is not None else spec.values(new.entity, new.data)
        if old_keys != new_keys:
            for name, value in spec.all_rows(new.entity, old_keys):
                key_drops.append((county, village, new.entity, name, value, record_id))
            text = jsontext.dumps(new_keys)
            for name, value in spec.rows(new.entity, new_keys):
                key_adds.append((county, village, new.entity, name, value, record_id, text))
    insert_rows(conn, records, RECORD_COLUMNS, inserts)
    update_rows(conn, records, RECORD_COLUMNS[:4], RECORD_COLUMNS[4:], updates)
    delete_rows(conn, record_keys, KEY_COLUMNS[:6], key_drops)
    insert_rows(conn, record_keys, KEY_COLUMNS, key_adds)
