"""Record history: an append-only log of every accepted field write (table ``change_log``).

Each write path adds its rows to a :class:`Log` and writes them inside the transaction that writes
the records, with one statement (``writes.insert_rows``): the log and the data commit or roll back
together, on PostgreSQL and SQLite. One row per record write (the village counter value it took),
holding every field that write changed as ``field -> [old, new]``: as many rows as record writes,
so a push costs one more bulk insert, not a row per field.

How a write came (``how``): ``push``; ``resync`` — a laptop's change stamped before the last
``county-server restored`` of its village and accepted after it (a laptop sending again what the
restored copy lacks); ``decision`` (staff on a conflict); ``duplicate`` (staff on a duplicate
resident); ``restore`` — the mark ``county-server restored`` leaves per village (record id
``restore:<epoch>``, at the counter value the restored copy had). Roster imports happen on the
laptops and reach the server as pushes, so they are logged as ``push``.

Rows are never updated. Pruning stored push answers (``sync.server.prune``) never touches them; the
county's retention (:func:`set_retention`) may only be lengthened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, insert, literal, select, update

from sync import jsontext
from sync.hlc import stamp_ms
from sync.protocol import DELETED
from sync.server.errors import Refusal
from sync.server.merge import Current
from sync.server.store import Store, renew_village_epoch, select_in
from sync.server.tables import change_log, devices, history_settings, records, villages
from sync.server.writes import insert_rows

HOWS = ("push", "resync", "decision", "duplicate", "restore")
CREATED = "*"
"""``changes`` of a record's creation. Its values are not copied: each is the old value of the next
write of that field, or the record's current value if none came since (the log holds every write,
in the transaction of the write, so this is exact). A push of new records then adds a short row."""
DEFAULT_RETENTION_DAYS = 3650
"""Ten years unless the county keeps it longer."""
MAX_RETENTION_DAYS = 365 * 100
COLUMNS = (
    "county_code",
    "village_code",
    "record_id",
    "seq",
    "entity",
    "changes",
    "how",
    "author",
    "device_id",
    "hlc",
    "server_at",
)


def changes(old: Current | None, new: Current) -> dict[str, list[Any]]:
    """``field -> [old, new]`` of the fields this write took its number for."""
    out: dict[str, list[Any]] = {}
    for name, version in new.versions.items():
        if version != new.seq or (old is not None and old.versions.get(name) == version):
            continue
        if name == DELETED:
            out[name] = [old.deleted if old is not None else False, new.deleted]
        else:
            out[name] = [old.data.get(name) if old is not None else None, new.data.get(name)]
    return out


class Log:
    """The log rows of one transaction, written by :meth:`write` with one INSERT."""

    def __init__(
        self, county: str, village: str, how: str, now: int, *, author: str = "", device_id: str = ""
    ) -> None:
        self.county, self.village, self.how, self.now = county, village, how, now
        self.author, self.device_id = author, device_id
        self.restored_ms = 0
        """Push only: a change stamped before this (ms) is logged as ``resync``."""
        self.rows: list[tuple[Any, ...]] = []

    @classmethod
    def for_push(cls, conn: Connection, county: str, village: str, device_id: str, now: int) -> Log:
        log = cls(county, village, "push", now, device_id=device_id)
        log.restored_ms = restored_at(conn, county, village) * 1000
        return log

    def add(
        self, record_id: str, old: Current | None, new: Current, *, author: str = "", hlc: int = 0
    ) -> None:
        how = "resync" if self.restored_ms and hlc and stamp_ms(hlc) < self.restored_ms else self.how
        self.rows.append(
            (
                self.county,
                self.village,
                record_id,
                new.seq,
                new.entity,
                CREATED if old is None and not new.deleted else jsontext.dumps(changes(old, new)),
                how,
                (author or self.author)[:100],
                self.device_id,
                hlc,
                self.now,
            )
        )

    def write(self, conn: Connection) -> None:
        insert_rows(conn, change_log, COLUMNS, self.rows)
        self.rows = []


def pairs(original: dict[str, Current], touched: dict[str, Current]) -> dict[str, tuple[Current, Current]]:
    """Each touched record with its original (staff paths write each record once)."""
    return {record_id: (original[record_id], new) for record_id, new in touched.items()}


def log_writes(
    conn: Connection,
    county: str,
    village: str,
    how: str,
    written: dict[str, tuple[Current, Current]],
    now: int,
    author: str,
) -> None:
    """One line for a staff write path: log each record's write (``record id -> (before, after)``)."""
    log = Log(county, village, how, now, author=author)
    for record_id, (old, new) in written.items():
        log.add(record_id, old, new)
    log.write(conn)


