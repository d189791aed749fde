"""Staff decisions on review items, and their history.

A decision names the county version it was made on (``version``: the field's version, or the
record's seq for delete against edit). Inside one transaction holding the village lock, the server
checks the item is still open (else 409 ``already_decided``) and the version still current (else
409 ``stale`` with the current item), validates the outcome with the form rules, writes it as an
ordinary change on the current version (so every laptop pulls it), closes the item and its
conflict rows, and writes a history row with every value the decision set aside. Any refusal
rolls the transaction back: nothing changes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from sync.ids import uuid7
from sync.protocol import DELETED
from sync.server import changelog, form_store, review
from sync.server.auth import StaffUser
from sync.server.errors import ApiError
from sync.server.keys import BatchLookup
from sync.server.merge import Current
from sync.server.push import Rules, load_records, problem_dict
from sync.server.store import Store, chunks, lock_village, set_village_seq
from sync.server.tables import conflicts, devices, review_history, review_items, villages
from sync.server.writes import dumps, write_records

FIELD_CHOICES = ("county", "village", "typed")
DELETE_CHOICES = ("stay_deleted", "restore")


def _invalid(message: str) -> ApiError:
    return ApiError("invalid", message, extra={"problems": []})


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


def decide(
    store: Store,
    rules: Rules,
    user: StaffUser,
    allowed: set[str],
    item_id: str,
    body: dict[str, Any],
    *,
    today: date,
) -> dict[str, Any]:
    """Apply one decision; returns the decided item (dict) and its new seq in ``decision.seq``."""
    note = str(body.get("note") or "").strip()
    choice = body.get("choice")
    now = store.now()
    with store.write() as conn:
        row = review.load_item_row(conn, user.county_code, item_id)
        if row.village_code not in allowed:
            raise ApiError("forbidden")
        county, village = row.county_code, row.village_code
        if form_store.listing(conn, county):  # decided with the county's forms as published
            rules = Rules(form_store.current_forms(conn, county), rules.keys)
        seq = lock_village(conn, county, village)
        row = review.load_item_row(conn, county, item_id)
        if row.status != "open":
            raise ApiError("already_decided", extra={"item": review.item_dicts(conn, county, [row])[0]})
        if not note:
            raise ApiError("note_required", "api.note_required_kept")
        cur = load_records(conn, county, village, [row.record_id]).get(row.record_id)
        if cur is None:  # pragma: no cover - an item is only made against a stored record
            raise ApiError("not_found")
        values = list(
            conn.execute(
                select(conflicts)
                .where(
                    conflicts.c.county_code == county,
                    conflicts.c.village_code == village,
                    conflicts.c.item_id == item_id,
                )
                .order_by(conflicts.c.created_at, conflicts.c.id)
            ).all()
        )
        version = _version(row.field, cur)
        seen = body.get("values_seen")
        if body.get("version") != version or (seen is not None and seen != len(values)):
            # The field moved, or another laptop's value joined the item, since it was shown.
            raise ApiError("stale", extra={"item": review.item_dicts(conn, county, [row])[0]})
        new, restored = _outcome(rules, row, cur, values, choice, body)
        changed = new.deleted != cur.deleted or any(
            not _same(new.data.get(k), cur.data.get(k)) for k in new.data
        )
        if not new.deleted and changed:
            lookup = BatchLookup(conn, rules.keys, county, village)
            lookup.own(cur.entity, row.record_id, rules.keys.values(cur.entity, new.data))
            record = {**new.data, "id": row.record_id, "village_code": village}
            problems = rules.forms.validate(cur.entity, record, lookup=lookup, today=today)
            # A field made required by a later form version flags an old record; it does not block.
            problems = [p for p in problems if not (p.code == "required" and cur.data.get(p.field) is None)]
            if problems:
                raise ApiError("invalid", extra={"problems": [problem_dict(p) for p in problems]})
        written = 0
        if changed:
            seq += 1
            written = seq
            new.seq = seq
            for name, value in new.data.items():
                if not _same(value, cur.data.get(name)):
                    new.versions[name] = seq
            if new.deleted != cur.deleted:
                new.versions[DELETED] = seq
            write_records(conn, rules.keys, county, village, {row.record_id: cur}, {row.record_id: new}, now)
            changelog.log_writes(
                conn, county, village, "decision", {row.record_id: (cur, new)}, now, user.username
            )
            set_village_seq(conn, county, village, seq)
        final = new.deleted if row.field == DELETED else new.data.get(row.field)
        set_aside = _set_aside(conn, row, cur, final, restored, values)
        ic = review_items.c
        conn.execute(
            update(review_items)
            .where(ic.county_code == county, ic.village_code == village, ic.id == item_id)
            .values(
                status="decided",
                decided_by=user.username,
                decided_at=now,
                choice=choice,
                value=dumps(final),
                fields=dumps(restored) if restored else None,
                note=note[:1000],
                decided_seq=written,
                decided_version=version,
                updated_at=now,
            )
        )
        cc = conflicts.c
        conn.execute(
            update(conflicts)
            .where(cc.county_code == county, cc.village_code == village, cc.item_id == item_id)
            .values(
                status="resolved",
                resolved_by=user.username,
                resolved_at=now,
                resolution=dumps(final),
                note=note[:1000],
                resolved_seq=written or None,
            )
        )
        write_history(
            conn,
            county=county,
            village=village,
            item_id=item_id,
            kind="conflict",
            entity=row.entity,
            record_id=row.record_id,
            field=row.field,
            choice=str(choice),  # one of the names _outcome accepted
            value=final,
            note=note,
            user=user,
            now=now,
            seq=written,
            set_aside=set_aside,
        )
        done = review.load_item_row(conn, county, item_id)
        return review.item_dicts(conn, county, [done])[0]


def write_history(
    conn: Connection,
    *,
    county: str,
    village: str,
    item_id: str,
    kind: str,
    entity: str,
    record_id: str,
    field: str,
    choice: str,
    value: Any,
    note: str,
    user: StaffUser,
    now: int,
    seq: int,
    set_aside: list[dict[str, Any]],
) -> None:
    """The history row of one decision (``kind`` ``conflict`` or ``duplicate``) on one field of one
    record: what was chosen, the value it set, the note (cut to 1,000 characters), who and when, the
    seq that carried it (0: nothing changed) and every value it set aside. In the caller's transaction."""
    conn.execute(
        insert(review_history).values(
            county_code=county,
            village_code=village,
            id=uuid7(),
            item_id=item_id,
            kind=kind,
            entity=entity,
            record_id=record_id,
            field=field,
            choice=choice,
            value=dumps(value),
            note=note[:1000],
            decided_by=user.username,
            decided_at=now,
            seq=seq,
            set_aside=dumps(set_aside),
        )
    )


