"""Applying a pushed batch: one transaction, set-wise reads and writes, the response stored with it.

The batch takes the village row lock, then reads every record it touches with one ``IN`` query (per
500 ids), merges and validates in Python, and writes with ``executemany``. Each change that writes
gets its own number from the village counter, so a pull page never splits a change and commit order
equals counter order.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from sync import jsontext, messages
from sync.form_versions import BUILTIN_VERSION
from sync.ids import uuid7
from sync.protocol import DELETED, META_FIELDS, Change, Problem, PushRequest, decode_dict, encode
from sync.schema import Forms
from sync.server import changelog, counter_stamps, form_store, review
from sync.server.auth import Device
from sync.server.errors import ApiError
from sync.server.keys import BatchLookup, KeySpec
from sync.server.merge import LOST, Current, Merge, merge
from sync.server.store import (
    Store,
    lock_village,
    select_in,
    set_village_seq,
    village_epoch,
)
from sync.server.tables import batches, conflicts
from sync.server.writes import dumps, write_records
from sync.textsafety import clean_label

log = logging.getLogger(__name__)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""The canonical form ``sync.ids.is_uuid`` accepts, checked without parsing (a batch has thousands)."""
MAX_NUMBER = 2**62
"""Versions, record seqs and clock stamps above this cannot be stored (BIGINT) and are refused."""


@dataclass(slots=True)
class Rules:
    """What the server validates with: the forms and the uniqueness keys derived from them."""

    forms: Forms
    keys: KeySpec

    @classmethod
    def from_forms(cls, forms: Forms) -> Rules:
        return cls(forms, KeySpec(forms))


def problem_dict(p: Problem) -> dict[str, str]:
    return {"field": p.field, "code": p.code, "zh": p.zh, "en": p.en}


def _check_scope(changes: list[Change], village_code: str) -> None:
    """Village scope comes from the device; a change naming another village refuses the whole batch."""
    for c in changes:
        if c.village_code != village_code or c.fields.get("village_code", village_code) != village_code:
            raise ApiError("out_of_village")
        numbers = (c.hlc, c.base_seq, *c.base.values(), *c.lost.values(), *c.made_on.values())
        if any(abs(n) > MAX_NUMBER for n in numbers):
            raise ApiError("malformed", "api.change_out_of_range")
        if not _UUID.fullmatch(c.id) or c.fields.get("id", c.id) != c.id:
            raise ApiError("malformed", "api.change_id_not_uuid")


def load_records(conn: Connection, county: str, village: str, ids: list[str]) -> dict[str, Current]:
    """The county's copies of these records; any of another village refuses the whole request."""
    found: dict[str, Current] = {}
    rows = select_in(
        conn,
        "records",
        ("village_code", "entity", "id", "data", "versions", "seq", "deleted"),
        (("county_code", county),),
        "id",
        ids,
    )
    for row_village, entity, record_id, data, versions, seq, deleted in rows:
        if row_village != village:
            raise ApiError("out_of_village")
        found[record_id] = Current(entity, jsontext.loads(data), jsontext.loads(versions), seq, bool(deleted))
    return found


def _fields(rules: Rules, change: Change) -> dict[str, Any]:
    fields = {k: v for k, v in change.fields.items() if k not in META_FIELDS}
    try:
        return rules.forms.normalize(change.entity, fields)
    except Exception:  # validation reports what normalize could not clean
        return fields


def _applied_whole(m: Merge, fields: dict[str, Any]) -> bool:
    """Every field the change sent was written at the record's new seq, and nothing else happened."""
    return (
        (m.create or bool(m.writes))
        and not (m.delete or m.conflicts or m.equal)
        and DELETED not in m.writes
        and m.writes.keys() == fields.keys()
    )


