"""Initial schema: villages, records and their uniqueness keys, conflicts, batches, devices,
enrollment codes, nonces, staff users and tokens.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "device_id", "batch_id"),
    )
    op.create_table(
        "conflicts",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("base_version", sa.BigInteger(), nullable=False),
        sa.Column("base_value", sa.Text(), nullable=False),
        sa.Column("village_value", sa.Text(), nullable=False),
        sa.Column("county_value", sa.Text(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_by", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolved_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "village_code", "id"),
    )
    op.create_index("ix_conflicts_id", "conflicts", ["id"], unique=False)
    op.create_index(
        "ix_conflicts_status", "conflicts", ["county_code", "village_code", "status"], unique=False
    )
    op.create_table(
        "devices",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("enrolled_at", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "village_code", "device_id"),
    )
    op.create_index("ix_devices_id", "devices", ["device_id"], unique=True)
    op.create_table(
        "enroll_codes",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "village_code", "code_hash"),
    )
    op.create_index("ix_enroll_codes_hash", "enroll_codes", ["code_hash"], unique=True)
    op.create_table(
        "nonces",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "device_id", "nonce"),
    )
    op.create_index("ix_nonces_seen", "nonces", ["seen_at"], unique=False)
    op.create_table(
        "record_keys",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("key_values", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "entity", "field", "value", "record_id"),
    )
    op.create_table(
        "records",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "entity", "id"),
    )
    op.create_index("ix_records_id", "records", ["county_code", "id"], unique=False)
    op.create_index("ix_records_seq", "records", ["county_code", "village_code", "seq"], unique=False)
    op.create_table(
        "staff_tokens",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "token_hash"),
    )
    op.create_index("ix_staff_tokens_hash", "staff_tokens", ["token_hash"], unique=True)
    op.create_table(
        "users",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("scope_code", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "username"),
    )
    op.create_index("ix_users_username", "users", ["username"], unique=True)
    op.create_table(
        "villages",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code"),
    )
    op.create_index("ix_villages_township", "villages", ["county_code", "township_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_villages_township", table_name="villages")
    op.drop_table("villages")
    op.drop_index("ix_users_username", table_name="users")
    op.drop_table("users")
    op.drop_index("ix_staff_tokens_hash", table_name="staff_tokens")
    op.drop_table("staff_tokens")
    op.drop_index("ix_records_seq", table_name="records")
    op.drop_index("ix_records_id", table_name="records")
    op.drop_table("records")
    op.drop_table("record_keys")
    op.drop_index("ix_nonces_seen", table_name="nonces")
    op.drop_table("nonces")
    op.drop_index("ix_enroll_codes_hash", table_name="enroll_codes")
    op.drop_table("enroll_codes")
    op.drop_index("ix_devices_id", table_name="devices")
    op.drop_table("devices")
    op.drop_index("ix_conflicts_status", table_name="conflicts")
    op.drop_index("ix_conflicts_id", table_name="conflicts")
    op.drop_table("conflicts")
    op.drop_table("batches")
