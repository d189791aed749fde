"""This laptop's own edits of a record not yet acknowledged by the county server (the outbox), as
history entries: each local save, the fields it wrote, the value before (from the base the edit was
made on) and after. Shown when the server cannot be asked."""

from __future__ import annotations

from typing import Any

from sync import jsontext
from sync.hlc import stamp_ms
from sync.protocol import DELETED


def pending_edits(db: Any, entity: str, record_id: str, field: str | None = None) -> list[dict[str, Any]]:
    """Oldest first, in the shape of the server's history entries (``how`` is ``local``)."""
    rows = db.query(
        "SELECT seq, fields, base, deleted, hlc, user FROM outbox WHERE entity = ? AND record_id = ?"
        " ORDER BY seq",
        (entity, record_id),
    )
    out: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for _seq, fields_text, base_text, deleted, hlc, user in rows:
        base = jsontext.loads(base_text) if base_text and base_text != "{}" else {}
        changes = dict(jsontext.loads(fields_text))
        if deleted:
            changes[DELETED] = True
        for name, new in changes.items():
            if field is not None and name != field:
                continue
            if name in last:
                old = last[name]
            elif name in base:
                old = base[name][1]
            else:
                old = None
            last[name] = new
            out.append(
                {
                    "field": name,
                    "old": old,
                    "new": new,
                    "how": "local",
                    "author": str(user or ""),
                    "device_name": "",
                    "laptop_at": stamp_ms(int(hlc)) // 1000 if hlc else 0,
                    "server_at": 0,
                }
            )
    return out