def stored_response(conn: Connection, device: Device, batch_id: str, body_hash: str) -> bytes | None:
    """The wire answer to a batch already applied (marked ``replayed``), or None."""
    bc = batches.c
    row = conn.execute(
        select(bc.body_hash, bc.response).where(
            bc.county_code == device.county_code,
            bc.village_code == device.village_code,
            bc.device_id == device.device_id,
            bc.batch_id == batch_id,
        )
    ).first()
    if row is None:
        return None
    if row.body_hash != body_hash:
        raise ApiError("batch_mismatch")
    if row.response is None:
        raise ApiError("batch_pruned")  # applied long ago; the laptop sends its records anew
    response = decode_dict(row.response)
    response["replayed"] = True
    # The epoch now, not the one it was stored under.
    response["epoch"] = village_epoch(conn, device.county_code, device.village_code)[0]
    return encode(response)


def apply_batch(
    store: Store, rules: Rules, device: Device, request: PushRequest, body_hash: str, *, today: date
) -> bytes:
    """Apply a batch (or replay its stored answer) and return the encoded PushResponse.

    The encoded answer is stored in the same transaction, so a resend after a lost reply gets
    exactly what the first request would have received.
    """
    county, village = device.county_code, device.village_code
    _check_scope(request.changes, village)
    if len(request.batch_id) > 64 or not request.batch_id.isprintable():
        raise ApiError("malformed", "api.batch_id_invalid")
    now = store.now()
    with store.write() as conn:
        if request.forms_version > BUILTIN_VERSION:  # validated against the forms the laptop used
            try:
                rules = Rules(form_store.forms_for(conn, county, request.forms_version), rules.keys)
            except KeyError:
                raise ApiError("malformed", "api.forms_version_unknown") from None
        seq = lock_village(conn, county, village)
        epoch = village_epoch(conn, county, village)[0]
        if request.epoch and request.epoch != epoch:
            # Restored from a backup since this laptop last synced: its bases are of another
            # history. Nothing is stored; it re-syncs from a snapshot and sends again.
            raise ApiError("epoch_changed")
        # The laptop saw a counter this database never reached, or a counter value this database
        # gave to another commit (``counter_stamps``): it went back to an older copy without
        # ``county-server restored``. Accepting the batch would reuse numbers other laptops already
        # hold; instead this village gets a new epoch (under its lock, kept) and the batch is
        # refused whole, so every laptop of the village re-syncs.
        floor = counter_stamps.floor_if_went_back(conn, county, village, seq, request.known, request.seen)
        if floor is not None:
            log.warning("village %s: a push knew a counter this database does not hold; new epoch", village)
            changelog.went_back(conn, county, village, floor, now)
            answer = None  # committed on leaving the block; refused below
        else:
            answer = _apply(conn, rules, device, request, body_hash, now, today, seq, epoch)
    if answer is None:
        raise ApiError("epoch_changed")
    return answer


def _apply(
    conn: Connection,
    rules: Rules,
    device: Device,
    request: PushRequest,
    body_hash: str,
    now: int,
    today: date,
    seq: int,
    epoch: str,
) -> bytes:
    """The batch's work inside ``apply_batch``'s transaction (village locked, epoch checked)."""
    county, village = device.county_code, device.village_code
    replay = stored_response(conn, device, request.batch_id, body_hash)
    if replay is not None:
        return replay
    batch = _Batch(conn, rules, device, now, today, seq, compact=request.compact, elide=request.elide)
    results = batch.run(request.changes)
    message = {
        "batch_id": request.batch_id,
        "results": [r for r in results if r is not None],
        "server_seq": batch.seq,
        "replayed": False,
        "v": request.v,
        "epoch": epoch,
    }
    if request.elide:
        message["base_seq"] = seq
    if request.compact:
        message["fieldsets"] = [list(names) for names in batch.fieldsets]
    wrote = batch.seq > seq
    # The stamp of the counter value the laptop now knows (``PushResponse.stamp``).
    message["stamp"] = batch.write() or counter_stamps.stamp_at(conn, county, village, seq)
    answer = encode(message)
    conn.execute(
        insert(batches).values(
            county_code=county,
            village_code=village,
            device_id=device.device_id,
            batch_id=request.batch_id,
            body_hash=body_hash,
            response=answer,
            created_at=now,
            seq_lo=seq + 1 if wrote else None,
            seq_hi=batch.seq if wrote else None,
        )
    )
    return answer


