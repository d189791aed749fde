"""The official's values waiting on the township (table ``review_wait``, migration ``0004_review_wait``).

When the server keeps the county value of a field the laptop sent (a conflict), the replica puts
the county value in place so the laptop equals the server; the official's own value is kept here,
in the encrypted store, until the township decides. A sync run then asks the server for the state
of these items (``GET /api/v1/review``) and records the outcome (decision, value, note).
"""

from __future__ import annotations

import json
import time
from typing import Any

from sync import jsontext
from sync.protocol import DELETED

WAITING, DECIDED = "waiting", "decided"


def _dumps(value: Any) -> str:
    return jsontext.dumps(value)


def hold(
    conn: Any,
    entity: str,
    record_id: str,
    field: str,
    my_value: Any,
    *,
    county_value: Any = None,
    base_value: Any = None,
    my_fields: dict[str, Any] | None = None,
    user: str = "",
    now: float | None = None,
) -> None:
    """Keep the official's value of a field the county did not take (inside the settling transaction).

    A newer conflict on the same field replaces the older row: the newest value sent is the one
    waiting (the older one is on the server, in the same review item).
    """
    now = time.time() if now is None else now
    conn.execute(
        "INSERT INTO review_wait (entity, record_id, field, my_value, my_fields, county_value, base_value,"
        " user, status, created_at, updated_at, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, 0)"
        " ON CONFLICT (entity, record_id, field) DO UPDATE SET my_value = excluded.my_value,"
        " my_fields = excluded.my_fields, county_value = excluded.county_value,"
        " base_value = excluded.base_value, user = excluded.user, status = 'waiting', item_id = NULL,"
        " choice = NULL, decided_value = NULL, note = NULL, decided_by = NULL, decided_at = NULL,"
        " updated_at = excluded.updated_at, seen = 0",
        (
            entity,
            record_id,
            field,
            _dumps(my_value),
            _dumps(my_fields or {}),
            _dumps(county_value),
            _dumps(base_value),
            user,
            now,
            now,
        ),
    )


def settled(conn: Any, results: list[tuple[Any, Any]]) -> int:
    """After a push answer: a waiting value the county now holds, sent again and taken (after a
    restore the item may be gone, so no decision would ever come), waits no longer. ``results``:
    (``desktop.storage.sent.Sent``, ``protocol.ChangeResult``) of the acknowledged records. One
    read of the (usually empty) waiting rows; returns how many were closed."""
    waiting: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    for entity, record_id, field, my_value in conn.execute(
        "SELECT entity, record_id, field, my_value FROM review_wait WHERE status = 'waiting'"
    ).fetchall():
        waiting.setdefault((entity, record_id), []).append((field, json.loads(my_value)))
    if not waiting:
        return 0
    closed = 0
    for sent, result in results:
        rows = waiting.get((sent.entity, sent.id))
        if not rows:
            continue
        change = sent.change()
        for field, mine in rows:
            if field in result.conflicts:
                continue
            if field == DELETED:
                taken = bool(change.deleted) == bool(mine)
            else:
                taken = field in result.versions and field in change.fields and change.fields[field] == mine
            if taken:
                closed += conn.execute(
                    "DELETE FROM review_wait WHERE entity = ? AND record_id = ? AND field = ?"
                    " AND status = 'waiting'",
                    (sent.entity, sent.id, field),
                ).rowcount
    return closed


def waiting_record_ids(db: Any) -> list[str]:
    """Records with a value still waiting on the township (what a sync run asks the server about)."""
    return [r[0] for r in db.query("SELECT DISTINCT record_id FROM review_wait WHERE status = 'waiting'")]


def apply_states(conn: Any, states: list[dict[str, Any]], now: float | None = None) -> int:
    """Record what the server says about waiting items: the item id and county value while open,
    the decision once decided. Returns how many rows became decided."""
    now = time.time() if now is None else now
    decided = 0
    for s in states:
        entity, record_id, field = s.get("entity"), s.get("record_id"), s.get("field")
        if not isinstance(entity, str) or not isinstance(record_id, str) or not isinstance(field, str):
            continue
        county = (s.get("county") or {}).get("value")
        decision = s.get("decision")
        if s.get("status") == "decided" and isinstance(decision, dict):
            value = decision.get("value")
            if field == DELETED and decision.get("fields"):
                value = {"deleted": value, "fields": decision.get("fields")}
            cur = conn.execute(
                "UPDATE review_wait SET status = 'decided', item_id = ?, choice = ?, decided_value = ?,"
                " note = ?, decided_by = ?, decided_at = ?, county_value = ?, updated_at = ?, seen = 0"
                " WHERE entity = ? AND record_id = ? AND field = ? AND status = 'waiting'",
                (
                    s.get("id"),
                    str(decision.get("choice") or ""),
                    _dumps(value),
                    str(decision.get("note") or ""),
                    str(decision.get("decided_by") or ""),
                    float(decision.get("decided_at") or 0),
                    _dumps(county),
                    now,
                    entity,
                    record_id,
                    field,
                ),
            )
            decided += cur.rowcount
        else:
            conn.execute(
                "UPDATE review_wait SET item_id = ?, county_value = ?, updated_at = ?"
                " WHERE entity = ? AND record_id = ? AND field = ? AND status = 'waiting'",
                (s.get("id"), _dumps(county), now, entity, record_id, field),
            )
    return decided


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)
