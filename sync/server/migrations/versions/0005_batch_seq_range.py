"""Each stored batch keeps the village counter range its writes took, so a pull can leave out what
the asking laptop wrote itself (it has those values and their versions from the push answer).

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("seq_lo", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("seq_hi", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_batches_device_seq", "batches", ["county_code", "village_code", "device_id", "seq_hi"]
    )


def downgrade() -> None:
    op.drop_index("ix_batches_device_seq", table_name="batches")
    with op.batch_alter_table("batches") as batch:
        batch.drop_column("seq_hi")
        batch.drop_column("seq_lo")
