"""The county's indicators: live records of some villages read from the database, then
:func:`sync.indicators.compute` (the definitions are there, shared with the laptop).

The server adds what only it knows to each village's data quality: open conflicts, and when the
village last pushed (``last_push_at``, seconds since the epoch; ``None`` when it never did). Records
never synced are only known on the laptops, so they are ``None`` here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select

from sync.indicators import DEFAULT_LINE_FEN, compute
from sync.schema import Forms
from sync.server import form_store
from sync.server.store import Store, chunks
from sync.server.tables import batches, conflicts, records

__all__ = ["DEFAULT_LINE_FEN", "DEFAULT_THRESHOLD_FEN", "compute", "for_villages", "load"]

DEFAULT_THRESHOLD_FEN = DEFAULT_LINE_FEN
ENTITIES = ("household", "person", "income", "service")


def load(store: Store, county_code: str, village_codes: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Live records of these villages, by entity, each with its ``id`` and ``village_code``."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rc = records.c
    with store.read() as conn:
        for part in chunks(village_codes):
            rows = conn.execute(
                select(rc.entity, rc.id, rc.village_code, rc.data)
                .where(rc.county_code == county_code, rc.village_code.in_(part), rc.deleted.is_(False))
                .order_by(rc.village_code, rc.entity, rc.id)
            )
            for entity, record_id, village, data in rows:
                out[entity].append({**json.loads(data), "id": record_id, "village_code": village})
    return out


def _per_village(
    store: Store, county_code: str, village_codes: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    cc, bc = conflicts.c, batches.c
    open_by: dict[str, int] = {}
    last_push: dict[str, int] = {}
    with store.read() as conn:
        for part in chunks(village_codes):
            open_by.update(
                conn.execute(
                    select(cc.village_code, func.count())
                    .where(cc.county_code == county_code, cc.village_code.in_(part), cc.status == "open")
                    .group_by(cc.village_code)
                ).all()
            )
            last_push.update(
                conn.execute(
                    select(bc.village_code, func.max(bc.created_at))
                    .where(bc.county_code == county_code, bc.village_code.in_(part))
                    .group_by(bc.village_code)
                ).all()
            )
    return {v: int(n) for v, n in open_by.items()}, {v: int(t) for v, t in last_push.items()}


def for_villages(
    store: Store,
    county_code: str,
    village_codes: list[str],
    *,
    year: int,
    today: date,
    threshold_fen: int = DEFAULT_LINE_FEN,
    names: Mapping[str, str] | None = None,
    forms: Forms | None = None,
) -> dict[str, Any]:
    """Indicators rolled up over these villages, and each village's own under ``by_village``.
    ``forms`` default to the county's as published (fields they mark are counted, issue 17)."""
    if forms is None:
        with store.read() as conn:
            forms = form_store.current_forms(conn, county_code)
    data = load(store, county_code, village_codes)
    open_by, last_push = _per_village(store, county_code, village_codes)
    split: dict[str, dict[str, list[dict[str, Any]]]] = {v: {e: [] for e in ENTITIES} for v in village_codes}
    for entity in ENTITIES:
        for record in data.get(entity, []):
            split[record["village_code"]][entity].append(record)

    def one(rows: Mapping[str, list[dict[str, Any]]], conflicts_open: int) -> dict[str, Any]:
        return compute(
            rows["household"], rows["person"], rows["income"], rows["service"], year=year, today=today,
            line_fen=threshold_fen, forms=forms, never_synced=None, open_conflicts=conflicts_open,
        )  # fmt: skip

    result = one(data, sum(open_by.values()))
    result["villages"] = village_codes
    names = names or {}
    by_village: dict[str, Any] = {}
    for village in village_codes:
        figures = one(split[village], open_by.get(village, 0))
        figures["name"] = names.get(village, "")
        figures["quality"]["last_push_at"] = last_push.get(village)
        by_village[village] = figures
    result["by_village"] = by_village
    return result
