"""Re-syncing with a county server restored from a backup (a new server epoch).

The restored copy holds the village as it was when the backup was taken: counter value ``floor``
(``epoch_seq``). Version numbers at or below ``floor`` are one history at both ends; above it the
laptop's numbers (writes the restore lost) and the server's (writes made since) are two histories
and cannot be compared. So, on a new epoch, the laptop:

1. forgets its cursor, ``pull_since`` and ``own_upto`` and pulls a snapshot (every field);
2. before each snapshot page is applied, looks at every local field known above ``floor``:
   the same value as the server's -> take the server's version; the server's at or below ``floor``
   or absent (it holds an older value, or none) -> queue the local value again, based on the
   server's version, so it applies without a conflict; the server's above ``floor`` too (written
   since the restore) -> the rule below. Pending local edits based on a lost version are rebased
   on the server's older value, or on the same value sent again (and name the lost version they
   were made on, ``protocol.Change.made_on``); otherwise they go with no base: a conflict for the
   township, never a silent overwrite;
3. when the snapshot ends, queues whole every local record the server did not send (it lacks it),
   naming the lost version of each field (below) but of those with pending rows: a pending edit
   there goes with no base and names the version it was made on, and a value waiting on the
   township is no copy of the county value's version it was shown against.

A field the server wrote since the restore, against a different local value from the lost history
(version ``mine`` there). Every value that comes from that history says so on the server: a value
sent again names its version there (``protocol.Change.lost``, the third element of its outbox base
entry), an edit rebased as above names the version it was made on (``Change.made_on``, the fourth
element); the server keeps the newest with the field and sends it on snapshot pages
(``RecordState.lost``: ``[lost, taken]`` for a copy, ``[lost, taken, 1]`` for an edit made on
version ``lost``; ``taken`` is where it was written, the field's version until someone writes it
again; a later write is made on it or decided with it in view, so the mark still orders the
field's value). So:

* ``lost >= mine``: the server holds a newer copy, or an edit made on this very value or a newer
  one: the server's value is taken, no item (b's older copy meets a's newer edit made on it);
* a copy with ``lost < mine`` still current (``taken`` is its version): this newer value goes up
  on it, cleanly (a's newer edit meets b's older copy sent first);
* otherwise (an edit made on an older value, a copy overwritten since, or no mark at all: an
  ordinary edit made since the restore on the restored copy's value, which never saw this one)
  this value goes up with no base: a conflict, an item for the township, never a silent loss.

Only a mark written since this restore (``taken`` above ``floor``) orders anything: one written
before it (the copy was restored with it) names a version of an earlier lost history, whose numbers
say nothing about this one, and counts as no mark (an item, never an overwrite).

A server that keeps no marks (of an earlier release: ``PullResponse.marks`` false) sends none and
its value is taken, as before; a laptop of an earlier release sends no ``made_on`` (its rebased
edit then meets other laptops' copies of the value it was made on as an item, never a loss), and
reads an edit's mark as none (takes the server's value, as before).

Queued values are ordinary outbox rows, so they go up with the next push and settle as usual; the
laptop's versions are all in the server's numbering afterwards. Nothing acknowledged before the
restore is lost, and no field conflicts with the laptop's own earlier value.
"""

from __future__ import annotations

import json
from typing import Any

from desktop.storage import outbox, sync_state
from desktop.storage.database import rows_by_id
from sync import jsontext, protocol
from sync.protocol import DELETED

EPOCH_KEY = "server_epoch"
"""The epoch of the server this laptop last synced with (empty: not known yet)."""
RESYNC_KEY = "resync"
"""``{"floor": n}`` while the snapshot pull after a new epoch is under way."""


def begin(conn: Any, entities: list[str], epoch: str, floor: int, reset_keys: tuple[str, ...]) -> None:
    """Start over against a server with another history, in the caller's transaction."""
    sync_state.write(conn, EPOCH_KEY, epoch)
    sync_state.write(conn, RESYNC_KEY, {"floor": int(floor)})
    for key in reset_keys:
        sync_state.write(conn, key, 0)
    # County values kept aside for pending edits came from the old history: the snapshot brings them anew.
    conn.execute("DELETE FROM sync_state WHERE key >= ? AND key < ?", sync_state.SHADOW_RANGE)
    conn.execute("DELETE FROM resync_unseen")
    for entity in entities:
        conn.execute(
            f"INSERT OR REPLACE INTO resync_unseen (id, entity) SELECT id, ? FROM {entity}", (entity,)
        )
    _send_waiting_again(conn, set(entities))


