"""Counter stamps: which history a laptop's counter values belong to.

A village's counter numbers its writes. A database put back to an older copy without ``county-server
restored`` keeps its epoch, and its next writes reuse the numbers the lost copy had given: a laptop
that synced after the backup then holds a cursor that may look ordinary but names writes this
database never had, and the values it sent after the backup would never be sent again.

So each commit that moves a village's counter draws a random 63-bit stamp, kept with the counter
value it ended at (table ``counter_stamps``, one row per commit, written in the commit). Push answers
and pull pages give the laptop the stamp of the counter value they bring it to; the laptop keeps a
few of these pairs (the newest and, thinning out, older ones) and names them when it pushes or pulls
(``PushRequest.seen``, the pull's ``seen``). The commit holding a value here (the first one ending at
or after it) has another stamp only if the value belongs to another history.

When the newest pair shows that (or the laptop's counter is beyond this one), the database went
back: the village gets a new epoch (``changelog.went_back``) so every laptop of it re-syncs, starting
at the *floor* — the end of the newest commit whose stamp the laptop also saw. Below it both
histories are one; above it laptops send again what they hold (``desktop.storage.resync``). The
counter itself is no floor: writes made on the older copy before anyone noticed sit above the point
where the histories part.

Absent stamps (0) mean unknown and nothing is checked: laptops and servers of earlier releases, and
counter values of commits made before this table (migration ``0013`` stamps each village's counter
as it stood).
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, insert, select

from sync.server.tables import counter_stamps
from sync.stamps import STAMP_BITS, Seen


def draw() -> int:
    """Fits PostgreSQL's BIGINT; two histories share a stamp with odds of 1 in 2**63."""
    return secrets.randbits(STAMP_BITS) or 1  # 0 means "unknown"


def stamp(conn: Connection, county: str, village: str, seq: int) -> int:
    """Stamp the commit that moved the village's counter to ``seq`` (in that commit); returns the
    stamp. The caller holds the village lock."""
    value = draw()
    conn.execute(
        insert(counter_stamps).values(county_code=county, village_code=village, seq=seq, stamp=value)
    )
    return value


def commit_at(conn: Connection, county: str, village: str, seq: int) -> tuple[int, int]:
    """``(end, stamp)`` of the commit that wrote counter value ``seq`` (the first ending at or after
    it); ``(0, 0)`` for 0, a value beyond every stamped commit, or none stamped."""
    if seq <= 0:
        return 0, 0
    cs = counter_stamps.c
    row = conn.execute(
        select(cs.seq, cs.stamp)
        .where(cs.county_code == county, cs.village_code == village, cs.seq >= seq)
        .order_by(cs.seq)
        .limit(1)
    ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def stamp_at(conn: Connection, county: str, village: str, seq: int) -> int:
    """The stamp of the commit that wrote counter value ``seq`` (0: unknown)."""
    return commit_at(conn, county, village, seq)[1]


def floor_if_went_back(
    conn: Connection, county: str, village: str, counter: int, known: int, seen: Seen
) -> int | None:
    """None when nothing the laptop saw shows that this database (its village ``counter`` now) went
    back to an older copy; else the floor a new epoch starts at: the end of the newest commit the
    laptop saw that this database holds too (0 when none), or the counter for a laptop that names
    no stamps (of an earlier release: the counter is all it can go by)."""
    newest = seen[0] if seen else None
    if known <= counter:
        if newest is None:
            return None  # nothing to check
        if newest[0] <= counter and stamp_at(conn, county, village, newest[0]) in (0, newest[1]):
            return None  # one history (or a value this database never stamped)
    return counter if newest is None else _floor(conn, county, village, counter, seen)


def _floor(conn: Connection, county: str, village: str, counter: int, seen: Seen) -> int:
    for seq, value in seen:
        if seq > counter:
            continue
        end, here = commit_at(conn, county, village, seq)
        if here == value:
            return min(end, counter)
    return 0
