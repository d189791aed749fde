"""Township names, read from the division table with the villages, so the staff desk can say
"城关镇" rather than a nine-digit code.

Revision ID: 0010
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "townships",
        sa.Column("county_code", sa.String(6), primary_key=True),
        sa.Column("township_code", sa.String(9), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("townships")