def _send_waiting_again(conn: Any, entities: set[str]) -> None:
    """The official's values waiting on the township go up again, as pending edits on a base no
    county field has (``protocol.CONTESTED``): the other server may not hold their items (written
    after its backup), and a conflict there reopens one, never an overwrite (a delete item's edited
    fields go with no base: against a county delete that is the same conflict). The local record
    shows the value again until the answer comes (a conflict puts the county value back, as on the
    first push). A value still in an open item there is not added to it twice
    (``sync.server.review.attach``); one taken by the county waits no longer (``review.settled``)."""
    rows = conn.execute(
        "SELECT entity, record_id, field, my_value, my_fields, user, county_value FROM review_wait"
        " WHERE status = 'waiting'"
    ).fetchall()
    for entity, record_id, field, my_value, my_fields, user, county_value in rows:
        if entity not in entities:
            continue
        found = conn.execute(f"SELECT hlc FROM {entity} WHERE id = ?", (record_id,)).fetchone()
        if found is None:
            continue
        pending = [
            set(json.loads(r[0])) | ({DELETED} if r[1] else set())
            for r in conn.execute(
                "SELECT fields, deleted FROM outbox WHERE entity = ? AND record_id = ?", (entity, record_id)
            ).fetchall()
        ]
        if any(field in names for names in pending):
            continue  # said again since (a delete: deleted again): that newer word goes up instead
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({entity})").fetchall()}
        mine = json.loads(my_value)
        row = {"hlc": found[0], "updated_by": user}
        if field == DELETED:
            fields = {k: v for k, v in json.loads(my_fields or "{}").items() if k in columns}
            sets = {**fields, "deleted": int(bool(mine))}
            _queue(conn, entity, record_id, row, fields, {}, 0, bool(mine))
        elif field in columns:
            sets = {field: mine}
            base = {field: [protocol.CONTESTED, json.loads(county_value or "null")]}
            _queue(conn, entity, record_id, row, {field: mine}, base, 0, False)
        else:
            continue
        assignments = ", ".join(f"{name} = ?" for name in sets)
        conn.execute(f"UPDATE {entity} SET {assignments} WHERE id = ?", (*sets.values(), record_id))


def floor_of(conn: Any) -> int | None:
    state = sync_state.read(conn, RESYNC_KEY)
    return None if state is None else int(state["floor"])


def _queue(
    conn: Any,
    entity: str,
    record_id: str,
    row: dict[str, Any],
    fields: dict[str, Any],
    base: dict[str, list[Any]],
    base_seq: int,
    deleted: bool,
) -> None:
    conn.execute(
        "INSERT INTO outbox (entity, record_id, fields, base, base_seq, deleted, hlc, user)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entity,
            record_id,
            jsontext.dumps(fields),
            jsontext.dumps(base),
            base_seq,
            int(deleted),
            int(row.get("hlc") or 0),
            str(row.get("updated_by") or ""),
        ),
    )


