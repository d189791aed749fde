"""Alembic environment: runs on the connection handed over by ``sync.server.store.migrate``."""

from __future__ import annotations

from alembic import context

from sync.server.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the server always hands a connection over
    raise RuntimeError("run migrations through sync.server.store.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
