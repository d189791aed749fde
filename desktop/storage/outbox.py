"""The outbox as a sync reads it: waiting rows in order, coalesced per record, and frozen batches.

Split out of :mod:`desktop.storage.replica`, which drives these in its transactions.

Markers in ``outbox.batch_id``: NULL = waiting; a batch id = inside that frozen batch;
``REJECTED`` = the server refused the record. Up to two batches are frozen at once, kept in
``sync_state`` under ``frozen_batch`` (the oldest) and ``frozen_batch/next``; they never share a
record.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sync import jsontext, protocol
from sync.laptop.interfaces import FrozenBatch

REJECTED = "!rejected"
FROZEN_KEY = "frozen_batch"
FROZEN_NEXT_KEY = "frozen_batch/next"
"""A second frozen batch, frozen while the first was at the server; it moves up when that one settles."""
FROZEN_KEYS = (FROZEN_KEY, FROZEN_NEXT_KEY)
CHUNK = 500

Query = Callable[[str, Any], list[Any]]
"""``query(sql, params) -> rows``: ``Database.query``, or :func:`on` a connection in a transaction."""


def chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def on(conn: Any) -> Query:
    def query(sql: str, params: Any = ()) -> list[Any]:
        return list(conn.execute(sql, params).fetchall())

    return query


class Rows(list[int]):
    """The outbox seqs a batch was made from (``Pending.marker``), and the newest seq in the outbox
    when they were read: every row of those records up to it is among them, and any row written
    after it has a greater seq."""

    def __init__(self, seqs: Iterable[int], last_seq: int) -> None:
        super().__init__(seqs)
        self.last_seq = last_seq


class RowIndex:
    """The ``(entity, record_id, batch_id)`` of every outbox row by seq, kept in memory by one
    replica between batches while nothing but that replica writes to the database; any other
    write (a save, a pull, another replica) is seen in the connection's total change count and
    the outbox is read again. The outbox holds each edit's values, so reading even three of its
    columns decrypts every page: once per sync run instead of once per batch. (An index on them
    would do it too, but costs every save a page more to encrypt.)"""

    def __init__(self) -> None:
        self._rows: dict[int, tuple[str, str, str | None]] | None = None
        self._changes = -1
        self._lock = threading.Lock()

    def choose(self, db: Any, limit: int) -> tuple[list[tuple[str, str, list[int]]], int]:
        """The first ``limit`` records in outbox order (by their first waiting row) that have a
        waiting edit, with the seqs of their waiting rows; stopping before the first such record
        that also has rows in a frozen batch (its earlier edits are in flight: it, and all behind
        it, wait for them). And the newest seq in the outbox when it was read (see :class:`Rows`)."""
        with self._lock:
            changes = db.changes()
            if self._rows is None or changes != self._changes:
                scanned = db.query("SELECT seq, entity, record_id, batch_id FROM outbox ORDER BY seq")
                # Tuples of text: the garbage collector stops tracking them, unlike lists.
                self._rows = {
                    seq: (entity, record_id, batch_id) for seq, entity, record_id, batch_id in scanned
                }
                self._changes = changes  # read before the scan: a write during it means a rescan
            rows = self._rows
            # Per row only text keys and ints (a list only for a record with several waiting rows):
            # objects the garbage collector never has to walk, however many rows there are.
            order: list[int] = []  # the first waiting seq of each record, in order
            waiting: dict[str, int | list[int]] = {}
            live: set[str] = set()
            frozen: set[str] = set()
            last_seq = 0
            for seq, (entity, record_id, batch_id) in rows.items():
                last_seq = seq
                key = entity + "\0" + record_id
                if batch_id is not None and batch_id != REJECTED:
                    frozen.add(key)
                    continue
                have = waiting.get(key)
                if have is None:
                    waiting[key] = seq
                    order.append(seq)
                elif isinstance(have, int):
                    waiting[key] = [have, seq]
                else:
                    have.append(seq)
                if batch_id is None:
                    live.add(key)
            chosen: list[tuple[str, str, list[int]]] = []
            for first in order:
                entity, record_id, _ = rows[first]
                key = entity + "\0" + record_id
                if key not in live:
                    continue
                if key in frozen:
                    break
                have = waiting[key]
                chosen.append((entity, record_id, [have] if isinstance(have, int) else have))
                if len(chosen) >= limit:
                    break
        return chosen, last_seq

    def mirror(
        self, before: int, after: int, change: Callable[[dict[int, tuple[str, str, str | None]]], None]
    ) -> None:
        """This replica's own write took the change count from ``before`` to ``after``: apply it
        to the rows in memory if they were in step just before it, else read them again next time."""
        with self._lock:
            if self._rows is not None and self._changes == before:
                try:
                    change(self._rows)
                    self._changes = after
                    return
                except KeyError:  # not the rows it was made from after all
                    pass
            self._rows = None

    def forget(self) -> None:
        with self._lock:
            self._rows = None


def pending_rows(
    db: Any, index: RowIndex, limit: int, current_version: int = 0
) -> tuple[list[tuple[str, str, list[tuple[Any, ...]]]], Rows, int]:
    """``(entity, record_id, rows)`` of the records to send next, in order, their marker, and the
    county form version they were made with (issue 17). A batch holds records of one version, the
    server validates it against that one: the records go up to the first of another version (it
    leads the next batch). A record's version is the newest of its rows'; a row written before
    rows named theirs counts as ``current_version``."""
    chosen, last_seq = index.choose(db, limit)
    wanted = sorted(s for _, _, seqs in chosen for s in seqs)
    full: dict[int, tuple[Any, ...]] = {}
    versions: dict[int, int] = {}
    for part in chunks(wanted):
        marks = ", ".join("?" * len(part))
        for row in db.query(
            "SELECT seq, fields, base, base_seq, deleted, hlc, user, forms_version"
            f" FROM outbox WHERE seq IN ({marks})",
            part,
        ):
            full[row[0]] = tuple(row[:7])
            versions[row[0]] = current_version if row[7] is None else int(row[7])
    if len(full) != len(wanted):  # rows gone since they were listed (another replica): read again
        index.forget()
        return pending_rows(db, index, limit, current_version)
    records: list[tuple[str, str, list[tuple[Any, ...]]]] = []
    version = current_version
    for entity, record_id, seqs in chosen:
        mine = max(versions[s] for s in seqs)
        if not records:
            version = mine
        elif mine != version:
            break
        records.append((entity, record_id, [full[s] for s in seqs]))
    if len(records) < len(chosen):
        wanted = sorted(s for _, _, rows in records for s in (r[0] for r in rows))
    return records, Rows(wanted, last_seq), version


def coalesce(village_code: str, entity: str, record_id: str, rows: list[tuple[Any, ...]]) -> protocol.Change:
    """One record's waiting rows as one Change: the latest value of each field, the earliest base
    (the first row's ``base_seq``: a record's rows are made on ever later seqs; but a delete waiting
    on the township that a re-sync sends again on none, behind edits made since, keeps its none)."""
    fields: dict[str, Any] = {}
    base: dict[str, int] = {}
    base_values: dict[str, Any] = {}
    seen_base: set[str] = set()
    lost: dict[str, int] = {}
    made_on: dict[str, int] = {}
    deleted = False
    hlc = 0
    user = ""
    base_seq = rows[0][3]
    for _seq, fields_text, base_text, row_base_seq, row_deleted, row_hlc, row_user in rows:
        if row_deleted and row_base_seq < base_seq:  # a delete a re-sync sends again, on no seq
            base_seq = row_base_seq
        row_fields = jsontext.loads(fields_text)
        fields.update(row_fields)
        row_base = jsontext.loads(base_text) if base_text != "{}" else {}
        for name in row_fields if row_base or lost else ():
            # A value sent again on a re-sync names its lost version (third in its base entry,
            # ``desktop.storage.resync``) while no later edit replaced it.
            entry = row_base.get(name)
            if entry is not None and len(entry) > 2 and entry[2] is not None:
                lost[name] = entry[2]
            else:
                lost.pop(name, None)
        for name, (version, value, *marks) in row_base.items():
            if name not in seen_base:
                seen_base.add(name)
                if version:
                    base[name] = version
                    base_values[name] = value
                if len(marks) > 1:  # an edit a re-sync rebased: the lost version it was made on
                    made_on[name] = marks[1]
        deleted = deleted or bool(row_deleted)
        hlc = max(hlc, row_hlc)
        user = row_user
    return protocol.Change(
        entity=entity,
        id=record_id,
        village_code=village_code,
        fields=fields,
        base=base,
        base_values=base_values,
        base_seq=base_seq,
        deleted=deleted,
        hlc=hlc,
        user=user,
        lost=lost or protocol.NO_LOST,
        made_on=made_on or protocol.NO_LOST,
    )


# --------------------------------------------------------------------------------------------------
# Frozen batches


def frozen_states(query: Query) -> dict[str, dict[str, Any]]:
    """Slot key -> stored state of each frozen batch, oldest first."""
    rows = dict(query("SELECT key, value FROM sync_state WHERE key IN (?, ?)", FROZEN_KEYS))
    return {key: jsontext.loads(rows[key]) for key in FROZEN_KEYS if key in rows}


def frozen_batch(state: dict[str, Any]) -> FrozenBatch:
    return FrozenBatch(
        state["batch_id"], base64.b64decode(state["body"]), state["digest"], int(state["count"])
    )


def freeze(conn: Any, batch: FrozenBatch, seqs: list[int], last_seq: int | None) -> None:
    """Mark the (sorted) outbox rows ``seqs`` with the batch id and keep the batch, in ``conn``'s
    transaction. ``last_seq`` (see :class:`Rows`) lets its answer be settled without a scan."""
    taken = frozen_states(on(conn))
    slot = next((k for k in FROZEN_KEYS if k not in taken), None)
    if slot is None:
        raise RuntimeError("two batches are already frozen")
    marked = 0
    for part in chunks(seqs):
        marks = ", ".join("?" * len(part))
        marked += conn.execute(
            f"UPDATE outbox SET batch_id = ? WHERE seq IN ({marks}) AND (batch_id IS NULL OR batch_id = ?)",
            (batch.batch_id, *part, REJECTED),
        ).rowcount
    if marked != len(seqs):
        raise RuntimeError("the outbox changed under the batch being frozen")
    state: dict[str, Any] = {
        "batch_id": batch.batch_id,
        "body": base64.b64encode(batch.body).decode("ascii"),
        "digest": batch.digest,
        "count": batch.count,
    }
    if last_seq is not None:
        state |= {"rows": _ranges(seqs), "last_seq": last_seq}
    conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)", (slot, jsontext.dumps(state)))


def drop_frozen(conn: Any, batch_id: str) -> None:
    """Forget the frozen batch ``batch_id``; a batch frozen after it becomes the oldest."""
    states = frozen_states(on(conn))
    key = next((k for k, d in states.items() if d["batch_id"] == batch_id), None)
    if key is None:
        return
    conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
    if key == FROZEN_KEY and FROZEN_NEXT_KEY in states:
        conn.execute("UPDATE sync_state SET key = ? WHERE key = ?", (FROZEN_KEY, FROZEN_NEXT_KEY))


def batch_rows(
    conn: Any, batch_id: str
) -> tuple[dict[tuple[str, str], list[int]], dict[tuple[str, str], list[int]], dict[str, str]]:
    """The outbox rows of a frozen batch and the later rows of its records (written after it was
    made), by record; and the entity of each record id in it."""
    state = next((d for d in frozen_states(on(conn)).values() if d["batch_id"] == batch_id), {})
    if "rows" in state:
        # Its rows by primary key; later ones can only be among the rows newer than the batch.
        marked = [s for first, last in state["rows"] for s in range(first, last + 1)]
        rows = []
        for part in chunks(marked):
            marks = ", ".join("?" * len(part))
            rows += conn.execute(
                f"SELECT seq, entity, record_id, batch_id FROM outbox WHERE seq IN ({marks})", part
            ).fetchall()
        rows += conn.execute(
            "SELECT seq, entity, record_id, batch_id FROM outbox WHERE seq > ?", (state["last_seq"],)
        ).fetchall()
    else:  # frozen by an older version: one scan of the outbox
        rows = conn.execute("SELECT seq, entity, record_id, batch_id FROM outbox").fetchall()
    in_batch: dict[tuple[str, str], list[int]] = {}
    later: dict[tuple[str, str], list[int]] = {}
    entity_of: dict[str, str] = {}
    for seq, entity, record_id, row_batch in rows:
        if row_batch == batch_id:
            in_batch.setdefault((entity, record_id), []).append(seq)
            entity_of[record_id] = entity
    for seq, entity, record_id, row_batch in rows:
        if row_batch != batch_id and (entity, record_id) in in_batch:
            later.setdefault((entity, record_id), []).append(seq)
    return in_batch, later, entity_of


def _ranges(seqs: list[int]) -> list[list[int]]:
    """Sorted seqs as ``[first, last]`` runs (a batch's rows are mostly consecutive)."""
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and runs[-1][1] == seq - 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return runs
