"""Alembic migrations of the county server database, run by ``sync.server.store.migrate``."""
