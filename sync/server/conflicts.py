"""Conflict rows: one per value a laptop sent that the county did not take.

Staff work on review items (``sync.server.review``), which group the open rows of one (record,
field); decisions (``sync.server.decisions``) close every row of the item. This module lists the
raw rows and counts the open ones of a village for its laptops' status line.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, func, select

from sync.server.auth import StaffUser, staff_villages
from sync.server.errors import ApiError
from sync.server.store import Store
from sync.server.tables import conflicts, villages

MAX_LIST = 1000


def conflict_dict(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "entity": row.entity,
        "record_id": row.record_id,
        "village_code": row.village_code,
        "field": row.field,
        "base_version": row.base_version,
        "base_value": json.loads(row.base_value),
        "village_value": json.loads(row.village_value),
        "county_value": json.loads(row.county_value),
        "user": row.author,
        "device_id": row.device_id,
        "created_at": row.created_at,
        "status": row.status,
        "resolved_by": row.resolved_by,
        "resolved_at": row.resolved_at,
        "resolution": None if row.resolution is None else json.loads(row.resolution),
        "note": row.note,
        "resolved_seq": row.resolved_seq,
        "item_id": row.item_id,
        "fields": None if row.fields is None else json.loads(row.fields),
    }


def list_conflicts(
    store: Store,
    user: StaffUser,
    status: str = "open",
    village: str | None = None,
    *,
    offset: int = 0,
    limit: int = MAX_LIST,
) -> list[dict[str, Any]]:
    """A page of the conflicts of the villages the user works for, oldest first: the database
    sorts and cuts (at most ``MAX_LIST``), so a county with many open rows sends only the page."""
    if status not in ("open", "resolved", "all"):
        raise ApiError("malformed", "api.status_filter")
    cc, vc = conflicts.c, villages.c
    query = select(conflicts).where(cc.county_code == user.county_code)
    if village is not None:
        if village not in staff_villages(store, user):
            raise ApiError("forbidden")
        query = query.where(cc.village_code == village)
    elif user.scope != "county":
        township = select(vc.village_code).where(
            vc.county_code == user.county_code, vc.township_code == user.scope_code
        )
        query = query.where(cc.village_code.in_(township))
    if status != "all":
        query = query.where(cc.status == status)
    query = query.order_by(cc.created_at, cc.id).offset(offset).limit(max(0, min(limit, MAX_LIST)))
    with store.read() as conn:
        return [conflict_dict(r) for r in conn.execute(query)]


def open_conflict_count(store: Store, county_code: str, village_code: str) -> int:
    cc = conflicts.c
    with store.read() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    cc.county_code == county_code, cc.village_code == village_code, cc.status == "open"
                )
            ).scalar_one()
        )
