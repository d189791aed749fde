"""A stored push answer may be pruned (``sync.server.prune``): ``batches.response`` becomes nullable.
The row itself stays, so a resend of a pruned batch is refused and never applied twice.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        batch.alter_column("response", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # Pruned answers cannot come back: their rows go (a resend is then applied as a new batch).
    op.execute("DELETE FROM batches WHERE response IS NULL")
    with op.batch_alter_table("batches") as batch:
        batch.alter_column("response", existing_type=sa.LargeBinary(), nullable=False)
