"""Pruning stored push answers (table ``batches``) a laptop can no longer ask for again.

Every push answer is stored under (device, batch id) so that a resend after a lost reply gets the
same answer (``sync.server.push``). A laptop resends only its *frozen* batches, and it holds at most
two at once (``desktop.storage.replica``): a batch is frozen only after every batch but the one just
before it has been settled. So once a device has stored two newer batches, it has settled this one
and will never resend it. An answer is pruned when that holds AND it is older than ``days`` (a
margin for a laptop restored from a copy of its own file).

Pruning drops only the answer bytes. The row stays for good: (device, batch id, body hash) keeps a
resend from ever being applied a second time (it is refused as ``batch_pruned``, and the laptop sends
its records again as a new batch, where values the county already holds come back ``unchanged``),
and ``seq_lo``/``seq_hi`` keep telling pull which fields the device wrote itself (``sync.server.pull``).
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select, update

from sync.server.store import Store
from sync.server.tables import batches

DEFAULT_DAYS = 90
MAX_DAYS = 36_500
"""A hundred years: more is no margin but a number past what the database's integers hold."""
KEEP_NEWER = 2
"""Newer stored batches of the same device that prove this one settled on the laptop."""


def prune_answers(store: Store, *, days: int = DEFAULT_DAYS, now: int | None = None) -> int:
    """Drop the answers no laptop can ask for again; returns how many were dropped."""
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 0 and {MAX_DAYS}")
    cutoff = (store.now() if now is None else now) - days * 86400
    newer = batches.alias("newer")
    b, n = batches.c, newer.c
    newer_count = (
        select(func.count())
        .where(
            and_(
                n.county_code == b.county_code,
                n.village_code == b.village_code,
                n.device_id == b.device_id,
                # Arrival order; within one second, the laptop's own order (its batch ids are UUIDv7).
                or_(
                    n.created_at > b.created_at,
                    and_(n.created_at == b.created_at, n.batch_id > b.batch_id),
                ),
            )
        )
        .scalar_subquery()
    )
    with store.write() as conn:
        result = conn.execute(
            update(batches)
            .where(b.response.is_not(None), b.created_at < cutoff, newer_count >= KEEP_NEWER)
            .values(response=None)
        )
    return int(result.rowcount or 0)
