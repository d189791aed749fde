"""Pull: pages of a village's records after a cursor, each with only the fields changed after it.

A record's ``seq`` is the counter value of its newest change and every change has its own number,
so paging by ``seq`` never splits or skips a change. Cursor 0 returns every field: the snapshot a new
laptop starts from.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sync import jsontext
from sync.protocol import PROTOCOL_VERSION
from sync.server.auth import Device
from sync.server.merge import DELETED
from sync.server.store import Store
from sync.server.tables import records

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


def pull(store: Store, device: Device, cursor: int, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """The PullResponse (as a plain dict) for records of the device's village after ``cursor``."""
    limit = max(1, min(limit, MAX_LIMIT))
    rc = records.c
    with store.read() as conn:
        rows = conn.execute(
            select(rc.entity, rc.id, rc.data, rc.versions, rc.seq, rc.deleted)
            .where(
                rc.county_code == device.county_code,
                rc.village_code == device.village_code,
                rc.seq > cursor,
            )
            .order_by(rc.seq)
            .limit(limit + 1)
        ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    out = []
    village = device.village_code
    for entity, record_id, data_text, versions_text, seq, deleted in rows:
        data = jsontext.loads(data_text)
        versions = jsontext.loads(versions_text)
        versions.pop(DELETED, None)
        if cursor > 0:
            versions = {k: v for k, v in versions.items() if v > cursor}
            data = {k: data.get(k) for k in versions}
        out.append(
            {
                "entity": entity,
                "id": record_id,
                "village_code": village,
                "seq": seq,
                "fields": data,
                "versions": versions,
                "deleted": bool(deleted),
            }
        )
    return {
        "records": out,
        "cursor": rows[-1][4] if rows else cursor,
        "more": more,
        "v": PROTOCOL_VERSION,
    }
