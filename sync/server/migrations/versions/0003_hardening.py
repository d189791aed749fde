"""Hardening (issue 10): one public key per live device; staff sign-in attempts in the database.

* ``ux_devices_live_key``: a unique index on the public key of devices not revoked. A database that
  already holds one key on several live devices keeps the earliest enrolled of them and revokes
  the others (their laptops enroll again with a new code and make their own keys).
* ``login_attempts``: failed staff sign-ins per (client address, user name), for rate limits that
  survive a restart and are shared by several server processes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _revoke_shared_keys() -> None:
    devices = sa.table(
        "devices",
        sa.column("device_id", sa.String),
        sa.column("public_key", sa.Text),
        sa.column("enrolled_at", sa.BigInteger),
        sa.column("revoked_at", sa.BigInteger),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(devices.c.device_id, devices.c.public_key)
        .where(devices.c.revoked_at.is_(None))
        .order_by(devices.c.enrolled_at, devices.c.device_id)
    ).all()
    seen: set[str] = set()
    later = []
    for device_id, key in rows:
        if key in seen:
            later.append(device_id)
        seen.add(key)
    if later:
        now = int(time.time())
        conn.execute(sa.update(devices).where(devices.c.device_id.in_(later)).values(revoked_at=now))


def upgrade() -> None:
    _revoke_shared_keys()
    op.create_index(
        "ux_devices_live_key",
        "devices",
        ["public_key"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("last_failure_at", sa.BigInteger(), nullable=False),
        sa.Column("last_success_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "address", "username"),
    )
    op.create_index("ix_login_attempts_user", "login_attempts", ["username", "window_start"], unique=False)
    op.create_index("ix_login_attempts_window", "login_attempts", ["window_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_login_attempts_window", table_name="login_attempts")
    op.drop_index("ix_login_attempts_user", table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_index("ux_devices_live_key", table_name="devices")
