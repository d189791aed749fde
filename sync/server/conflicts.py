"""Conflicts for township staff: list them, resolve them, and find duplicate residents across villages.

A resolution is an ordinary change on top of the county's current version: it takes the village lock,
bumps the counter and the field's version, so every laptop of the village pulls the decision. The
conflict row keeps who resolved it, when, with which value and why.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Row, func, select, update

from sync.server.auth import StaffUser, staff_villages
from sync.server.errors import ApiError
from sync.server.keys import BatchLookup
from sync.server.merge import DELETED, Current
from sync.server.push import Rules, load_records, problem_dict
from sync.server.store import Store, chunks, lock_village, set_village_seq
from sync.server.tables import conflicts, record_keys, records, villages
from sync.server.writes import dumps, write_records

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
    }


def list_conflicts(
    store: Store, user: StaffUser, status: str = "open", village: str | None = None
) -> list[dict[str, Any]]:
    """Conflicts of the villages the user works for, oldest first."""
    if status not in ("open", "resolved", "all"):
        raise ApiError("malformed", "status is open, resolved or all.", "status 应为 open、resolved 或 all。")
    codes = list(staff_villages(store, user))
    if village is not None:
        if village not in codes:
            raise ApiError("forbidden")
        codes = [village]
    cc = conflicts.c
    out: list[dict[str, Any]] = []
    with store.read() as conn:
        for part in chunks(codes):
            query = select(conflicts).where(cc.county_code == user.county_code, cc.village_code.in_(part))
            if status != "all":
                query = query.where(cc.status == status)
            out.extend(conflict_dict(r) for r in conn.execute(query.order_by(cc.created_at, cc.id)))
    out.sort(key=lambda c: (c["created_at"], c["id"]))
    return out[:MAX_LIST]


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


def resolve(
    store: Store, rules: Rules, user: StaffUser, conflict_id: str, value: Any, note: str, *, today: date
) -> tuple[dict[str, Any], int]:
    """Write the chosen value as a new change and close the conflict. Returns (conflict, new seq)."""
    cc = conflicts.c
    allowed = set(staff_villages(store, user))
    now = store.now()
    with store.write() as conn:
        row = conn.execute(
            select(conflicts).where(cc.county_code == user.county_code, cc.id == conflict_id)
        ).first()
        if row is None:
            raise ApiError("not_found")
        if row.village_code not in allowed:
            raise ApiError("forbidden")
        seq = lock_village(conn, row.county_code, row.village_code)
        row = conn.execute(
            select(conflicts).where(
                cc.county_code == row.county_code, cc.village_code == row.village_code, cc.id == conflict_id
            )
        ).one()
        if row.status != "open":
            raise ApiError("already_resolved")
        cur = load_records(conn, row.county_code, row.village_code, [row.record_id]).get(row.record_id)
        if cur is None:  # pragma: no cover - a conflict is only made against a stored record
            raise ApiError("not_found")
        new = _resolved(rules, row.field, value, cur)
        if not new.deleted:
            lookup = BatchLookup(conn, rules.keys, row.county_code, row.village_code)
            lookup.own(cur.entity, row.record_id, rules.keys.values(cur.entity, new.data))
            record = {**new.data, "id": row.record_id, "village_code": row.village_code}
            problems = rules.forms.validate(cur.entity, record, lookup=lookup, today=today)
            if problems:
                raise ApiError("invalid", extra={"problems": [problem_dict(p) for p in problems]})
        seq += 1
        new.seq = seq
        new.versions[row.field] = seq
        write_records(
            conn,
            rules.keys,
            row.county_code,
            row.village_code,
            {row.record_id: cur},
            {row.record_id: new},
            now,
        )
        set_village_seq(conn, row.county_code, row.village_code, seq)
        stored_value = new.deleted if row.field == DELETED else new.data.get(row.field)
        conn.execute(
            update(conflicts)
            .where(
                cc.county_code == row.county_code, cc.village_code == row.village_code, cc.id == conflict_id
            )
            .values(
                status="resolved",
                resolved_by=user.username,
                resolved_at=now,
                resolution=dumps(stored_value),
                note=note[:1000],
                resolved_seq=seq,
            )
        )
        done = conn.execute(
            select(conflicts).where(
                cc.county_code == row.county_code, cc.village_code == row.village_code, cc.id == conflict_id
            )
        ).one()
    return conflict_dict(done), seq


def _resolved(rules: Rules, field: str, value: Any, cur: Current) -> Current:
    data = dict(cur.data)
    deleted = cur.deleted
    if field == DELETED:
        if not isinstance(value, bool):
            raise ApiError(
                "invalid", "Choose true (deleted) or false (kept).", "请选择删除（true）或保留（false）。"
            )
        deleted = value
    else:
        form = rules.forms[cur.entity]
        if field not in form.field_names:
            raise ApiError("invalid")
        data[field] = rules.forms.normalize(cur.entity, {field: value})[field]
    return Current(cur.entity, data, dict(cur.versions), cur.seq, deleted)


def _mask(resident_id: str) -> str:
    return resident_id[:6] + "*" * max(0, len(resident_id) - 10) + resident_id[-4:]


def duplicates(store: Store, user: StaffUser) -> list[dict[str, Any]]:
    """Resident IDs held by live persons in more than one village, touching the user's villages."""
    allowed = set(staff_villages(store, user))
    kc = record_keys.c
    rc = records.c
    with store.read() as conn:
        values = (
            conn.execute(
                select(kc.value)
                .where(kc.county_code == user.county_code, kc.entity == "person", kc.field == "resident_id")
                .group_by(kc.value)
                .having(func.count(func.distinct(kc.village_code)) > 1)
                .order_by(kc.value)
                .limit(MAX_LIST)
            )
            .scalars()
            .all()
        )
        holders: dict[str, list[tuple[str, str]]] = {}
        for part in chunks(values):
            for value, village, record_id in conn.execute(
                select(kc.value, kc.village_code, kc.record_id).where(
                    kc.county_code == user.county_code,
                    kc.entity == "person",
                    kc.field == "resident_id",
                    kc.value.in_(part),
                )
            ):
                holders.setdefault(value, []).append((village, record_id))
        names = dict(
            conn.execute(
                select(villages.c.village_code, villages.c.name).where(
                    villages.c.county_code == user.county_code
                )
            ).all()
        )
        out = []
        for value in values:
            group = sorted(holders.get(value, []))
            if not any(v in allowed for v, _ in group):
                continue
            entries = []
            for village, record_id in group:
                entry: dict[str, Any] = {
                    "village_code": village,
                    "village_name": names.get(village, ""),
                    "entity": "person",
                    "record_id": record_id,
                }
                if village in allowed:
                    data_text = conn.execute(
                        select(rc.data).where(
                            rc.county_code == user.county_code,
                            rc.village_code == village,
                            rc.entity == "person",
                            rc.id == record_id,
                        )
                    ).scalar()
                    data = json.loads(data_text) if data_text else {}
                    entry["name"] = data.get("name")
                    entry["household_id"] = data.get("household_id")
                entries.append(entry)
            out.append({"resident_id_masked": _mask(value), "records": entries})
    return out
