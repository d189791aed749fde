"""The county server's tables (SQLAlchemy Core). Migrations in ``migrations/`` create the same shape.

Every per-village table carries ``county_code`` and ``village_code`` at the front of its primary key,
so the schema can be distributed by county code (Citus) without changes. Record data is one JSON text
per record: a batch is applied with one read and a few ``executemany`` writes, not a row per field.
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

villages = Table(
    "villages",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("township_code", String(9), nullable=False),
    Column("name", Text, nullable=False),
    # The village counter: bumped inside the transaction that accepts a change.
    Column("seq", BigInteger, nullable=False, default=0),
    Column("created_at", BigInteger, nullable=False),
    # The server database's identity for this village's laptops (a new one after a restore from a
    # backup: ``county-server restored``), and the counter when it began (0, or the restored value).
    Column("epoch", String(36), nullable=False, default=lambda: str(uuid.uuid4()), server_default=""),
    Column("epoch_seq", BigInteger, nullable=False, default=0, server_default="0"),
    Index("ix_villages_township", "county_code", "township_code"),
)

townships = Table(
    "townships",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("township_code", String(9), primary_key=True),
    Column("name", Text, nullable=False),
)
"""Township names (from the division table), so the staff desk names a township, not its code."""


records = Table(
    "records",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("entity", String(16), primary_key=True),
    Column("id", String(36), primary_key=True),
    # JSON object: form field -> value.
    Column("data", Text, nullable=False),
    # JSON object: field (or ``_deleted``) -> village counter value of its last accepted write.
    Column("versions", Text, nullable=False),
    # Newest field version of the record; pull pages by it.
    Column("seq", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_records_seq", "county_code", "village_code", "seq"),
    Index("ix_records_id", "county_code", "id"),
)

record_keys = Table(
    "record_keys",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("entity", String(16), primary_key=True),
    Column("field", String(32), primary_key=True),
    Column("value", String(64), primary_key=True),
    Column("record_id", String(36), primary_key=True),
    # JSON object: every key field of the record, so one index probe answers a multi-field rule.
    Column("key_values", Text, nullable=False),
)
"""For live records only: one row per value of a field that a uniqueness rule looks up first."""

conflicts = Table(
    "conflicts",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("entity", String(16), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("field", String(32), nullable=False),
    Column("base_version", BigInteger, nullable=False),
    Column("base_value", Text, nullable=False),
    Column("village_value", Text, nullable=False),
    Column("county_value", Text, nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("author", Text, nullable=False),
    Column("hlc", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("resolved_by", Text),
    Column("resolved_at", BigInteger),
    Column("resolution", Text),
    Column("note", Text),
    Column("resolved_seq", BigInteger),
    # The review item this value is part of (migration 0002).
    Column("item_id", String(36)),
    # ``_deleted`` conflicts of an edit against a county delete: JSON object of the fields the village
    # edited (field -> value), kept until staff decide (migration 0002).
    Column("fields", Text),
    Index("ix_conflicts_status", "county_code", "village_code", "status"),
    Index("ix_conflicts_id", "id"),
    Index("ix_conflicts_item", "county_code", "village_code", "item_id"),
)

review_items = Table(
    "review_items",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("entity", String(16), nullable=False),
    Column("record_id", String(36), nullable=False),
    # A form field, or ``_deleted`` for delete against edit.
    Column("field", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("base_version", BigInteger, nullable=False),
    Column("base_value", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("decided_by", Text),
    Column("decided_at", BigInteger),
    Column("choice", String(16)),
    # JSON: the value the decision left in the record (``_deleted``: true/false).
    Column("value", Text),
    # JSON object: ``restore`` fields written with the decision.
    Column("fields", Text),
    Column("note", Text),
    Column("decided_seq", BigInteger),
    Column("decided_version", BigInteger),
    Index("ix_review_items_list", "county_code", "status", "village_code", "created_at"),
    Index("ix_review_items_record", "county_code", "village_code", "record_id", "field", "status"),
    Index("ix_review_items_id", "id"),
)
"""One item per (record, field) with open conflicts: every competing value is a conflict row of it."""

review_history = Table(
    "review_history",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("item_id", String(36), nullable=False),
    # ``conflict`` or ``duplicate``.
    Column("kind", String(16), nullable=False),
    Column("entity", String(16), nullable=False),
    Column("record_id", String(36), nullable=False),
    Column("field", String(32), nullable=False),
    Column("choice", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False),
    # JSON list: every value the decision did not keep, with who sent it from which device and when.
    Column("set_aside", Text, nullable=False),
    Index("ix_review_history_record", "county_code", "village_code", "record_id"),
    Index("ix_review_history_item", "county_code", "item_id"),
)
"""The audit of every staff decision: who, when, why, what was kept and what was set aside."""

duplicate_decisions = Table(
    "duplicate_decisions",
    metadata,
    Column("county_code", String(6), primary_key=True),
    # Stable id of the group: a digest of the county and the resident ID (never the ID itself).
    Column("group_id", String(64), primary_key=True),
    Column("resident_id", String(64), nullable=False),
    # ``keep`` or ``not_same``.
    Column("decision", String(16), nullable=False),
    Column("kept_record_id", String(36)),
    # JSON list of [village_code, record_id]: the records the decision covered.
    Column("holders", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    Column("decided_at", BigInteger, nullable=False),
    Column("first_seen", BigInteger, nullable=False),
)
"""Staff decisions on a resident ID held by several live persons; one row per group, replaced
when a group that gained a new holder is decided again."""

batches = Table(
    "batches",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("device_id", String(36), primary_key=True),
    Column("batch_id", String(64), primary_key=True),
    Column("body_hash", String(64), nullable=False),
    # The encoded PushResponse exactly as first sent; NULL once pruned (``sync.server.prune``): the
    # row stays, so a resend of the batch is refused and never applied twice.
    Column("response", LargeBinary, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    # The village counter values this batch's writes took (none when it wrote nothing): every field
    # version in the range was written by this device, so a pull can leave them out for it.
    Column("seq_lo", BigInteger),
    Column("seq_hi", BigInteger),
    Index("ix_batches_device_seq", "county_code", "village_code", "device_id", "seq_hi"),
)
"""Stored push responses, replayed when a laptop resends a batch."""

devices = Table(
    "devices",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("device_id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("public_key", Text, nullable=False),
    Column("enrolled_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
    Index("ix_devices_id", "device_id", unique=True),
    # One key, one live device: else one device's signed request would pass for another's.
    Index(
        "ux_devices_live_key",
        "public_key",
        unique=True,
        sqlite_where=text("revoked_at IS NULL"),
        postgresql_where=text("revoked_at IS NULL"),
    ),
)

enroll_codes = Table(
    "enroll_codes",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("code_hash", String(64), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
    Column("device_id", String(36)),
    Index("ix_enroll_codes_hash", "code_hash", unique=True),
)

nonces = Table(
    "nonces",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    Column("device_id", String(36), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("seen_at", BigInteger, nullable=False),
    Index("ix_nonces_seen", "seen_at"),
)

users = Table(
    "users",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("username", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    # ``county`` or ``township``.
    Column("scope", String(16), nullable=False),
    # The county (6 digits) or township (9 digits) division code the user works for.
    Column("scope_code", String(12), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Index("ix_users_username", "username", unique=True),
)

staff_tokens = Table(
    "staff_tokens",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Index("ix_staff_tokens_hash", "token_hash", unique=True),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    # The user's county; empty for a name no user has (guesses at made-up names are counted too).
    Column("county_code", String(6), primary_key=True),
    # The client address and the user name as typed (also names no user has: a spray is counted).
    Column("address", String(64), primary_key=True),
    Column("username", String(64), primary_key=True),
    # Failed sign-ins since ``window_start`` (an attempt in progress counts until it succeeds).
    Column("failures", Integer, nullable=False),
    Column("window_start", BigInteger, nullable=False),
    Column("last_failure_at", BigInteger, nullable=False),
    # The last successful sign-in from this address: an address staff use is not slowed down when
    # others guess the same account's password (``sync.server.login_limits``).
    Column("last_success_at", BigInteger),
    Index("ix_login_attempts_user", "username", "window_start"),
    Index("ix_login_attempts_window", "window_start"),
)
"""Staff sign-in attempts per (client address, user name): the rate limits live here, so they
survive restarts and are shared by every server process over the database. Not village data."""

change_log = Table(
    "change_log",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    # The record; ``restore:<epoch>`` for the mark ``county-server restored`` leaves. A record's
    # history is one probe of the primary key (its village from ``records``): no second index to
    # keep up on every push.
    Column("record_id", String(48), primary_key=True),
    # The village counter value the write took (every accepted write takes its own).
    Column("seq", BigInteger, primary_key=True),
    Column("entity", String(16), nullable=False),
    # JSON object: field (or ``_deleted``) -> [old value, new value] of the fields this write changed.
    Column("changes", Text, nullable=False),
    # ``push``, ``resync`` (a laptop's change made before a restore, accepted after it), ``decision``,
    # ``duplicate``, ``restore``.
    Column("how", String(16), nullable=False),
    # The laptop user, or the staff account; the device ("" for staff).
    Column("author", Text, nullable=False),
    Column("device_id", String(36), nullable=False),
    # The laptop's clock stamp of the change (HLC, 0 for staff) and the server's time (unix s).
    Column("hlc", BigInteger, nullable=False),
    Column("server_at", BigInteger, nullable=False),
    # SQLite: the rows live in the primary key's B-tree, not in a second one beside it.
    sqlite_with_rowid=False,
)
"""Append-only: every accepted field write, in the transaction of the write (``sync.server.changelog``).
Never updated; never pruned with batches; kept at least the county's retention (``history_settings``)."""

counter_stamps = Table(
    "counter_stamps",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("village_code", String(12), primary_key=True),
    # The village counter after a commit that moved it (a push that wrote, a decision, a duplicate).
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    # A random number drawn for that commit (``sync.server.counter_stamps``).
    Column("stamp", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)
"""One row per commit that moved a village's counter: a laptop names the stamp of the commit it last
saw, so a database gone back to an older copy, whose counter reused those numbers for other writes,
finds another stamp there (``sync.server.counter_stamps``)."""

history_settings = Table(
    "history_settings",
    metadata,
    Column("county_code", String(6), primary_key=True),
    # Days the change log is kept at least; may only be lengthened.
    Column("retention_days", Integer, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)


form_versions = Table(
    "form_versions",
    metadata,
    # Published form versions (issue 17): the whole signed document, as county IT published it.
    # Version 1 is the app's built-in forms and never stored here. Per county: its key signs them.
    Column("county_code", String(6), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("document", Text, nullable=False),
    Column("published_at", BigInteger, nullable=False),
    Column("published_by", Text, nullable=False, server_default=""),
)
