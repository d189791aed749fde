"""Record history: an append-only change log of every accepted field write, and the county's
retention of it (which may only be lengthened).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.String(length=48), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("server_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "record_id", "seq"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "history_settings",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code"),
    )


def downgrade() -> None:
    op.drop_table("history_settings")
    op.drop_table("change_log")