def _version(field: str, cur: Current) -> int:
    if field == DELETED:
        return int(cur.seq)
    return int(cur.versions.get(field, 0))


def _outcome(
    rules: Rules, row: Row[Any], cur: Current, values: list[Row[Any]], choice: Any, body: dict[str, Any]
) -> tuple[Current, dict[str, Any]]:
    """The record after the decision, and the fields a ``restore`` wrote."""
    data, deleted = dict(cur.data), cur.deleted
    restored: dict[str, Any] = {}
    form = rules.forms[cur.entity]
    if row.field == DELETED:
        if choice not in DELETE_CHOICES:
            raise _invalid("api.deleted_choice")
        if choice == "stay_deleted":
            deleted = True
        else:
            deleted = False
            fields = body.get("fields") or {}
            if not isinstance(fields, dict) or not set(fields) <= set(form.field_names):
                raise _invalid("api.restored_field_unknown")
            restored = rules.forms.normalize(cur.entity, fields)
            data.update(restored)
    else:
        if choice not in FIELD_CHOICES:
            raise _invalid("api.field_choice")
        if choice == "village":
            chosen = [v for v in values if v.id == body.get("conflict_id")]
            if not chosen:
                raise _invalid("api.village_value_choice")
            data[row.field] = json.loads(chosen[0].village_value)
        elif choice == "typed":
            data[row.field] = rules.forms.normalize(cur.entity, {row.field: body.get("value")})[row.field]
    return Current(cur.entity, data, dict(cur.versions), cur.seq, deleted), restored


