"""The sync engine's ``LocalReplica`` over the encrypted store (no Qt).

Outbox rows (one per local write, see ``repositories``) are coalesced per record into one
``protocol.Change``: the latest value of each field, the earliest base of each field. A batch is
*frozen* before it is sent: its outbox rows get the batch id and the exact encoded body is kept in
``sync_state`` (key ``frozen_batch``), in one transaction, so a run that dies mid-push resends the
same bytes next time.

Markers in ``outbox.batch_id``: NULL = waiting; a batch id = inside that frozen batch;
``REJECTED`` = the server refused the record (the problems are in the ``rejection`` table). A record
whose rows are all rejected is not sent again until it is edited (or ``retry_rejected`` is called).

Two batches may be frozen at once (``frozen_batch`` and ``frozen_batch/next``), so that the engine
can send the next batch while it settles the one just answered. They never share a record: a
record with rows in a frozen batch is not offered again until that batch is settled (and its later
edits rebased), and nothing behind such a record in outbox order is offered before it either, so
batches reach the server in the order a one-at-a-time run would send them.

Pulled records are written with plain SQL, not through the repositories, so they never fire the
outbox capture. A field with a pending local edit is not overwritten; the county's value for it is
kept aside as a *shadow* (``sync_state`` key ``shadow/<entity>/<id>``) and put in place if the
push that follows ends in a conflict (the server keeps the county value), so the laptop ends equal
to the server even when the county value arrived before the laptop's edit went up. How a push
answer settles each record (shadows, conflicts, later edits rebased) is ``desktop.storage.settle``.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from desktop.storage import outbox, quarantine, resync, review, sync_state
from desktop.storage.database import rows_by_id
from desktop.storage.outbox import REJECTED
from desktop.storage.sent import Sent, SentBatch
from desktop.storage.settle import settle_records
from desktop.storage.store import ENTITIES, Store
from sync import jsontext, protocol, stamps
from sync.laptop.interfaces import FrozenBatch, Pending, PushOutcome, RecordNote
from sync.protocol import DELETED

__all__ = [
    "CURSOR_KEY",
    "EPOCH_KEY",
    "OWN_KEY",
    "SEEN_KEY",
    "SINCE_KEY",
    "StoreReplica",
]

_chunks = outbox.chunks
CURSOR_KEY = "cursor"
SINCE_KEY = "pull_since"
"""The cursor of the last pull that completed: a pull under way asks for fields changed after it
(see ``sync.server.pull``). Absent on a laptop of an earlier release: 0, whole records once."""
OWN_KEY = "own_upto"
"""The village counter after the newest settled push answer: every field this laptop wrote at or
below it is known here, so a pull need not bring it back (``sync.server.pull``)."""
SEEN_KEY = "seen_stamps"
"""``[[counter value, stamp], ...]``, newest first: stamps the server gave with counter values this
laptop saw (``PushResponse.stamp``, ``PullResponse.stamp``), named again when it pushes or pulls so
a server gone back to an older copy notices, and finds where the histories part (``sync.stamps``)."""
EPOCH_KEY = resync.EPOCH_KEY
_ACKNOWLEDGED = ("applied", "partial", "conflict", "unchanged")


def _dumps(value: Any) -> str:
    return jsontext.dumps(value)


def _saw(conn: Any, seq: int, stamp: int) -> None:
    """Keep the stamp the server gave with counter value ``seq`` (``SEEN_KEY``), when it is new."""
    seen = stamps.as_pairs(sync_state.read(conn, SEEN_KEY, [])) or []
    if stamp and (not seen or seq > seen[0][0] or (seq == seen[0][0] and stamp != seen[0][1])):
        sync_state.write(conn, SEEN_KEY, stamps.remember(seen, seq, stamp))


class StoreReplica:
    """``sync.laptop.interfaces.LocalReplica`` for one open ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.village_code = store.village_code
        self._columns = {e: set(store.repository(e).fields) for e in ENTITIES}
        self._table_columns = {e: [r[1] for r in self.db.query(f"PRAGMA table_info({e})")] for e in ENTITIES}
        self._rows = outbox.RowIndex()

    # ------------------------------------------------------------------------------------ state

    def cursor(self) -> int:
        return int(sync_state.read(self.db, CURSOR_KEY, 0))

    def pull_since(self) -> int:
        return int(sync_state.read(self.db, SINCE_KEY, 0))

    def own_upto(self) -> int:
        return int(sync_state.read(self.db, OWN_KEY, 0))

    def known(self) -> int:
        return max(self.cursor(), self.own_upto())

    def seen(self) -> list[stamps.Pair]:
        return stamps.as_pairs(sync_state.read(self.db, SEEN_KEY, [])) or []

    def pull_again(self) -> None:
        """Pull every record from the start at the next run (its fields the store now has columns for:
        values of a new form field pulled while this laptop did not know the field were left out)."""
        with self.db.atomic() as conn:
            sync_state.write(conn, CURSOR_KEY, 0)
            sync_state.write(conn, SINCE_KEY, 0)

    def forms_version(self) -> int:
        """The county form version this store works with now: that of an edit written before edits
        named theirs (each batch names its records' version, ``Pending.forms_version``)."""
        return self.store.forms_version

    def epoch(self) -> str:
        """The epoch of the server this laptop last synced with ("" before the first pull)."""
        return str(sync_state.read(self.db, EPOCH_KEY, ""))

    def resync(self, epoch: str, floor: int) -> None:
        """The server has another history (restored from a backup): pull a snapshot next, and send
        again what the server lacks (``desktop.storage.resync``)."""
        with self.db.atomic() as conn:
            resync.begin(conn, list(ENTITIES), epoch, floor, (CURSOR_KEY, SINCE_KEY, OWN_KEY, SEEN_KEY))
        self._rows.forget()

    def resyncing(self) -> bool:
        """A re-sync's snapshot pull is under way (``resync.begin`` until ``resync.finish``)."""
        return bool(self.db.query("SELECT 1 FROM sync_state WHERE key = ?", (resync.RESYNC_KEY,)))

    def start_over(self) -> None:
        """The laptop now syncs with another server (re-pointed): forget this one's cursors and
        epoch, so no counter of the old server reads as "ahead" there, unfreeze unsent batches, and
        once it has synced before, re-sync as after a restore with nothing in common (floor 0): the
        new server gets every value it lacks, pending edits survive."""
        with self.db.atomic() as conn:
            for frozen in self.frozen_batches():
                self.unfreeze(frozen.batch_id)
            synced = self.cursor() or self.own_upto() or self.epoch()
            keys = (CURSOR_KEY, SINCE_KEY, OWN_KEY, SEEN_KEY)
            if synced:
                resync.begin(conn, list(ENTITIES), "", 0, keys)
        self._rows.forget()

    def frozen_batch(self) -> FrozenBatch | None:
        """The oldest frozen batch (the next to be sent), or None."""
        frozen = self.frozen_batches()
        return frozen[0] if frozen else None

    def frozen_batches(self) -> list[FrozenBatch]:
        """Every frozen batch, oldest first: the order they must be (re)sent in."""
        return [outbox.frozen_batch(d) for d in outbox.frozen_states(self.db.query).values()]

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

    def quarantined(self) -> list[RecordNote]:
        """Records pulled from the county with values this store cannot hold, kept aside."""
        return quarantine.listing(self.db)

    def retry_rejected(self) -> int:
        """Send rejected records again on the next run (e.g. after a duplicate was fixed elsewhere)."""
        with self.db.atomic() as conn:
            count = conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", (REJECTED,)).rowcount
        self._rows.forget()
        return int(count)

    # ------------------------------------------------------------------------------------- push

    def pending_changes(self, limit: int) -> Pending:
        """Records in outbox order (by their first waiting row); not frozen ones, and none from the
        first record that has rows in a frozen batch on (it goes once that batch is settled)."""
        records, marker, version = outbox.pending_rows(self.db, self._rows, limit, self.forms_version())
        changes = [outbox.coalesce(self.village_code, *record) for record in records]
        return Pending(changes, marker, version)

    def freeze(self, batch: FrozenBatch, pending: Pending) -> None:
        seqs: list[int] = sorted(pending.marker or [])
        if not seqs:
            raise RuntimeError("an empty batch is never frozen")
        with self.db.atomic() as conn:
            before = conn.total_changes
            outbox.freeze(conn, batch, seqs, getattr(pending.marker, "last_seq", None))
            after = conn.total_changes

        def mark(rows: dict[int, tuple[str, str, str | None]]) -> None:
            for seq in seqs:
                rows[seq] = (*rows[seq][:2], batch.batch_id)

        self._rows.mirror(before, after, mark)

    def unfreeze(self, batch_id: str) -> None:
        """Drop a frozen batch the server never stored (refused as too large, or never sent)."""
        with self.db.atomic() as conn:
            conn.execute("UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", (batch_id,))
            outbox.drop_frozen(conn, batch_id)
        self._rows.forget()

    def apply_push(self, batch: FrozenBatch, response: protocol.PushResponse) -> PushOutcome:
        """Apply the server's answer and drop the frozen batch, in one transaction, set-wise: the
        batch's outbox rows by primary key (kept with the frozen batch), never a scan per record."""
        outcome = PushOutcome()
        now = time.time()
        with self.db.atomic() as conn:
            before = conn.total_changes
            in_batch, later, entity_of = outbox.batch_rows(conn, batch.batch_id)
            settled: list[tuple[Sent, protocol.ChangeResult]] = []
            rejected: list[tuple[Sent, protocol.ChangeResult]] = []
            sent = SentBatch(batch.body)
            for result in response.results:
                found = entity_of.pop(result.id, None)
                if found is None:
                    continue  # an id we did not send: ignore rather than touch unrelated rows
                c = Sent(found, result.id, sent)
                (settled if result.status in _ACKNOWLEDGED else rejected).append((c, result))
            done = [s for c, _ in settled for s in in_batch.get((c.entity, c.id), ())]
            for part in _chunks(done):
                conn.execute(f"DELETE FROM outbox WHERE seq IN ({', '.join('?' * len(part))})", part)
            refused = [s for c, _ in rejected for s in in_batch.get((c.entity, c.id), ())]
            for part in _chunks(refused):
                conn.execute(
                    f"UPDATE outbox SET batch_id = ? WHERE seq IN ({', '.join('?' * len(part))})",
                    (REJECTED, *part),
                )
            conn.executemany(
                "INSERT OR REPLACE INTO rejection (entity, record_id, problems, at) VALUES (?, ?, ?, ?)",
                [
                    (c.entity, c.id, _dumps([dataclasses.asdict(p) for p in r.errors]), now)
                    for c, r in rejected
                ],
            )
            if conn.execute("SELECT 1 FROM rejection LIMIT 1").fetchone():  # usually none at all
                conn.executemany(
                    "DELETE FROM rejection WHERE entity = ? AND record_id = ?",
                    [(c.entity, c.id) for c, _ in settled],
                )
            shadows = {
                k
                for (k,) in conn.execute(
                    "SELECT key FROM sync_state WHERE key >= ? AND key < ?",
                    sync_state.SHADOW_RANGE,
                ).fetchall()
            }
            by_entity: dict[str, list[tuple[Sent, protocol.ChangeResult]]] = {}
            for c, r in settled:
                by_entity.setdefault(c.entity, []).append((c, r))
            for entity, pairs in by_entity.items():
                settle_records(conn, self.db, self._columns, entity, pairs, later, shadows)
            review.settled(conn, settled)
            # Anything the server did not answer for goes back to waiting (never stranded).
            answered = set(done) | set(refused)
            unanswered = [s for seqs in in_batch.values() for s in seqs if s not in answered]
            for part in _chunks(unanswered):
                conn.execute(
                    f"UPDATE outbox SET batch_id = NULL WHERE seq IN ({', '.join('?' * len(part))})", part
                )
            outbox.drop_frozen(conn, batch.batch_id)
            if response.server_seq > sync_state.read(conn, OWN_KEY, 0):
                sync_state.write(conn, OWN_KEY, response.server_seq)
            _saw(conn, response.server_seq, response.stamp)
            after = conn.total_changes

        def settle(rows: dict[int, tuple[str, str, str | None]]) -> None:
            for seq in done:
                del rows[seq]
            for seq in refused:
                rows[seq] = (*rows[seq][:2], REJECTED)
            for seq in unanswered:
                rows[seq] = (*rows[seq][:2], None)

        self._rows.mirror(before, after, settle)
        outcome.acknowledged = len(settled)
        outcome.conflicts = [
            RecordNote(c.entity, c.id, fields=tuple(r.conflicts)) for c, r in settled if r.conflicts
        ]
        outcome.rejected = [RecordNote(c.entity, c.id, problems=tuple(r.errors)) for c, r in rejected]
        return outcome

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
            floor = resync.floor_of(conn)
            if floor is not None:  # a snapshot after a new epoch: queue what the server lacks first
                for entity, states in by_entity.items():
                    resync.prepare_page(conn, entity, self._columns[entity], states, floor, marked=page.marks)
            # Inside the transaction: an edit saved meanwhile cannot slip between check and write.
            pending = self._pending_fields({r.id for r in page.records})
            for entity, states in by_entity.items():
                # A value the store cannot hold keeps its record aside, not the whole sync (issue 10).
                states = quarantine.sift(conn, self.store.forms, states, time.time())
                applied += self._apply_entity(conn, entity, states, pending)
            cursor = max(page.cursor, self.cursor())
            sync_state.write(conn, CURSOR_KEY, cursor)
            _saw(conn, page.cursor, page.stamp)
            if not page.more:
                sync_state.write(conn, SINCE_KEY, cursor)
                if floor is not None:
                    resync.finish(conn, self._columns)
            if page.epoch:
                sync_state.write(conn, EPOCH_KEY, page.epoch)
        if floor is not None:
            self._rows.forget()
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
        for d in rows_by_id(conn, entity, ids):
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
                key = f"{sync_state.SHADOW}{entity}/{state.id}"
                merged = sync_state.read(self.db, key, {})
                merged.update(shadow)
                sync_state.write(conn, key, merged)
            rows.append(row)
        if rows:
            cols = ", ".join(all_columns)
            marks = ", ".join("?" * len(all_columns))
            conn.executemany(
                f"INSERT OR REPLACE INTO {entity} ({cols}) VALUES ({marks})",
                [tuple(r.get(c) for c in all_columns) for r in rows],
            )
        return len(rows)