def prepare_page(
    conn: Any,
    entity: str,
    columns: set[str],
    states: list[protocol.RecordState],
    floor: int,
    *,
    marked: bool = False,
) -> None:
    """Before a snapshot page is applied: queue again what the server lacks, renumber the rest.
    ``marked``: the server keeps the lost versions edits were made on (``PullResponse.marks``)."""
    if not states:
        return
    by_id = {s.id: s for s in states}
    ids = list(by_id)
    local: dict[str, dict[str, Any]] = {}
    for d in rows_by_id(conn, entity, ids):
        local[d["id"]] = d
    for part in outbox.chunks(ids):
        conn.execute(f"DELETE FROM resync_unseen WHERE id IN ({', '.join('?' * len(part))})", part)
    pending: dict[str, list[tuple[int, str, int, int]]] = {}
    edits: dict[str, set[str]] = {}
    for part in outbox.chunks(list(local)):
        marks = ", ".join("?" * len(part))
        for seq, record_id, fields_text, base_text, base_seq, deleted in conn.execute(
            f"SELECT seq, record_id, fields, base, base_seq, deleted FROM outbox"
            f" WHERE entity = ? AND record_id IN ({marks})",
            (entity, *part),
        ).fetchall():
            pending.setdefault(record_id, []).append((seq, base_text, base_seq, deleted))
            edits.setdefault(record_id, set()).update(json.loads(fields_text))
    for record_id, row in local.items():
        state = by_id[record_id]
        rows = pending.get(record_id, [])
        edited = edits.get(record_id, set())
        versions: dict[str, int] = json.loads(row["versions"] or "{}")
        renumbered: dict[str, int] = {}
        fields: dict[str, Any] = {}
        base: dict[str, list[Any]] = {}
        for name, mine in versions.items():
            if name not in columns:
                continue
            theirs = int(state.versions.get(name, state.seq if name in state.fields else 0))
            if mine <= floor:
                renumbered[name] = mine  # one history: the ordinary pull decides
                continue
            if theirs:
                renumbered[name] = theirs
            if name in edited:
                continue  # rebased below with the other pending rows
            if name in state.fields and state.fields[name] == row.get(name):
                continue  # the server holds this value already
            there = state.fields.get(name)
            if theirs > floor:
                # Written there since the restore (see the module's rule). A newer copy of the
                # lost history, or an edit made on this value or a newer one: taken. An older copy
                # nothing wrote since: this one goes up on it. An edit made on an older value, one
                # written since over an older copy, or one made on no lost value: a conflict.
                mark = state.lost.get(name)
                if mark is not None and mark[1] <= floor:
                    mark = None  # of an earlier restore: its numbers are of another history
                if mark is None and not marked:
                    continue  # a server that keeps no marks: its value is taken
                lost, taken, *edit = mark or (0, 0, 1)
                if lost >= mine:
                    continue
                fields[name] = row.get(name)
                base[name] = [theirs, there, mine] if taken == theirs and not edit else [0, None, mine]
                continue
            fields[name] = row.get(name)
            # An older value there (applies cleanly), or none; ``mine`` orders copies of this value.
            base[name] = [theirs, there, mine] if theirs else [0, None, mine]
        for seq, base_text, base_seq, _deleted in rows:
            old = json.loads(base_text)
            new = {}
            for name, (version, value, *_lost) in old.items():
                if floor < version < protocol.CONTESTED:
                    # Based on a lost value: on what the server holds if that is older, or the
                    # same value sent again by its author; else no base (a conflict, not an overwrite).
                    theirs = int(state.versions.get(name, 0))
                    there = state.fields.get(name)
                    clean = 0 < theirs <= floor or (theirs > floor and there == value)
                    if clean:  # the server marks the edit with the lost version it was made on
                        new[name] = [theirs, there, None, version]
                        continue
                    version = 0
                new[name] = [version, value]
            if base_seq > floor:
                base_seq = state.seq if state.seq <= floor else 0
            conn.execute(
                "UPDATE outbox SET base = ?, base_seq = ? WHERE seq = ?", (jsontext.dumps(new), base_seq, seq)
            )
        deleted = bool(row["deleted"]) and not state.deleted and (row["seq"] or 0) > floor
        if deleted and not any(d for *_, d in rows):
            _queue(conn, entity, record_id, row, {}, {}, state.seq if state.seq <= floor else 0, True)
        if fields:
            _queue(conn, entity, record_id, row, fields, base, state.seq if state.seq <= floor else 0, False)
        # seq 0: the page's apply takes the server's seq (it keeps the larger of the two).
        conn.execute(
            f"UPDATE {entity} SET versions = ?, seq = 0 WHERE id = ?", (jsontext.dumps(renumbered), record_id)
        )


def finish(conn: Any, columns: dict[str, set[str]]) -> int:
    """The snapshot is complete: queue whole every local record the server did not send. Returns
    how many records were queued."""
    queued = 0
    floor = floor_of(conn) or 0
    for entity, names in columns.items():
        ids = [
            r[0] for r in conn.execute("SELECT id FROM resync_unseen WHERE entity = ?", (entity,)).fetchall()
        ]
        for part in outbox.chunks(ids):
            marks = ", ".join("?" * len(part))
            pending: dict[str, set[str]] = {}
            for seq, record_id, fields_text, base_text in conn.execute(
                f"SELECT seq, record_id, fields, base FROM outbox"
                f" WHERE entity = ? AND record_id IN ({marks})",
                (entity, *part),
            ).fetchall():
                pending.setdefault(record_id, set()).update(json.loads(fields_text))
                # A pending edit made on a lost version: no base here (a conflict should the record
                # be there by then, never a number of one history compared with another's), and it
                # names the version it was made on. Values waiting on the township keep theirs.
                old = json.loads(base_text)
                new = {
                    n: [0, e[1], None, e[0]] if floor < e[0] < protocol.CONTESTED else e
                    for n, e in old.items()
                }
                if new != old:
                    conn.execute("UPDATE outbox SET base = ? WHERE seq = ?", (jsontext.dumps(new), seq))
            for row in rows_by_id(conn, entity, part):
                fields = {n: row[n] for n in names if n in row and row[n] is not None}
                # Values from the lost history name their version there, as in ``prepare_page``;
                # not a field with pending rows: its value is an edit, or one waiting on the township.
                versions = json.loads(row["versions"] or "{}")
                edited = pending.get(row["id"], set())
                base = {
                    n: [0, None, v]
                    for n, v in versions.items()
                    if n in fields and v > floor and n not in edited
                }
                _queue(conn, entity, row["id"], row, fields, base, 0, False)
                if row["deleted"]:
                    _queue(conn, entity, row["id"], row, {}, {}, 0, True)
                queued += 1
            conn.execute(f"UPDATE {entity} SET versions = '{{}}', seq = 0 WHERE id IN ({marks})", part)
    conn.execute("DELETE FROM resync_unseen")
    sync_state.delete(conn, RESYNC_KEY)
    return queued