class _Batch:
    def __init__(
        self,
        conn: Connection,
        rules: Rules,
        device: Device,
        now: int,
        today: date,
        seq: int,
        *,
        compact: bool = False,
        elide: bool = False,
    ) -> None:
        self.conn, self.rules, self.device, self.now, self.today = conn, rules, device, now, today
        self.elide = elide
        self.start = self.seq = seq
        self.county, self.village = device.county_code, device.village_code
        self.original: dict[str, Current] = {}
        self.touched: dict[str, Current] = {}
        self.conflict_rows: list[dict[str, Any]] = []
        self.compact = compact
        self.fieldsets: dict[tuple[str, ...], int] = {}
        """Distinct sets of fields written at a record's new seq, numbered (compact answers)."""
        self.log = changelog.Log.for_push(conn, self.county, self.village, device.device_id, now)

    def run(self, changes: list[Change]) -> list[dict[str, Any] | None]:
        ids = list(dict.fromkeys(c.id for c in changes))
        self.original = load_records(self.conn, self.county, self.village, ids)
        state = dict(self.original)
        lookup = BatchLookup(self.conn, self.rules.keys, self.county, self.village)
        normalized = [_fields(self.rules, c) for c in changes]
        anchors = self.rules.keys.anchors
        wanted = set()
        spec = self.rules.keys
        for record_id, stored in state.items():
            if not stored.deleted:
                stored.keys = spec.values(stored.entity, stored.data)
            lookup.own(stored.entity, record_id, stored.keys)
        for c, fields in zip(changes, normalized, strict=True):
            cur = state.get(c.id)
            for name in anchors.get(c.entity, ()):
                for value in (fields.get(name), cur.data.get(name) if cur else None):
                    if value is not None and not isinstance(value, (dict, list)):
                        wanted.add((c.entity, name, str(value)))
        lookup.prefetch(wanted)
        return [self._one(c, fields, state, lookup) for c, fields in zip(changes, normalized, strict=True)]

    def _one(
        self, c: Change, fields: dict[str, Any], state: dict[str, Current], lookup: BatchLookup
    ) -> dict[str, Any] | None:
        """The result of one change; None when it is elided (see
        ``sync.protocol_decode.decode_push_response``)."""
        cur = state.get(c.id)
        if cur is not None and cur.entity != c.entity:
            problem = Problem("id", "entity_mismatch", *messages.pair("form.entity_mismatch"))
            return self._rejected(c, [problem])
        m = merge(cur, c, fields)
        stays_live = not m.delete and not (cur is not None and cur.deleted)
        # A delete's fields and values set aside in a conflict never form a live record, yet they are
        # stored and sent out on pull: each must be a value the form allows (issue 10).
        competing = {x.field: fields[x.field] for x in m.conflicts if x.field in fields}
        problems = self.rules.forms.validate_fields(
            c.entity, competing if stays_live else fields, today=self.today
        )
        if stays_live and (m.writes or m.create):
            forms = self.rules.forms
            # Fields of another form version (newer, or removed before this one) are left as they
            # are on the server: the record is checked with the fields the laptop's version knows.
            record = forms.known_part(c.entity, cur.data) if cur else {}
            record.update(m.writes)
            record["id"], record["village_code"] = c.id, self.village
            found = forms.validate(c.entity, record, lookup=lookup, today=self.today)
            if cur is not None:  # a field made required later flags old records, it does not block them
                found = [
                    p
                    for p in found
                    if not (
                        p.code == "required" and cur.data.get(p.field) is None and p.field not in m.writes
                    )
                ]
            problems = found + problems
        if problems:
            return self._rejected(c, problems)
        if m.changes_record:
            cur = self._write(c, m, cur)
            state[c.id] = cur
            if not cur.deleted:
                cur.keys = self.rules.keys.values(c.entity, cur.data)
            lookup.own(c.entity, c.id, cur.keys)
        if m.conflicts:
            self._conflicts(c, m)
        assert cur is not None
        if self.elide and _applied_whole(m, fields):
            return None  # the laptop works it out: every field it sent, at the next number
        conflicts = [x.field for x in m.conflicts]
        if self.compact and DELETED not in m.writes:
            # Fields written now are at the record's new seq (see _write): their names go once per
            # batch (``fieldsets``); equal ones keep their versions.
            written = tuple(m.writes)
            result: dict[str, Any] = {
                "id": c.id,
                "status": m.status,
                "seq": cur.seq,
                "fieldset": self.fieldsets.setdefault(written, len(self.fieldsets)),
            }
            equal = {name: cur.versions.get(name, 0) for name in m.equal if name != DELETED}
            if equal:
                result["versions"] = equal
            if conflicts:
                result["conflicts"] = conflicts
            return result
        versions = dict.fromkeys(m.writes, cur.seq)
        for name in m.equal:
            versions[name] = cur.versions.get(name, 0)
        versions.pop(DELETED, None)
        return {
            "id": c.id,
            "status": m.status,
            "seq": cur.seq,
            "versions": versions,
            "conflicts": conflicts,
            "errors": [],
        }

    def _rejected(self, c: Change, problems: list[Problem]) -> dict[str, Any]:
        errors = [problem_dict(p) for p in problems]
        if self.compact:
            return {"id": c.id, "status": "rejected", "seq": 0, "errors": errors}
        return {"id": c.id, "status": "rejected", "seq": 0, "versions": {}, "conflicts": [], "errors": errors}

    def _write(self, c: Change, m: Merge, cur: Current | None) -> Current:
        self.seq += 1
        seq = self.seq
        data = dict(cur.data) if cur else {}
        versions = dict(cur.versions) if cur else {}
        data.update(m.writes)
        versions.update(dict.fromkeys(m.writes, seq))
        if c.lost or c.made_on:
            # Kept so a later copy of the same lost history can be ordered against it (see LOST):
            # a value sent again, or an edit made on one (third element 1).
            marks: dict[str, Any] = dict(versions.get(LOST) or {})  # type: ignore[arg-type]
            for name in m.writes:
                if name in c.lost:
                    marks[name] = [c.lost[name], seq]
                elif name in c.made_on:
                    marks[name] = [c.made_on[name], seq, 1]
            if marks:
                versions[LOST] = marks  # type: ignore[assignment]
        if m.delete:
            versions[DELETED] = seq
        new = Current(c.entity, data, versions, seq, m.delete or (cur is not None and cur.deleted))
        self.touched[c.id] = new
        self.log.add(c.id, cur, new, author=c.user, hlc=c.hlc)
        return new

    def _conflicts(self, c: Change, m: Merge) -> None:
        for x in m.conflicts:
            self.conflict_rows.append(
                {
                    "county_code": self.county,
                    "village_code": self.village,
                    "id": uuid7(),
                    "entity": c.entity,
                    "record_id": c.id,
                    "field": x.field,
                    "base_version": x.base_version,
                    "base_value": dumps(x.base_value),
                    "village_value": dumps(x.village_value),
                    "county_value": dumps(x.county_value),
                    "device_id": self.device.device_id,
                    "author": clean_label(c.user),  # shown to staff: no escapes, overrides, NULs
                    "hlc": c.hlc,
                    "created_at": self.now,
                    "status": "open",
                    "fields": None if x.fields is None else dumps(x.fields),
                }
            )

    def write(self) -> int:
        """Write what the batch changed and move the counter; returns the commit's stamp (0 when the
        batch took no number)."""
        write_records(
            self.conn, self.rules.keys, self.county, self.village, self.original, self.touched, self.now
        )
        rows = review.attach(self.conn, self.county, self.village, self.conflict_rows, self.now)
        if rows:
            self.conn.execute(insert(conflicts), rows)
        self.log.write(self.conn)
        if self.seq == self.start:
            return 0
        return set_village_seq(self.conn, self.county, self.village, self.seq)
