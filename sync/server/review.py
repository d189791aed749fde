"""Review items: every open conflict on one (record, field) is one item listing every competing value.

A push that keeps the county value of a field makes a conflict row (one laptop's value, with its
base, user, device and time) and attaches it to the open item of that (record, field), opening one
if there is none. Staff list items (filtered, counted and paged in the database), read one with its
context (names, household number, head's name, village and device names), and decide it
(``sync.server.decisions``).

Item dicts carry raw values (codes, fen, ISO dates); clients label them with the forms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from sync import jsontext
from sync.ids import item_number, uuid7
from sync.protocol import DELETED
from sync.server import review_search
from sync.server.errors import ApiError
from sync.server.merge import LOST
from sync.server.store import chunks, select_in
from sync.server.tables import change_log, conflicts, devices, review_history, review_items, villages

MAX_PAGE = 500
SORTS = ("age", "village", "form", "household", "person")
STATUSES = ("open", "decided", "all")


def _decision(r: Any) -> dict[str, Any]:
    """What a decided item says of its decision (a ``review_items`` row)."""
    return {
        "choice": r.choice,
        "value": _loads(r.value),
        "fields": _loads(r.fields) or {},
        "note": r.note,
        "decided_by": r.decided_by,
        "decided_at": r.decided_at,
    }


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# --------------------------------------------------------------------------------------------------
# On push: attach conflict rows to items


def attach(
    conn: Connection, county: str, village: str, rows: list[dict[str, Any]], now: int
) -> list[dict[str, Any]]:
    """Give every new conflict row (dicts about to be inserted) its item, opening items as needed;
    returns the rows to insert: a value the same device has already put in the open item (sent
    again, as after a county restore) is not added twice."""
    if not rows:
        return rows
    ic = review_items.c
    open_items: dict[tuple[str, str], str] = {}
    record_ids = sorted({r["record_id"] for r in rows})
    for part in chunks(record_ids):
        for item_id, record_id, field in conn.execute(
            select(ic.id, ic.record_id, ic.field).where(
                ic.county_code == county,
                ic.village_code == village,
                ic.record_id.in_(part),
                ic.status == "open",
            )
        ):
            open_items[(record_id, field)] = item_id
    held: set[tuple[str, str, str, str | None]] = set()
    wanted = sorted({open_items[k] for k in ((r["record_id"], r["field"]) for r in rows) if k in open_items})
    cc = conflicts.c
    for part in chunks(wanted):
        for item_id, device_id, value, fields in conn.execute(
            select(cc.item_id, cc.device_id, cc.village_value, cc.fields).where(
                cc.county_code == county, cc.village_code == village, cc.item_id.in_(part)
            )
        ):
            held.add((item_id, device_id, value, fields))
    new_items: list[dict[str, Any]] = []
    touched: set[str] = set()
    kept: list[dict[str, Any]] = []
    for row in rows:
        key = (row["record_id"], row["field"])
        item_id = open_items.get(key)
        if item_id is not None and (item_id, row["device_id"], row["village_value"], row["fields"]) in held:
            continue  # this device's value is in the item already
        kept.append(row)
        if item_id is None:
            item_id = uuid7()
            open_items[key] = item_id
            new_items.append(
                {
                    "county_code": county,
                    "village_code": village,
                    "id": item_id,
                    "entity": row["entity"],
                    "record_id": row["record_id"],
                    "field": row["field"],
                    "status": "open",
                    "base_version": row["base_version"],
                    "base_value": row["base_value"],
                    "created_at": now,
                    "updated_at": now,
                }
            )
        else:
            touched.add(item_id)
        row["item_id"] = item_id
    if new_items:
        conn.execute(insert(review_items), new_items)
    for part in chunks(sorted(touched)):
        conn.execute(
            update(review_items)
            .where(ic.county_code == county, ic.village_code == village, ic.id.in_(part))
            .values(updated_at=now)
        )
    return kept


# --------------------------------------------------------------------------------------------------
# Reading items


def _record_states(conn: Connection, county: str, ids: Iterable[str]) -> dict[str, tuple[Any, ...]]:
    """record id -> (entity, data, versions, seq, deleted, village)."""
    wanted = sorted(set(ids))
    out: dict[str, tuple[Any, ...]] = {}
    rows = select_in(
        conn,
        "records",
        ("id", "entity", "data", "versions", "seq", "deleted", "village_code"),
        (("county_code", county),),
        "id",
        wanted,
    )
    for record_id, entity, data, versions, seq, deleted, village in rows:
        out[record_id] = (entity, jsontext.loads(data), jsontext.loads(versions), seq, bool(deleted), village)
    return out


def record_contexts(
    conn: Connection, county: str, states: dict[str, tuple[Any, ...]]
) -> dict[str, dict[str, Any]]:
    """record id -> {name, household_no, head_name, deleted} for titles (one more query for households)."""
    household_ids = set()
    for entity, data, *_ in states.values():
        if entity != "household" and data.get("household_id"):
            household_ids.add(str(data["household_id"]))
    households = _record_states(conn, county, household_ids - set(states)) if household_ids else {}
    households.update({k: v for k, v in states.items() if v[0] == "household"})
    out: dict[str, dict[str, Any]] = {}
    for record_id, (entity, data, _v, _s, deleted, _village) in states.items():
        if entity == "household":
            context = {"household_no": data.get("household_no"), "head_name": data.get("head_name")}
        else:
            h = households.get(str(data.get("household_id") or ""))
            hdata = h[1] if h else {}
            context = {"household_no": hdata.get("household_no"), "head_name": hdata.get("head_name")}
            if entity == "person":
                context["name"] = data.get("name")
            if entity == "income":
                context["year"] = data.get("year")
                context["source"] = data.get("source")
        context["deleted"] = deleted
        out[record_id] = context
    return out


def county_value(field: str, state: tuple[Any, ...] | None) -> dict[str, Any]:
    """The county's current value of an item's field and the version a decision must name."""
    if state is None:
        return {"value": None, "version": 0}
    _entity, data, versions, seq, deleted, _village = state
    if field == DELETED:
        return {"value": deleted, "version": int(seq)}
    return {"value": data.get(field), "version": int(versions.get(field, 0))}


def item_dicts(conn: Connection, county: str, rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    """Full items (context, every competing value, decision) for review_items rows, in their order."""
    if not rows:
        return []
    cc = conflicts.c
    ids = [r.id for r in rows]
    village_codes = sorted({r.village_code for r in rows})
    values: dict[str, list[Row[Any]]] = {}
    for part in chunks(ids):
        for c in conn.execute(
            select(conflicts)
            .where(cc.county_code == county, cc.village_code.in_(village_codes), cc.item_id.in_(part))
            .order_by(cc.created_at, cc.id)
        ):
            values.setdefault(c.item_id, []).append(c)
    device_ids = sorted({c.device_id for cs in values.values() for c in cs})
    device_names: dict[str, str] = {}
    for part in chunks(device_ids):
        device_names.update(
            conn.execute(
                select(devices.c.device_id, devices.c.name).where(devices.c.device_id.in_(part))
            ).all()
        )
    states = _record_states(conn, county, (r.record_id for r in rows))
    contexts = record_contexts(conn, county, states)
    county_now = {r.id: county_value(r.field, states.get(r.record_id)) for r in rows}
    authors = _county_authors(
        conn, county, village_codes, {(r.record_id, int(county_now[r.id]["version"])) for r in rows}
    )
    names = dict(
        conn.execute(
            select(villages.c.village_code, villages.c.name).where(
                villages.c.county_code == county, villages.c.village_code.in_(village_codes)
            )
        ).all()
    )
    asides: dict[str, list[Any]] = {}
    decided = [r.id for r in rows if r.status == "decided"]
    hc = review_history.c
    for part in chunks(decided):
        for item_id, set_aside in conn.execute(
            select(hc.item_id, hc.set_aside).where(hc.county_code == county, hc.item_id.in_(part))
        ):
            asides[item_id] = json.loads(set_aside)
    out = []
    for r in rows:
        state = states.get(r.record_id)
        item: dict[str, Any] = {
            "id": r.id,
            "number": item_number(r.id),
            "village_code": r.village_code,
            "village_name": names.get(r.village_code, ""),
            "entity": r.entity,
            "record_id": r.record_id,
            "field": r.field,
            "kind": "delete" if r.field == DELETED else "field",
            "status": r.status,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "record": contexts.get(r.record_id, {}),
            "base": {"value": _loads(r.base_value), "version": r.base_version},
            "county": county_now[r.id] | authors.get((r.record_id, int(county_now[r.id]["version"])), {}),
            "village_values": [
                {
                    "conflict_id": c.id,
                    "value": _loads(c.village_value),
                    "user": c.author,
                    "device_id": c.device_id,
                    "device_name": device_names.get(c.device_id, ""),
                    "sent_at": c.created_at,
                    "base_version": c.base_version,
                    "fields": _loads(c.fields) or {},
                }
                for c in values.get(r.id, [])
            ],
            "edited_fields": _edited_fields(r, state, values.get(r.id, [])),
            "decision": None,
        }
        if r.status == "decided":
            item["decision"] = _decision(r) | {
                "seq": r.decided_seq or 0,
                "version": r.decided_version or 0,
                "set_aside": asides.get(r.id, []),
            }
        out.append(item)
    return out


def _county_authors(
    conn: Connection, county: str, village_codes: list[str], keys: set[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, str]]:
    """Who set each county value: the change-log entry of the write that gave the field its version
    (record id, version) -> user, device id and name (a staff account has no device)."""
    lc = change_log.c
    wanted = {k for k in keys if k[1] > 0}
    found: dict[tuple[str, int], dict[str, str]] = {}
    record_ids = sorted({k[0] for k in wanted})
    for part in chunks(record_ids):
        for record_id, seq, author, device_id in conn.execute(
            select(lc.record_id, lc.seq, lc.author, lc.device_id).where(
                lc.county_code == county,
                lc.village_code.in_(village_codes),
                lc.record_id.in_(part),
                lc.seq.in_(sorted({k[1] for k in wanted if k[0] in part})),
            )
        ):
            if (record_id, int(seq)) in wanted:
                found[(record_id, int(seq))] = {"user": author, "device_id": device_id, "device_name": ""}
    device_ids = sorted({f["device_id"] for f in found.values() if f["device_id"]})
    names: dict[str, str] = {}
    for part in chunks(device_ids):
        names.update(
            conn.execute(
                select(devices.c.device_id, devices.c.name).where(devices.c.device_id.in_(part))
            ).all()
        )
    for f in found.values():
        f["device_name"] = names.get(f["device_id"], "")
    return found


def _edited_fields(
    r: Row[Any], state: tuple[Any, ...] | None, values: list[Row[Any]]
) -> list[dict[str, Any]]:
    """Delete items: what was edited on the side that did not delete."""
    if r.field != DELETED or state is None:
        return []
    _entity, data, versions, _seq, _deleted, _village = state
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for c in reversed(values):  # the newest village value of a field first
        for name, value in (_loads(c.fields) or {}).items():
            if name in seen:
                continue
            seen.add(name)
            out.append(
                {
                    "field": name,
                    "county": {"value": data.get(name), "version": int(versions.get(name, 0))},
                    "village": {"value": value, "version": 0},
                    "conflict_id": c.id,
                }
            )
    if any(_loads(c.village_value) is True for c in values):
        # A village deleted what the county had changed since the deleter last saw it.
        for name, version in versions.items():
            if name not in (DELETED, LOST) and name not in seen and int(version) > r.base_version:
                seen.add(name)
                out.append(
                    {
                        "field": name,
                        "county": {"value": data.get(name), "version": int(version)},
                        "village": None,
                    }
                )
    out.sort(key=lambda e: e["field"])
    return out


def load_item_row(conn: Connection, county: str, item_id: str) -> Row[Any]:
    ic = review_items.c
    row = conn.execute(select(review_items).where(ic.county_code == county, ic.id == item_id)).first()
    if row is None:
        raise ApiError("not_found")
    return row


def one_item(conn: Connection, county: str, item_id: str, allowed: Iterable[str]) -> dict[str, Any]:
    row = load_item_row(conn, county, item_id)
    if row.village_code not in set(allowed):
        raise ApiError("forbidden")
    return item_dicts(conn, county, [row])[0]


def list_items(
    conn: Connection,
    county: str,
    allowed: Sequence[str] | None,
    *,
    now: int,
    status: str = "open",
    village: str | None = None,
    entity: str | None = None,
    min_age_days: int | None = None,
    sort: str = "age",
    offset: int = 0,
    limit: int = 200,
    query: str | None = None,
) -> dict[str, Any]:
    """A page of items, filtered, counted and sorted in the database. ``allowed`` None = whole county.
    ``query`` (a name, household number or resident ID) and the household/person orders need the
    records' data: ``sync.server.review_search``."""
    if status not in STATUSES or sort not in SORTS:
        raise ApiError("malformed")
    ic = review_items.c
    where = [ic.county_code == county]
    if allowed is not None:
        where.append(ic.village_code.in_(list(allowed)))
    if status != "all":
        where.append(ic.status == status)
    if entity is not None:
        where.append(ic.entity == entity)
    if min_age_days:
        where.append(ic.created_at <= now - int(min_age_days) * 86400)
    if query or sort in review_search.SEARCH_SORTS:
        keys = conn.execute(
            select(ic.id, ic.record_id, ic.village_code, ic.entity, ic.field, ic.created_at).where(*where)
        ).all()
        ids, total, counts = review_search.search_page(
            conn,
            keys,
            county,
            query=query,
            village=village,
            sort=sort,
            offset=offset,
            limit=min(limit, MAX_PAGE),
        )
        by_id: dict[str, Row[Any]] = {}
        for part in chunks(ids):
            by_id.update(
                {
                    r.id: r
                    for r in conn.execute(
                        select(review_items).where(ic.county_code == county, ic.id.in_(part))
                    )
                }
            )
        found = [by_id[i] for i in ids if i in by_id]
        return {"items": item_dicts(conn, county, found), "total": total, "counts_by_village": counts}
    counts = {
        code: int(n)
        for code, n in conn.execute(
            select(ic.village_code, func.count()).where(*where).group_by(ic.village_code)
        ).all()
    }
    if village is not None:
        where.append(ic.village_code == village)
        total = counts.get(village, 0)
    else:
        total = sum(counts.values())
    order = {
        "age": (ic.created_at, ic.id),
        "village": (ic.village_code, ic.created_at, ic.id),
        "form": (ic.entity, ic.created_at, ic.id),
    }[sort]
    rows = conn.execute(
        select(review_items).where(*where).order_by(*order).offset(offset).limit(min(limit, MAX_PAGE))
    ).all()
    return {"items": item_dicts(conn, county, rows), "total": total, "counts_by_village": counts}


