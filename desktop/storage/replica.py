"""The sync engine's ``LocalReplica`` over the encrypted store (no Qt).

Outbox rows (one per local write, see ``repositories``) are coalesced per record into one
``protocol.Change``: the latest value of each field, the earliest base of each field. A batch is
*frozen* before it is sent: its outbox rows get the batch id and the exact encoded body is kept in
``sync_state`` (key ``frozen_batch``), in one transaction, so a run that dies mid-push resends the
same bytes next time.

Markers in ``outbox.batch_id``: NULL = waiting; a batch id = inside that frozen batch;
``REJECTED`` = the server refused the record (the problems are in the ``rejection`` table). A record
whose rows are all rejected is not sent again until it is edited (or ``retry_rejected`` is called).

Pulled records are written with plain SQL, not through the repositories, so they never fire the
outbox capture. A field with a pending local edit is not overwritten; the county's value for it is
kept aside as a *shadow* (``sync_state`` key ``shadow/<entity>/<id>``) and put in place if the
push that follows ends in a conflict (the server keeps the county value), so the laptop ends equal
to the server even when the county value arrived before the laptop's edit went up.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable
from typing import Any

from desktop.storage.store import ENTITIES, Store
from sync import protocol
from sync.engine import FrozenBatch, Pending, PushOutcome, RecordNote

REJECTED = "!rejected"
DELETED = "_deleted"
FROZEN_KEY = "frozen_batch"
CURSOR_KEY = "cursor"
_SHADOW = "shadow/"
_CHUNK = 500
_ACKNOWLEDGED = ("applied", "partial", "conflict", "unchanged")


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class StoreReplica:
    """``sync.engine.LocalReplica`` for one open ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.village_code = store.village_code
        self._columns = {e: set(store.repository(e).fields) for e in ENTITIES}
        self._table_columns = {e: [r[1] for r in self.db.query(f"PRAGMA table_info({e})")] for e in ENTITIES}

    # ------------------------------------------------------------------------------------ state

    def _state(self, key: str, default: Any = None) -> Any:
        rows = self.db.query("SELECT value FROM sync_state WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    @staticmethod
    def _set_state(conn: Any, key: str, value: Any) -> None:
        conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, _dumps(value)),
        )

    def cursor(self) -> int:
        return int(self._state(CURSOR_KEY, 0))

    def frozen_batch(self) -> FrozenBatch | None:
        d = self._state(FROZEN_KEY)
        if d is None:
            return None
        return FrozenBatch(d["batch_id"], base64.b64decode(d["body"]), d["digest"], int(d["count"]))

    def pending_count(self) -> int:
        """Records with local changes the server has not acknowledged (rejected ones included)."""
        return int(
            self.db.query("SELECT count(*) FROM (SELECT DISTINCT entity, record_id FROM outbox)")[0][0]
        )

    def rejected(self) -> list[RecordNote]:
        """Records the server refused, with its reasons (for the UI)."""
        out = []
        for entity, record_id, problems in self.db.query(
            "SELECT entity, record_id, problems FROM rejection ORDER BY at"
        ):
            out.append(
                RecordNote(
                    entity, record_id, problems=tuple(protocol.Problem(**p) for p in json.loads(problems))
                )
            )
        return out

    def retry_rejected(self) -> int:
        """Send rejected records again on the next run (e.g. after a duplicate was fixed elsewhere)."""
        with self.db.atomic() as conn:
            return int(
                conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", (REJECTED,)).rowcount
            )

    # ------------------------------------------------------------------------------------- push

    def pending_changes(self, limit: int) -> Pending:
        rows = self.db.query(
            "SELECT seq, entity, record_id, batch_id FROM outbox"
            " WHERE batch_id IS NULL OR batch_id = ? ORDER BY seq",
            (REJECTED,),
        )
        order: list[tuple[str, str]] = []
        seqs: dict[tuple[str, str], list[int]] = {}
        live: set[tuple[str, str]] = set()
        for seq, entity, record_id, batch_id in rows:
            key = (entity, record_id)
            if key not in seqs:
                seqs[key] = []
                order.append(key)
            seqs[key].append(seq)
            if batch_id is None:
                live.add(key)
        chosen = [k for k in order if k in live][:limit]
        wanted = sorted(s for k in chosen for s in seqs[k])
        full: dict[int, tuple[Any, ...]] = {}
        for part in _chunks(wanted):
            marks = ", ".join("?" * len(part))
            for row in self.db.query(
                f"SELECT seq, fields, base, base_seq, deleted, hlc, user FROM outbox WHERE seq IN ({marks})",
                part,
            ):
                full[row[0]] = row
        changes = [
            self._coalesce(entity, record_id, [full[s] for s in seqs[(entity, record_id)]])
            for entity, record_id in chosen
        ]
        return Pending(changes, wanted)

    def _coalesce(self, entity: str, record_id: str, rows: list[tuple[Any, ...]]) -> protocol.Change:
        fields: dict[str, Any] = {}
        base: dict[str, int] = {}
        base_values: dict[str, Any] = {}
        seen_base: set[str] = set()
        deleted = False
        hlc = 0
        user = ""
        for _seq, fields_text, base_text, _base_seq, row_deleted, row_hlc, row_user in rows:
            fields.update(json.loads(fields_text))
            for name, (version, value) in json.loads(base_text).items():
                if name not in seen_base:
                    seen_base.add(name)
                    if version:
                        base[name] = version
                        base_values[name] = value
            deleted = deleted or bool(row_deleted)
            hlc = max(hlc, row_hlc)
            user = row_user
        return protocol.Change(
            entity=entity,
            id=record_id,
            village_code=self.village_code,
            fields=fields,
            base=base,
            base_values=base_values,
            base_seq=rows[0][3],
            deleted=deleted,
            hlc=hlc,
            user=user,
        )

    def freeze(self, batch: FrozenBatch, pending: Pending) -> None:
        seqs: list[int] = list(pending.marker or [])
        with self.db.atomic() as conn:
            if self._state(FROZEN_KEY) is not None:
                raise RuntimeError("a batch is already frozen")
            marked = 0
            for part in _chunks(seqs):
                marks = ", ".join("?" * len(part))
                marked += conn.execute(
                    f"UPDATE outbox SET batch_id = ? WHERE seq IN ({marks})"
                    " AND (batch_id IS NULL OR batch_id = ?)",
                    (batch.batch_id, *part, REJECTED),
                ).rowcount
            if marked != len(seqs):
                raise RuntimeError("the outbox changed under the batch being frozen")
            self._set_state(
                conn,
                FROZEN_KEY,
                {
                    "batch_id": batch.batch_id,
                    "body": base64.b64encode(batch.body).decode("ascii"),
                    "digest": batch.digest,
                    "count": batch.count,
                },
            )

    def unfreeze(self, batch_id: str) -> None:
        with self.db.atomic() as conn:
            conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", (batch_id,))
            conn.execute("DELETE FROM sync_state WHERE key = ?", (FROZEN_KEY,))

    def apply_push(self, batch: FrozenBatch, response: protocol.PushResponse) -> PushOutcome:
        request = protocol.decode_push_request(batch.body)
        by_id = {c.id: c for c in request.changes}
        outcome = PushOutcome()
        now = time.time()
        with self.db.atomic() as conn:
            for result in response.results:
                change = by_id.pop(result.id, None)
                if change is None:
                    continue  # an id we did not send: ignore rather than touch unrelated rows
                key = (change.entity, change.id)
                if result.status not in _ACKNOWLEDGED:
                    conn.execute(
                        "UPDATE outbox SET batch_id = ? WHERE batch_id = ? AND entity = ? AND record_id = ?",
                        (REJECTED, batch.batch_id, *key),
                    )
                    problems = [
                        {"field": p.field, "code": p.code, "zh": p.zh, "en": p.en} for p in result.errors
                    ]
                    conn.execute(
                        "INSERT OR REPLACE INTO rejection (entity, record_id, problems, at)"
                        " VALUES (?, ?, ?, ?)",
                        (*key, _dumps(problems), now),
                    )
                    outcome.rejected.append(RecordNote(*key, problems=tuple(result.errors)))
                    continue
                conn.execute(
                    "DELETE FROM outbox WHERE batch_id = ? AND entity = ? AND record_id = ?",
                    (batch.batch_id, *key),
                )
                conn.execute("DELETE FROM rejection WHERE entity = ? AND record_id = ?", key)
                self._settle(conn, change, result)
                outcome.acknowledged += 1
                if result.conflicts:
                    outcome.conflicts.append(RecordNote(*key, fields=tuple(result.conflicts)))
            # Anything the server did not answer for goes back to waiting (never stranded).
            conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", (batch.batch_id,))
            conn.execute("DELETE FROM sync_state WHERE key = ?", (FROZEN_KEY,))
        return outcome

    def _settle(self, conn: Any, change: protocol.Change, result: protocol.ChangeResult) -> None:
        """Bring the local record in line with what the server did with ``change``."""
        entity = change.entity
        row = conn.execute(
            f"SELECT versions, seq, deleted FROM {entity} WHERE id = ?", (change.id,)
        ).fetchone()
        if row is None:
            return
        versions = json.loads(row[0])
        for name, version in result.versions.items():
            if version > versions.get(name, 0):
                versions[name] = version
        sets: dict[str, Any] = {}
        shadow_key = f"{_SHADOW}{entity}/{change.id}"
        shadow: dict[str, Any] = self._state(shadow_key, {})
        for name in result.conflicts:
            # The server kept the county value: take it if we have seen it (else a pull brings it).
            if name == DELETED:
                kept = shadow.pop(DELETED, None)
                sets["deleted"] = int(kept[1]) if kept else (0 if change.deleted else 1)
                if not change.deleted:
                    # An edit of a record the county deleted: none of it was written there, and no
                    # pull will bring those fields back, so return them to what the edit started from.
                    for field_name in change.fields:
                        if field_name not in self._columns[entity]:
                            continue
                        if field_name in shadow:
                            version, sets[field_name] = shadow.pop(field_name)
                        else:
                            version = change.base.get(field_name, 0)
                            sets[field_name] = change.base_values.get(field_name)
                        versions[field_name] = version
                        if not version:
                            versions.pop(field_name)
            elif name in shadow and name in self._columns[entity]:
                version, value = shadow.pop(name)
                sets[name] = value
                versions[name] = version
        for name in result.versions:
            shadow.pop(name, None)  # the server now holds our value for it
        sets["versions"] = _dumps(versions)
        sets["seq"] = max(row[1], result.seq)
        assignments = ", ".join(f"{name} = ?" for name in sets)
        conn.execute(f"UPDATE {entity} SET {assignments} WHERE id = ?", (*sets.values(), change.id))
        # Later local edits of this record were made on top of what was just accepted: rebase them.
        for seq, base_text, base_seq in conn.execute(
            "SELECT seq, base, base_seq FROM outbox WHERE entity = ? AND record_id = ?", (entity, change.id)
        ).fetchall():
            base = json.loads(base_text)
            for name in base:
                if name in result.versions and name not in result.conflicts and name in change.fields:
                    base[name] = [result.versions[name], change.fields[name]]
            conn.execute(
                "UPDATE outbox SET base = ?, base_seq = ? WHERE seq = ?",
                (_dumps(base), max(base_seq, result.seq), seq),
            )
        left = conn.execute(
            "SELECT 1 FROM outbox WHERE entity = ? AND record_id = ? LIMIT 1", (entity, change.id)
        ).fetchone()
        if left is None or not shadow:
            conn.execute("DELETE FROM sync_state WHERE key = ?", (shadow_key,))
        else:
            self._set_state(conn, shadow_key, shadow)

    # ------------------------------------------------------------------------------------- pull

    def _pending_fields(self, ids: set[str]) -> dict[str, tuple[set[str], bool]]:
        """For records among ``ids`` with outbox rows: the fields edited and whether deleted."""
        out: dict[str, tuple[set[str], bool]] = {}
        for record_id, fields_text, deleted in self.db.query("SELECT record_id, fields, deleted FROM outbox"):
            if record_id not in ids:
                continue
            names, was_deleted = out.get(record_id, (set(), False))
            names.update(json.loads(fields_text))
            out[record_id] = (names, was_deleted or bool(deleted))
        return out

    def apply_pull(self, page: protocol.PullResponse) -> int:
        by_entity: dict[str, list[protocol.RecordState]] = {}
        for r in page.records:
            if r.entity in self._columns:
                by_entity.setdefault(r.entity, []).append(r)
        applied = 0
        with self.db.atomic() as conn:
            # Inside the transaction: an edit saved meanwhile cannot slip between check and write.
            pending = self._pending_fields({r.id for r in page.records})
            for entity, states in by_entity.items():
                applied += self._apply_entity(conn, entity, states, pending)
            self._set_state(conn, CURSOR_KEY, max(page.cursor, self.cursor()))
        return applied

    def _apply_entity(
        self,
        conn: Any,
        entity: str,
        states: list[protocol.RecordState],
        pending: dict[str, tuple[set[str], bool]],
    ) -> int:
        columns = self._columns[entity]
        local: dict[str, dict[str, Any]] = {}
        ids = [s.id for s in states]
        for part in _chunks(ids):
            cur = conn.execute(f"SELECT * FROM {entity} WHERE id IN ({', '.join('?' * len(part))})", part)
            names = [d[0] for d in cur.description]
            for row in cur.fetchall():
                d = dict(zip(names, row, strict=True))
                local[d["id"]] = d
        all_columns = self._table_columns[entity]
        rows: list[dict[str, Any]] = []
        for state in states:
            row = local.get(state.id)
            if row is None:
                row = {
                    "id": state.id,
                    "village_code": state.village_code,
                    "deleted": 0,
                    "seq": 0,
                    "versions": "{}",
                    "hlc": 0,
                    "updated_by": None,
                }
                row.update(dict.fromkeys(columns))
            else:
                row = dict(row)
            versions = json.loads(row["versions"])
            edited, pending_delete = pending.get(state.id, (set(), False))
            shadow: dict[str, Any] = {}
            for name, value in state.fields.items():
                if name not in columns:
                    continue  # a field this version of the app does not know
                version = state.versions.get(name, state.seq)
                if name in edited:
                    shadow[name] = [version, value]
                elif version >= versions.get(name, 0):
                    row[name] = value
                    versions[name] = version
            if pending_delete and bool(state.deleted) != bool(row["deleted"]):
                shadow[DELETED] = [state.seq, bool(state.deleted)]
            else:
                row["deleted"] = int(bool(state.deleted))
            row["versions"] = _dumps(versions)
            row["seq"] = max(row["seq"] or 0, state.seq)
            if shadow:
                key = f"{_SHADOW}{entity}/{state.id}"
                merged = self._state(key, {})
                merged.update(shadow)
                self._set_state(conn, key, merged)
            rows.append(row)
        if rows:
            cols = ", ".join(all_columns)
            marks = ", ".join("?" * len(all_columns))
            conn.executemany(
                f"INSERT OR REPLACE INTO {entity} ({cols}) VALUES ({marks})",
                [tuple(r.get(c) for c in all_columns) for r in rows],
            )
        return len(rows)