def restored_at(conn: Connection, county: str, village: str) -> int:
    """When the village was last restored from a backup (unix s), 0 if never: one probe of the
    primary key (the mark of the restore that made the village's current epoch)."""
    lc, vc = change_log.c, villages.c
    at = conn.execute(
        select(lc.server_at)
        .select_from(
            villages.join(
                change_log,
                and_(
                    lc.county_code == vc.county_code,
                    lc.village_code == vc.village_code,
                    lc.record_id == literal("restore:") + vc.epoch,
                ),
            )
        )
        .where(vc.county_code == county, vc.village_code == village)
        .limit(1)
    ).scalar()
    return int(at or 0)


def _mark(county: str, village: str, epoch: str, seq: int, now: int, author: str) -> tuple[Any, ...]:
    changes = jsontext.dumps({"epoch": [None, epoch]})
    return (county, village, f"restore:{epoch}", int(seq or 0), "", changes, "restore", author, "", 0, now)


def mark_restored(store: Store, epoch: str) -> int:
    """After ``renew_epoch``: a ``restore`` row per village saying the database was restored from a
    backup, at the counter value the copy had. Returns how many villages were marked."""
    now = store.now()
    with store.write() as conn:
        rows = conn.execute(
            select(villages.c.county_code, villages.c.village_code, villages.c.epoch_seq)
        ).all()
        marks = [_mark(c, v, epoch, seq, now, "county-server restored") for c, v, seq in rows]
        insert_rows(conn, change_log, COLUMNS, marks)
    return len(rows)


def went_back(conn: Connection, county: str, village: str, seq: int, now: int) -> str:
    """The village's database went back to an older copy without ``county-server restored`` (a
    laptop showed it): a new epoch for this village alone, starting at ``seq``, where the laptop's
    history and this one part (``counter_stamps.floor_if_went_back``; at most the counter), logged as a
    restore. The caller holds the village lock in this write transaction. Returns the new epoch."""
    epoch = renew_village_epoch(conn, county, village, seq)
    insert_rows(conn, change_log, COLUMNS, [_mark(county, village, epoch, seq, now, "server went back")])
    return epoch


# ------------------------------------------------------------------------------------------- reading


def _changes(rows: list[Any], current: dict[str, dict[str, Any]]) -> list[dict[str, list[Any]]]:
    """Each row's ``field -> [old, new]``, a creation's values filled in from the writes after it."""
    out: list[dict[str, list[Any]]] = [
        {} if r.changes == CREATED else jsontext.loads(r.changes) for r in rows
    ]
    later: dict[str, dict[str, Any]] = {}
    """Per record, field -> the old value of the next write of it (walking back from the newest)."""
    for i in range(len(rows) - 1, -1, -1):
        r = rows[i]
        seen = later.setdefault(r.record_id, {})
        if r.changes == CREATED:
            data = {**current.get(r.record_id, {}), **seen}
            out[i] = {k: [None, v] for k, v in data.items() if v is not None and k != DELETED}
            seen.clear()
        else:
            for name, (old, _new) in out[i].items():
                seen[name] = old
    return out


