"""The server database's identity (epoch): laptops compare it with the one they synced with, and a
laptop that meets a new one (a restore from backup, a new server) re-syncs from a snapshot.

Kept per village (every table is keyed by county and village): ``villages.epoch``, and
``villages.epoch_seq``, the village's counter when the epoch began: a field at or below it was
in the restored copy; above it, written since. ``county-server restored`` renews both.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("villages") as batch:
        batch.add_column(sa.Column("epoch", sa.String(36), nullable=False, server_default=""))
        batch.add_column(sa.Column("epoch_seq", sa.BigInteger(), nullable=False, server_default="0"))
    # One epoch for the villages already there; a village added later gets its own (tables.py).
    op.execute(sa.text("UPDATE villages SET epoch = :epoch").bindparams(epoch=str(uuid.uuid4())))


def downgrade() -> None:
    with op.batch_alter_table("villages") as batch:
        batch.drop_column("epoch_seq")
        batch.drop_column("epoch")
