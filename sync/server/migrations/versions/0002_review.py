"""Township review: one item per (record, field) with every competing value, decisions with the
version they were made on, an audit of every decision, duplicate-resident decisions, and the
village's edited fields kept with a delete-against-edit conflict.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conflicts") as batch:
        batch.add_column(sa.Column("item_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("fields", sa.Text(), nullable=True))
    op.create_index("ix_conflicts_item", "conflicts", ["county_code", "village_code", "item_id"])
    op.create_table(
        "review_items",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("base_version", sa.BigInteger(), nullable=False),
        sa.Column("base_value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.BigInteger(), nullable=True),
        sa.Column("choice", sa.String(length=16), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_seq", sa.BigInteger(), nullable=True),
        sa.Column("decided_version", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "village_code", "id"),
    )
    op.create_index(
        "ix_review_items_list", "review_items", ["county_code", "status", "village_code", "created_at"]
    )
    op.create_index(
        "ix_review_items_record",
        "review_items",
        ["county_code", "village_code", "record_id", "field", "status"],
    )
    op.create_index("ix_review_items_id", "review_items", ["id"])
    op.create_table(
        "review_history",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("set_aside", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "village_code", "id"),
    )
    op.create_index(
        "ix_review_history_record", "review_history", ["county_code", "village_code", "record_id"]
    )
    op.create_index("ix_review_history_item", "review_history", ["county_code", "item_id"])
    op.create_table(
        "duplicate_decisions",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("resident_id", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("kept_record_id", sa.String(length=36), nullable=True),
        sa.Column("holders", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.BigInteger(), nullable=False),
        sa.Column("first_seen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "group_id"),
    )

    _items_for_open_conflicts()


def _items_for_open_conflicts() -> None:
    """Open conflicts made before this revision become items (one per record and field)."""
    import uuid

    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT county_code, village_code, id, entity, record_id, field, base_version, base_value,"
            " created_at FROM conflicts WHERE status = 'open' ORDER BY created_at, id"
        )
    ).all()
    items: dict[tuple[str, str, str, str], str] = {}
    for county, village, conflict_id, entity, record_id, field, base_version, base_value, created in rows:
        key = (county, village, record_id, field)
        if key not in items:
            items[key] = str(uuid.uuid4())
            conn.execute(
                sa.text(
                    "INSERT INTO review_items (county_code, village_code, id, entity, record_id, field,"
                    " status, base_version, base_value, created_at, updated_at)"
                    " VALUES (:c, :v, :id, :e, :r, :f, 'open', :bv, :bval, :t, :t)"
                ),
                {
                    "c": county,
                    "v": village,
                    "id": items[key],
                    "e": entity,
                    "r": record_id,
                    "f": field,
                    "bv": base_version,
                    "bval": base_value,
                    "t": created,
                },
            )
        conn.execute(
            sa.text(
                "UPDATE conflicts SET item_id = :i WHERE county_code = :c AND village_code = :v AND id = :id"
            ),
            {"i": items[key], "c": county, "v": village, "id": conflict_id},
        )


def downgrade() -> None:
    op.drop_table("duplicate_decisions")
    op.drop_index("ix_review_history_item", table_name="review_history")
    op.drop_index("ix_review_history_record", table_name="review_history")
    op.drop_table("review_history")
    op.drop_index("ix_review_items_id", table_name="review_items")
    op.drop_index("ix_review_items_record", table_name="review_items")
    op.drop_index("ix_review_items_list", table_name="review_items")
    op.drop_table("review_items")
    op.drop_index("ix_conflicts_item", table_name="conflicts")
    with op.batch_alter_table("conflicts") as batch:
        batch.drop_column("fields")
        batch.drop_column("item_id")
