"""Settling a push answer into the local records: what ``StoreReplica.apply_push``
(``desktop.storage.replica``) does for each acknowledged record, inside its transaction.

A record takes the versions the server wrote. A field in conflict (the server kept the county value)
takes the county value if a pull brought it first, kept aside as a *shadow*, and the official's own
value waits on the township (``review.hold``). A field neither written nor in conflict goes back to
the edit's base. Later local edits of the record are rebased onto what was just accepted.
"""

from __future__ import annotations

import json
from typing import Any

from desktop.storage import outbox, review, sync_state
from desktop.storage.database import Database
from desktop.storage.sent import Sent
from sync import jsontext, protocol
from sync.protocol import DELETED

_chunks = outbox.chunks


def _dumps(value: Any) -> str:
    return jsontext.dumps(value)


def settle_records(
    conn: Any,
    db: Database,
    columns_of: dict[str, set[str]],
    entity: str,
    pairs: list[tuple[Sent, protocol.ChangeResult]],
    later: dict[tuple[str, str], list[int]],
    shadows: set[str],
) -> None:
    """Bring local records in line with what the server did with the changes (``pairs``: the sent
    changes of ``entity`` the server acknowledged, with its results; ``later``: the outbox rows of
    each record written after the batch was made; ``shadows``: the shadow keys there are; ``db``:
    the store's database, which a record's shadow is read through)."""
    rows: dict[str, tuple[str, int]] = {}
    ids = [c.id for c, _ in pairs]
    for part in _chunks(ids):
        marks = ", ".join("?" * len(part))
        for record_id, versions_text, seq in conn.execute(
            f"SELECT id, versions, seq FROM {entity} WHERE id IN ({marks})", part
        ).fetchall():
            rows[record_id] = (versions_text, seq)
    simple: list[tuple[str, int, str]] = []
    for sent, result in pairs:
        if sent.id not in rows:
            continue
        versions_text, seq = rows[sent.id]
        versions = jsontext.loads(versions_text) if versions_text != "{}" else {}
        for name, version in result.versions.items():
            if version > versions.get(name, 0):
                versions[name] = version
        new_seq = max(seq, result.seq)
        shadow_key = f"{sync_state.SHADOW}{entity}/{sent.id}"
        pending_later = later.get((entity, sent.id), [])
        # A delete writes no field (result.versions is empty): it takes the careful path.
        if result.versions and not result.conflicts and not pending_later and shadow_key not in shadows:
            simple.append((_dumps(versions), new_seq, sent.id))  # the usual case
            continue
        _settle_one(conn, db, columns_of, sent.change(), result, versions, new_seq, pending_later, shadow_key)
    conn.executemany(f"UPDATE {entity} SET versions = ?, seq = ? WHERE id = ?", simple)


def _settle_one(
    conn: Any,
    db: Database,
    columns_of: dict[str, set[str]],
    change: protocol.Change,
    result: protocol.ChangeResult,
    versions: dict[str, int],
    new_seq: int,
    pending_later: list[int],
    shadow_key: str,
) -> None:
    """Conflicts, shadows and later local edits of one record."""
    entity = change.entity
    columns = columns_of[entity]
    sets: dict[str, Any] = {}
    shadow: dict[str, Any] = sync_state.read(db, shadow_key, {})
    for name in result.conflicts:
        # The server kept the county value: take it if we have seen it (else a pull brings it).
        # The official's own value waits on the township in ``review_wait`` (never dropped).
        if name == DELETED:
            kept = shadow.pop(DELETED, None)
            sets["deleted"] = int(kept[1]) if kept else (0 if change.deleted else 1)
            edited = {k: v for k, v in change.fields.items() if k in columns}
            review.hold(
                conn,
                entity,
                change.id,
                DELETED,
                bool(change.deleted),
                county_value=bool(sets["deleted"]),
                base_value=False,
                my_fields={} if change.deleted else edited,
                user=change.user,
            )
            continue
        county: Any = None
        if name in shadow and name in columns:
            version, value = shadow.pop(name)
            sets[name] = value
            versions[name] = version
            county = value
        review.hold(
            conn,
            entity,
            change.id,
            name,
            change.fields.get(name),
            county_value=county,
            base_value=change.base_values.get(name),
            user=change.user,
        )
    for name in change.fields:
        # Neither written nor in conflict (a delete, or an edit of a record the county deleted):
        # the county kept its value and no pull will bring it, so go back to the edit's base.
        if name in result.versions or name in result.conflicts or name not in columns:
            continue
        if name in shadow:
            version, sets[name] = shadow.pop(name)
        else:
            version = change.base.get(name, 0)
            sets[name] = change.base_values.get(name)
        versions[name] = version
        if not version:
            versions.pop(name)
    for name in result.versions:
        shadow.pop(name, None)  # the server now holds our value for it
    sets["versions"] = _dumps(versions)
    sets["seq"] = new_seq
    assignments = ", ".join(f"{name} = ?" for name in sets)
    conn.execute(f"UPDATE {entity} SET {assignments} WHERE id = ?", (*sets.values(), change.id))
    # Later local edits of this record were made on top of what was just accepted: rebase them.
    for part in _chunks(pending_later):
        marks = ", ".join("?" * len(part))
        for seq, base_text, base_seq in conn.execute(
            f"SELECT seq, base, base_seq FROM outbox WHERE seq IN ({marks})", part
        ).fetchall():
            base = json.loads(base_text)
            for name in base:
                if name in result.versions and name not in result.conflicts and name in change.fields:
                    base[name] = [result.versions[name], change.fields[name]]
            conn.execute(
                "UPDATE outbox SET base = ?, base_seq = ? WHERE seq = ?",
                (_dumps(base), max(base_seq, result.seq), seq),
            )
    if not pending_later or not shadow:
        sync_state.delete(conn, shadow_key)
    else:
        sync_state.write(conn, shadow_key, shadow)
