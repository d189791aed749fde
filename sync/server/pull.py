"""Pull: pages of a village's records after a cursor, each with only the fields changed since the
pull began.

A record's ``seq`` is the counter value of its newest change and every change has its own number,
so paging by ``seq`` never splits or skips a change. A record is listed once, at its newest ``seq``,
so a page after the first must still carry its fields changed since the *whole* pull began
(``since``, which the laptop moves forward only when a pull completes), not only those after the
page's cursor: a record made early and edited late would otherwise arrive without its early fields.
``since`` 0 returns every field: the snapshot a new laptop starts from. Without ``since`` (laptops
of an earlier release) it is the cursor.

A laptop does not get back what it wrote itself: with ``own`` (the counter value of the newest push
answer it has settled), every field whose version lies in the counter range of one of its own
batches answered up to ``own`` is left out, and a record with nothing else new is not sent at all. A
field that someone else wrote since has a newer version outside those ranges, so it still arrives.
A laptop restored from a backup has an older ``own`` and so gets its later writes back.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from typing import Any

from sqlalchemy import Connection, select

from sync import jsontext, stamps
from sync.protocol import DELETED, PROTOCOL_VERSION
from sync.server import changelog, counter_stamps
from sync.server.auth import Device
from sync.server.merge import LOST
from sync.server.store import Store, lock_village, village_epoch
from sync.server.tables import batches, records

log = logging.getLogger(__name__)
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


class OwnWrites:
    """The counter ranges of a device's own batches: does a version belong to one of them?"""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ranges.sort()
        self.starts = [lo for lo, _ in ranges]
        self.ends = [hi for _, hi in ranges]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def __contains__(self, version: int) -> bool:
        i = bisect_right(self.starts, version) - 1
        return i >= 0 and version <= self.ends[i]

    @classmethod
    def load(cls, conn: Connection, device: Device, since: int, own: int) -> OwnWrites:
        if own <= since:
            return cls([])
        bc = batches.c
        rows = conn.execute(
            select(bc.seq_lo, bc.seq_hi).where(
                bc.county_code == device.county_code,
                bc.village_code == device.village_code,
                bc.device_id == device.device_id,
                bc.seq_hi > since,
                bc.seq_hi <= own,
            )
        ).all()
        return cls([(int(lo), int(hi)) for lo, hi in rows])


def pull(
    store: Store,
    device: Device,
    cursor: int,
    limit: int = DEFAULT_LIMIT,
    *,
    since: int | None = None,
    own: int = 0,
    epoch: str = "",
    known: int = 0,
    seen: stamps.Seen = (),
) -> dict[str, Any]:
    """The PullResponse (as a plain dict) for records of the device's village after ``cursor``, with
    their fields changed after ``since``, without the device's own writes up to ``own``. ``known``
    and ``seen``: the highest counter value the laptop saw, and the stamps it saw
    (``counter_stamps``)."""
    limit = max(1, min(limit, MAX_LIMIT))
    since = cursor if since is None else min(since, cursor)
    rc = records.c
    with store.read() as conn:
        mine = OwnWrites.load(conn, device, since, own)
        now, counter, started = village_epoch(conn, device.county_code, device.village_code)
        # A cursor of another epoch (named by the laptop) means nothing here: that laptop re-syncs
        # on this answer anyway. One indexed read when the laptop names stamps.
        county, village = device.county_code, device.village_code
        ahead = (not epoch or epoch == now) and (
            counter_stamps.floor_if_went_back(conn, county, village, counter, max(cursor, known), seen)
            is not None
        )
        rows = conn.execute(
            select(rc.entity, rc.id, rc.data, rc.versions, rc.seq, rc.deleted)
            .where(
                rc.county_code == device.county_code,
                rc.village_code == device.village_code,
                rc.seq > cursor,
            )
            .order_by(rc.seq)
            .limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        # The stamp of the counter value this page brings the laptop to.
        stamp = counter_stamps.stamp_at(conn, county, village, rows[-1][4] if rows else cursor)
    epoch = now
    if ahead:
        # The laptop has seen counter values this database never reached: it went back to an older
        # copy without ``county-server restored``. A new epoch for this village only, under its
        # lock, so its laptops re-sync (a rare path: the one write a pull may make).
        epoch, started = _went_back(store, device, max(cursor, known), seen, now)
    out = []
    for entity, record_id, data_text, versions_text, seq, deleted in rows:
        versions = jsontext.loads(versions_text)
        lost = versions.pop(LOST, None)
        partial = since > 0 or bool(mine)
        if partial:
            versions = {k: v for k, v in versions.items() if v > since and v not in mine}
            if not versions:
                continue  # nothing new but what this laptop wrote itself
        versions.pop(DELETED, None)
        data = jsontext.loads(data_text)
        if partial:
            data = {k: data.get(k) for k in versions}
        state = {
            "entity": entity,
            "id": record_id,
            "village_code": village,
            "seq": seq,
            "fields": data,
            "versions": versions,
            "deleted": bool(deleted),
        }
        if lost and not partial:
            state["lost"] = lost  # for a re-syncing laptop (``RecordState.lost``)
        out.append(state)
    return {
        "records": out,
        "cursor": rows[-1][4] if rows else cursor,
        "more": more,
        "v": PROTOCOL_VERSION,
        "epoch": epoch,
        "epoch_seq": started,
        "server_seq": counter,
        "marks": True,  # edits made on a lost value are marked (``PullResponse.marks``)
        "stamp": stamp,
    }


def _went_back(store: Store, device: Device, known: int, seen: stamps.Seen, before: str) -> tuple[str, int]:
    """A new epoch for the device's village, unless another request renewed it meanwhile (the
    epoch is no longer ``before``) or, checked again under the lock, what the laptop saw no longer
    shows the database went back; returns (epoch, epoch_seq) as they are now."""
    county, village = device.county_code, device.village_code
    with store.write() as conn:
        seq = lock_village(conn, county, village)
        epoch, _counter, started = village_epoch(conn, county, village)
        floor = counter_stamps.floor_if_went_back(conn, county, village, seq, known, seen)
        if floor is not None and epoch == before:
            log.warning("village %s: a pull knew a counter this database does not hold; new epoch", village)
            epoch, started = changelog.went_back(conn, county, village, floor, store.now()), floor
    return epoch, started
