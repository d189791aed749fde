"""Counter stamps (issue 15): a random stamp per commit that moves a village's counter, so a laptop
can show which history its counter values belong to (``sync.server.counter_stamps``). Each village's
counter as it stands now gets a stamp of its own: a laptop that synced before the upgrade names no
stamp and is not checked; one that syncs after it learns these.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "counter_stamps",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "seq"),
        sqlite_with_rowid=False,
    )
    villages = sa.table("villages", sa.column("county_code"), sa.column("village_code"), sa.column("seq"))
    conn = op.get_bind()
    rows = conn.execute(sa.select(villages).where(villages.c.seq > 0)).all()
    if rows:
        op.bulk_insert(
            table,
            # The same draw as ``counter_stamps.draw`` (a migration does not import app code).
            [
                {"county_code": c, "village_code": v, "seq": s, "stamp": secrets.randbits(63) or 1}
                for c, v, s in rows
            ],
        )


def downgrade() -> None:
    op.drop_table("counter_stamps")
