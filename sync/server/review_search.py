"""Finding review items by the person or household they are about, and keeping them together.

``search`` matches a name, household number, head's name or resident ID (a part of it is enough)
against the record an item is about and, for a person, income or service, its household too; a
household number finds every item of the household's members. ``household`` and ``person`` sorting
put one household's (one person's) items next to each other. Both need the records' data, which the
item rows do not hold: the filtered rows are read (ids and keys only), the records they name are read
once, and the page is cut in Python. A township has a few thousand open items at most, so this stays
in milliseconds; plain age/village/form sorting without a search keeps the database's paging.

The short item number shown on the desk is ``sync.ids.item_number``: the last characters of the item id
(random bits of a UUIDv7): ``find_by_number`` turns it back into the item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from sync.server.errors import ApiError
from sync.server.store import chunks, select_in
from sync.server.tables import review_items

NUMBER = re.compile(r"^[0-9a-f]{6,12}$")
SEARCH_SORTS = ("household", "person")
MAX_QUERY = 64


def find_by_number(conn: Connection, county: str, number: str, allowed: Sequence[str]) -> str:
    """The id of the one item of ``allowed`` villages whose id ends with ``number``."""
    text = number.strip().lower().replace("-", "")
    if not NUMBER.match(text):
        raise ApiError("not_found")
    ic = review_items.c
    ids: list[str] = [
        item_id
        for item_id, village in conn.execute(
            select(ic.id, ic.village_code).where(ic.county_code == county, ic.id.like(f"%{text}"))
        )
        if village in set(allowed)
    ]
    if not ids:
        raise ApiError("not_found")
    if len(ids) > 1:
        raise ApiError("malformed", "api.item_number_ambiguous")
    return ids[0]


def _records(conn: Connection, county: str, ids: set[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    from sync import jsontext

    out: dict[str, tuple[str, dict[str, Any]]] = {}
    rows = select_in(conn, "records", ("id", "entity", "data"), (("county_code", county),), "id", sorted(ids))
    for record_id, entity, data in rows:
        out[record_id] = (entity, jsontext.loads(data))
    return out


def _keys(conn: Connection, county: str, rows: Sequence[Any]) -> dict[str, tuple[str, str, str]]:
    """record id -> (household number, person name or "", searchable text), lower case."""
    records = _records(conn, county, {r.record_id for r in rows})
    households = {
        str(data.get("household_id"))
        for entity, data in records.values()
        if entity != "household" and data.get("household_id")
    }
    records.update(_records(conn, county, households - set(records)))
    out: dict[str, tuple[str, str, str]] = {}
    for r in rows:
        entity, data = records.get(r.record_id, ("", {}))
        if entity == "household":
            household = data
        else:
            household = records.get(str(data.get("household_id") or ""), ("", {}))[1]
        number = str(household.get("household_no") or "")
        name = str(data.get("name") or "") if entity == "person" else ""
        if entity == "person":  # a person's own items: not every member's of the head's household
            words: tuple[Any, ...] = (number, data.get("name"), data.get("resident_id"))
        else:
            words = (number, household.get("head_name"), household.get("address"))
        out[r.record_id] = (number, name, " ".join(str(w) for w in words if w).lower())
    return out


def search_page(
    conn: Connection,
    rows: Sequence[Any],
    county: str,
    *,
    query: str | None,
    village: str | None = None,
    sort: str,
    offset: int,
    limit: int,
) -> tuple[list[str], int, dict[str, int]]:
    """(item ids of the page, total matching, matching per village) of ``rows`` (id, record_id,
    village_code, entity, field, created_at), searched for ``query``, of ``village`` (the counts are
    of every village) and sorted by ``sort``."""
    if query is not None and len(query) > MAX_QUERY:
        raise ApiError("malformed")
    keys: dict[str, tuple[str, str, str]] = {}
    for part in chunks(list(rows)):
        keys.update(_keys(conn, county, part))
    words = (query or "").lower().split()
    matching = [r for r in rows if all(w in keys.get(r.record_id, ("", "", ""))[2] for w in words)]
    counts: dict[str, int] = {}
    for r in matching:
        counts[r.village_code] = counts.get(r.village_code, 0) + 1

    def order(r: Any) -> tuple[Any, ...]:
        number, name, _text = keys.get(r.record_id, ("", "", ""))
        if sort == "household":
            return (r.village_code, number, r.entity != "household", name, r.record_id, r.field, r.id)
        if sort == "person":
            return (name == "", name, r.village_code, number, r.record_id, r.field, r.id)
        if sort == "village":
            return (r.village_code, r.created_at, r.id)
        if sort == "form":
            return (r.entity, r.created_at, r.id)
        return (r.created_at, r.id)

    if village is not None:
        matching = [r for r in matching if r.village_code == village]
    matching.sort(key=order)
    return [r.id for r in matching[offset : offset + limit]], len(matching), counts
