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


def test_migration_0002_turns_the_open_conflicts_of_a_0001_database_into_items(tmp_path) -> None:
    from sqlalchemy import select, text

    from sync.server.tables import conflicts, review_items
    from tests.sync.server.conftest import migrate_to

    store = Store(tmp_path / "old.db")
    migrate_to(store, "0001")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO conflicts (county_code, village_code, id, entity, record_id, field,"
                " base_version, base_value, village_value, county_value, device_id, author, hlc,"
                " created_at, status) VALUES ('110105', '110105001001', 'c1', 'person', 'r1', 'phone',"
                " 1, '\"1\"', '\"2\"', '\"3\"', 'd1', 'u', 0, 5, 'open')"
            )
        )
    store.migrate()
    with store.read() as conn:
        (row,) = conn.execute(select(conflicts)).all()
        (item,) = conn.execute(select(review_items)).all()
        assert (row.id, row.village_value, row.item_id, row.fields) == ("c1", '"2"', item.id, None)
        assert (item.record_id, item.field, item.status, item.base_value) == ("r1", "phone", "open", '"1"')
    store.close()
