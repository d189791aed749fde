"""Duplicate residents: one resident ID active (not deleted, not moved out, not deceased) in more
than one person record of the county — two households, or two villages.

A group is identified by a digest of the county and the resident ID (the ID itself never appears in
a URL). Staff keep one record — the others become ``moved_out``, each an ordinary change on the
current version that reaches the laptops of its village by pull, linked to the kept record in the
decision — or mark "not the same person". A decided group stays decided until a new record with the
same ID appears. Every decision is in ``review_history`` (kind ``duplicate``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text

from sync.server import changelog, review
from sync.server.auth import StaffUser
from sync.server.decisions import write_history
from sync.server.errors import ApiError
from sync.server.merge import Current
from sync.server.push import Rules, load_records
from sync.server.store import Store, chunks, lock_village, set_village_seq
from sync.server.tables import duplicate_decisions, record_keys, villages
from sync.server.writes import dumps, write_records
from sync.textsafety import clean_note

INACTIVE = ("moved_out", "deceased")
MAX_GROUPS = 1000


def group_id(county: str, resident_id: str) -> str:
    return hashlib.sha256(f"{county}:{resident_id}".encode()).hexdigest()[:32]


def _made_at(record_ids: list[str]) -> int:
    """When the group appeared: the creation time (unix s) of its newest record, read from the
    UUIDv7 id the laptop made offline (0 for an id that is not a UUIDv7)."""
    times = []
    for record_id in record_ids:
        digits = record_id.replace("-", "")
        if len(digits) == 32 and digits[12] == "7":
            times.append(int(digits[:12], 16) // 1000)
    return max(times, default=0)


def _mask(resident_id: str) -> str:
    return resident_id[:6] + "*" * max(0, len(resident_id) - 10) + resident_id[-4:]


def _current(conn: Connection, county: str) -> dict[str, list[tuple[str, str]]]:
    """resident ID -> [(village, record id)] of active persons, for IDs held by two or more."""
    kc = record_keys.c
    where = (kc.county_code == county, kc.entity == "person", kc.field == "resident_id")
    values = (
        conn.execute(
            select(kc.value).where(*where).group_by(kc.value).having(func.count() > 1).order_by(kc.value)
        )
        .scalars()
        .all()
    )
    holders: dict[str, list[tuple[str, str]]] = {}
    for part in chunks(values):
        for value, village, record_id in conn.execute(
            select(kc.value, kc.village_code, kc.record_id).where(*where, kc.value.in_(part))
        ):
            holders.setdefault(value, []).append((village, record_id))
    states = review._record_states(conn, county, {r for hs in holders.values() for _, r in hs})
    out = {}
    for value, hs in holders.items():
        active = sorted((v, r) for v, r in hs if r in states and states[r][1].get("status") not in INACTIVE)
        if len(active) > 1:
            out[value] = active
    return out


def groups(store: Store, user: StaffUser, allowed: set[str], status: str = "open") -> list[dict[str, Any]]:
    county = user.county_code
    dc = duplicate_decisions.c
    with store.read() as conn:
        current = _current(conn, county)
        decided = {
            r.group_id: r for r in conn.execute(select(duplicate_decisions).where(dc.county_code == county))
        }
        entries: list[tuple[str, str, list[tuple[str, str]], Any]] = []
        for resident_id, holders in current.items():
            gid = group_id(county, resident_id)
            d = decided.get(gid)
            covered = d is not None and set(map(tuple, json.loads(d.holders))) >= set(holders)
            state = "decided" if covered else "open"
            if status in (state, "all"):
                entries.append((gid, resident_id, holders, d if covered else None))
        if status in ("decided", "all"):
            shown = {e[0] for e in entries}
            for gid, d in decided.items():
                if gid not in shown:
                    entries.append((gid, d.resident_id, [tuple(h) for h in json.loads(d.holders)], d))
        entries = [e for e in entries if any(v in allowed for v, _ in e[2])][:MAX_GROUPS]
        return _dicts(conn, county, allowed, entries)


def _dicts(
    conn: Connection, county: str, allowed: set[str], entries: list[tuple[str, str, list[Any], Any]]
) -> list[dict[str, Any]]:
    states = review._record_states(conn, county, {r for e in entries for _, r in e[2]})
    contexts = review.record_contexts(conn, county, states)
    names = dict(
        conn.execute(
            select(villages.c.village_code, villages.c.name).where(villages.c.county_code == county)
        ).all()
    )
    out = []
    for gid, resident_id, holders, d in entries:
        rows = []
        for village, record_id in holders:
            entry: dict[str, Any] = {
                "record_id": record_id,
                "village_code": village,
                "village_name": names.get(village, ""),
                "visible": village in allowed,
            }
            if village in allowed and record_id in states:
                data = states[record_id][1]
                context = contexts.get(record_id, {})
                entry.update(
                    name=data.get("name"),
                    household_id=data.get("household_id"),
                    household_no=context.get("household_no"),
                    head_name=context.get("head_name"),
                    status=data.get("status"),
                )
            rows.append(entry)
        group: dict[str, Any] = {
            "id": gid,
            "resident_id_masked": _mask(resident_id),
            "holders": rows,
            "status": "decided" if d is not None else "open",
            "created_at": _made_at([r for _, r in holders]) or (d.first_seen if d is not None else 0),
        }
        if d is not None:
            group.update(
                decision=d.decision,
                kept_record_id=d.kept_record_id,
                note=d.note,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
            )
        out.append(group)
    return out


def decide(
    store: Store,
    rules: Rules,
    user: StaffUser,
    allowed: set[str],
    gid: str,
    keep: str | None,
    not_same: bool,
    note: str,
    *,
    today: date,
    seen: list[str] | None = None,
) -> dict[str, Any]:
    """Keep ``keep`` (the other holders become moved-out) or mark the group "not the same person".

    Two desks deciding one group at once: decisions of a county's duplicates are serialised (and
    every village of the group locked), so the second one finds the group decided and gets 409
    ``already_decided``. ``seen`` (the record ids the desk showed) gives 409 ``stale`` when the group
    changed since."""
    county = user.county_code
    note = clean_note(note)
    if not note:
        raise ApiError("note_required")
    if not_same == (keep is not None):
        raise ApiError("invalid", "api.duplicate_keep_or_not_same", extra={"problems": []})
    now = store.now()
    dc = duplicate_decisions.c
    with store.write() as conn:
        _lock_county_duplicates(conn, county)
        found = _find(conn, county, gid)
        # Lock every village of the group (in one order: no deadlock with another decision), then
        # read the group again: a push may have changed a holder before the locks were held.
        seqs = {v: lock_village(conn, county, v) for v in sorted({v for _, hs in found for v, _ in hs})}
        locked = found
        found = _find(conn, county, gid)
        if found != locked:
            raise ApiError("stale")
        old = conn.execute(
            select(duplicate_decisions).where(dc.county_code == county, dc.group_id == gid)
        ).first()
        if not found:
            if old is not None:
                raise ApiError("already_decided")
            raise ApiError("not_found")
        resident_id, holders = found[0]
        if seen is not None and sorted(seen) != sorted(r for _, r in holders):
            # A record joined or left the group since the desk showed it.
            raise ApiError(
                "stale",
                extra={"group": _dicts(conn, county, allowed, [(gid, resident_id, holders, None)])[0]},
            )
        if not all(v in allowed for v, _ in holders):
            raise ApiError("forbidden", "api.duplicate_outside_township")
        if old is not None and set(map(tuple, json.loads(old.holders))) >= set(holders):
            raise ApiError("already_decided")
        if keep is not None and keep not in {r for _, r in holders}:
            raise ApiError("invalid", "api.duplicate_keep_member", extra={"problems": []})
        moved: list[tuple[str, str]] = [] if keep is None else [(v, r) for v, r in holders if r != keep]

        def history(
            village: str,
            record_id: str,
            choice: str,
            value: str,
            seq: int,
            aside: list[Any],
        ) -> None:
            """The history row of the group's decision on one record's ``status``."""
            write_history(
                conn, county=county, village=village, item_id=gid, kind="duplicate", entity="person",
                record_id=record_id, field="status", choice=choice, value=value, note=note, user=user,
                now=now, seq=seq, set_aside=aside,
            )  # fmt: skip

        for village in sorted({v for v, _ in moved}):
            seq = seqs[village]
            ids = [r for v, r in moved if v == village]
            cur = load_records(conn, county, village, ids)
            touched = {}
            for record_id in ids:
                seq += 1
                c = cur[record_id]
                new = _moved_out(c, seq)
                touched[record_id] = new
                county_value = c.data.get("status")
                aside = {"source": "county", "field": "status", "value": county_value, "kept_record_id": keep}
                history(village, record_id, "keep", "moved_out", seq, [aside])
            write_records(conn, rules.keys, county, village, cur, touched, now)
            changelog.log_writes(
                conn, county, village, "duplicate", changelog.pairs(cur, touched), now, user.username
            )
            set_village_seq(conn, county, village, seq)
        if keep is None:
            for village, record_id in holders:
                history(village, record_id, "not_same", "present", 0, [])
        conn.execute(delete(duplicate_decisions).where(dc.county_code == county, dc.group_id == gid))
        conn.execute(
            insert(duplicate_decisions).values(
                county_code=county,
                group_id=gid,
                resident_id=resident_id,
                decision="keep" if keep is not None else "not_same",
                kept_record_id=keep,
                holders=dumps([list(h) for h in holders]),
                note=note[:1000],
                decided_by=user.username,
                decided_at=now,
                first_seen=old.first_seen if old is not None else now,
            )
        )
        d = conn.execute(
            select(duplicate_decisions).where(dc.county_code == county, dc.group_id == gid)
        ).one()
        return _dicts(conn, county, allowed, [(gid, resident_id, holders, d)])[0]


def _find(conn: Connection, county: str, gid: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(rid, hs) for rid, hs in _current(conn, county).items() if group_id(county, rid) == gid]


def _lock_county_duplicates(conn: Connection, county: str) -> None:
    """Serialise the duplicate decisions of one county until the transaction ends. A group can span
    villages that no single village lock covers. (SQLite: the write transaction already holds the
    database's write lock.)"""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"duplicates:{county}".encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _moved_out(c: Current, seq: int) -> Current:
    """The person record ``c`` moved out, at ``seq``."""
    data = dict(c.data, status="moved_out")
    versions = dict(c.versions, status=seq)
    return Current(c.entity, data, versions, seq, c.deleted)