def _set_aside(
    conn: Connection,
    row: Row[Any],
    cur: Current,
    final: Any,
    restored: dict[str, Any],
    values: list[Row[Any]],
) -> list[dict[str, Any]]:
    """Every value the decision did not keep: village values, the replaced county value, (delete
    items) the village's edited fields not restored — each with who sent it, from where, when — and
    the county values of the fields a restore wrote over."""
    names: dict[str, str] = {}
    ids = sorted({v.device_id for v in values})
    for part in chunks(ids):
        names.update(
            conn.execute(
                select(devices.c.device_id, devices.c.name).where(devices.c.device_id.in_(part))
            ).all()
        )
    out: list[dict[str, Any]] = []
    for v in values:
        who = {
            "user": v.author,
            "device_id": v.device_id,
            "device_name": names.get(v.device_id, ""),
            "sent_at": v.created_at,
            "conflict_id": v.id,
        }
        value = json.loads(v.village_value)
        if not _same(value, final):
            out.append({"source": "village", "value": value, **who})
        for name, edited in (json.loads(v.fields) if v.fields else {}).items():
            if final is True or not _same(restored.get(name), edited):
                out.append({"source": "field", "field": name, "value": edited, **who})
    before = cur.deleted if row.field == DELETED else cur.data.get(row.field)
    if not _same(before, final):
        out.append({"source": "county", "value": before})
    for name, value in restored.items():
        # A restore writes chosen fields over the county's copy: the values it replaced (another
        # laptop's accepted edit, say) stay in the history with the decision.
        replaced = cur.data.get(name)
        if replaced is not None and not _same(replaced, value):
            out.append({"source": "county", "field": name, "value": replaced})
    return out


def history(
    store: Store,
    user: StaffUser,
    allowed: set[str],
    *,
    item_id: str | None = None,
    record_id: str | None = None,
    offset: int = 0,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Decisions on one item or on every item of one record, oldest first; with neither, every
    decision (conflicts and duplicates) of the user's villages, newest first, paged."""
    hc = review_history.c
    query = select(review_history).where(hc.county_code == user.county_code)
    if item_id:
        query = query.where(hc.item_id == item_id).order_by(hc.decided_at, hc.id)
    elif record_id:
        query = query.where(hc.record_id == record_id).order_by(hc.decided_at, hc.id)
    else:
        if user.scope != "county":
            query = query.where(hc.village_code.in_(sorted(allowed)))
        query = query.order_by(hc.decided_at.desc(), hc.id.desc()).offset(offset).limit(limit)
    with store.read() as conn:
        rows = conn.execute(query).all()
        if any(r.village_code not in allowed for r in rows):
            raise ApiError("forbidden")
        states = review._record_states(conn, user.county_code, {r.record_id for r in rows})
        contexts = review.record_contexts(conn, user.county_code, states)
        codes = sorted({r.village_code for r in rows})
        names = dict(
            conn.execute(
                select(villages.c.village_code, villages.c.name).where(
                    villages.c.county_code == user.county_code, villages.c.village_code.in_(codes)
                )
            ).all()
        )
    return [
        {
            "id": r.id,
            "item_id": r.item_id,
            "kind": r.kind,
            "village_code": r.village_code,
            "village_name": names.get(r.village_code, ""),
            "entity": r.entity,
            "record_id": r.record_id,
            "record": contexts.get(r.record_id, {}),
            "field": r.field,
            "choice": r.choice,
            "value": json.loads(r.value),
            "note": r.note,
            "decided_by": r.decided_by,
            "decided_at": r.decided_at,
            "seq": r.seq,
            "set_aside": json.loads(r.set_aside),
        }
        for r in rows
    ]
