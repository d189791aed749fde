"""Migrations create exactly the tables the code uses, on both backends, and can run twice."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sync.server.store import Store, database_url
from sync.server.tables import metadata


def test_migrated_schema_matches_the_tables(store: Store) -> None:
    store.migrate()  # again: idempotent
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    names = set(inspect(store.engine).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= names


def test_every_table_is_keyed_by_county_and_village_or_county() -> None:
    for table in metadata.sorted_tables:
        keys = [c.name for c in table.primary_key.columns]
        assert keys[0] == "county_code", table.name


def test_database_url_from_a_path(tmp_path) -> None:
    assert database_url(tmp_path / "x.db").startswith("sqlite+pysqlite:///")
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