def open_item_count(conn: Connection, county: str, village: str) -> int:
    ic = review_items.c
    return int(
        conn.execute(
            select(func.count()).where(
                ic.county_code == county, ic.village_code == village, ic.status == "open"
            )
        ).scalar_one()
    )


def device_states(
    conn: Connection, county: str, village: str, device_id: str, record_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """For a laptop: per (record, field) among ``record_ids`` of its own village, the newest item
    holding a value this device sent, with the county value and, once decided, the decision (no
    other laptop's values). An item opened later by another laptop does not hide this one's outcome."""
    cc, ic = conflicts.c, review_items.c
    item_ids: set[str] = set()
    for part in chunks(list(record_ids)):
        item_ids.update(
            conn.execute(
                select(cc.item_id).where(
                    cc.county_code == county,
                    cc.village_code == village,
                    cc.record_id.in_(part),
                    cc.device_id == device_id,
                    cc.item_id.is_not(None),
                )
            ).scalars()
        )
    newest: dict[tuple[str, str], Row[Any]] = {}
    for part in chunks(sorted(item_ids)):
        for r in conn.execute(
            select(review_items)
            .where(ic.county_code == county, ic.village_code == village, ic.id.in_(part))
            .order_by(ic.created_at, ic.id)
        ):
            newest[(r.record_id, r.field)] = r
    states = _record_states(conn, county, {r.record_id for r in newest.values()})
    out = []
    for r in newest.values():
        item = {
            "id": r.id,
            "entity": r.entity,
            "record_id": r.record_id,
            "field": r.field,
            "status": r.status,
            "county": county_value(r.field, states.get(r.record_id)),
            "decision": None,
        }
        if r.status == "decided":
            item["decision"] = _decision(r)
        out.append(item)
    return out