def current_data(conn: Connection, county: str, record_ids: list[str]) -> dict[str, dict[str, Any]]:
    return {
        record_id: jsontext.loads(data)
        for record_id, data in select_in(
            conn, "records", ("id", "data"), (("county_code", county),), "id", record_ids
        )
    }


def _entries(
    conn: Connection, rows: Iterable[Any], field: str | None, current: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = list(rows)
    ids = sorted({r.device_id for r in rows if r.device_id})
    names: dict[str, str] = {}
    if ids:
        names = dict(
            conn.execute(
                select(devices.c.device_id, devices.c.name).where(devices.c.device_id.in_(ids))
            ).all()
        )
    out = []
    for r, pairs in zip(rows, _changes(rows, current), strict=True):
        for name, (old, new) in pairs.items():
            if field is not None and name != field:
                continue
            out.append(
                {
                    "seq": int(r.seq),
                    "village_code": r.village_code,
                    "entity": r.entity,
                    "record_id": r.record_id,
                    "field": name,
                    "old": old,
                    "new": new,
                    "how": r.how,
                    "author": r.author,
                    "device_id": r.device_id,
                    "device_name": names.get(r.device_id, ""),
                    "laptop_at": stamp_ms(int(r.hlc)) // 1000 if r.hlc else 0,
                    "server_at": int(r.server_at),
                }
            )
    return out


def record_history(
    conn: Connection, county: str, record_id: str, field: str | None = None
) -> tuple[str | None, list[dict[str, Any]]]:
    """The record's village (None when it has no history) and its history, oldest first: one entry
    per field written (only ``field`` when given)."""
    found = conn.execute(
        select(records.c.village_code, records.c.data).where(
            records.c.county_code == county, records.c.id == record_id
        )
    ).first()
    if found is None:
        return None, []
    village = found.village_code
    lc = change_log.c
    rows = conn.execute(
        select(change_log)
        .where(lc.county_code == county, lc.village_code == village, lc.record_id == record_id)
        .order_by(lc.seq)
    ).all()
    return str(village), _entries(conn, rows, field, {record_id: jsontext.loads(found.data)})


def county_history(
    conn: Connection, county: str, *, since: int = 0, villages_: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every entry of the county (of these villages) written at or after ``since`` (unix s), in
    order of server time then counter."""
    lc = change_log.c
    query = select(change_log).where(lc.county_code == county, lc.server_at >= since)
    if villages_:
        query = query.where(lc.village_code.in_(villages_))
    # No index on the time: an export is rare, and every push would pay for one.
    rows = conn.execute(query.order_by(lc.server_at, lc.village_code, lc.seq, lc.record_id)).all()
    created = sorted({r.record_id for r in rows if r.changes == CREATED})
    return _entries(conn, rows, None, current_data(conn, county, created))


# ------------------------------------------------------------------------------------------ retention


class RetentionError(Refusal, ValueError):
    """A retention the county may not set (shorter than now, or out of range)."""


def retention_days(store: Store, county: str) -> int:
    with store.read() as conn:
        days = conn.execute(
            select(history_settings.c.retention_days).where(history_settings.c.county_code == county)
        ).scalar()
    return int(days) if days is not None else DEFAULT_RETENTION_DAYS


def set_retention(store: Store, county: str, days: int) -> int:
    """Keep the county's history at least ``days``; a shorter value than the current is refused."""
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise RetentionError("cli.retention_range", max=MAX_RETENTION_DAYS)
    hc = history_settings.c
    with store.write() as conn:
        current = conn.execute(select(hc.retention_days).where(hc.county_code == county)).scalar()
        now_days = int(current) if current is not None else DEFAULT_RETENTION_DAYS
        if days < now_days:
            raise RetentionError("cli.retention_shorter", now=now_days, days=days)
        if current is None:
            conn.execute(
                insert(history_settings).values(
                    county_code=county, retention_days=days, updated_at=store.now()
                )
            )
        else:
            conn.execute(
                update(history_settings)
                .where(hc.county_code == county)
                .values(retention_days=days, updated_at=store.now())
            )
    return days
