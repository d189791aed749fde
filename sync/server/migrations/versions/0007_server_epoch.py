"""The server database's identity (epoch): laptops compare it with the one they synced with, and a
laptop that meets a new one (a restore from backup, a new server) re-syncs from a snapshot.

``villages.epoch_seq`` is each village's counter when the epoch began: a field at or below it was
in the restored copy; above it, written since. ``county-server restored`` renews both.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "server_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("epoch", sa.String(36), nullable=False),
        sa.Column("made_at", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "epoch": str(uuid.uuid4()), "made_at": int(time.time())}])
    with op.batch_alter_table("villages") as batch:
        batch.add_column(sa.Column("epoch_seq", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("villages") as batch:
        batch.drop_column("epoch_seq")
    op.drop_table("server_identity")
