"""The sync guarantee "no value is ever lost", checked against the county database.

Every value a laptop sent must be, on the server, either
* applied: the record holds it now (``_deleted``: the record's deleted flag), or
* open: in an open conflict row (a field item's competing value, or an edited field kept with a
  delete-against-edit conflict), or
* decided: in the review history, as the value a decision kept or as one it set aside.

Works on any schema version (columns or tables this version lacks are simply not looked at), so a
test using it fails on a server that drops values instead of erroring.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, text

from sync.server.store import Store

DELETED = "_deleted"


@dataclass(frozen=True)
class Sent:
    village: str
    entity: str
    record_id: str
    field: str
    value: Any
    who: str = ""
    """Which laptop sent it (for the failure message only)."""


def _same(a: Any, b: Any) -> bool:
    return a == b and type(a) is type(b)


def where_is(store: Store, sent: Sent) -> str | None:
    """``applied`` / ``open`` / ``decided`` for where the value is, or None when it is nowhere."""
    with store.read() as conn:
        tables = set(inspect(conn).get_table_names())
        conflict_columns = {c["name"] for c in inspect(conn).get_columns("conflicts")}
        row = conn.execute(
            text("SELECT data, deleted FROM records WHERE village_code = :v AND id = :id"),
            {"v": sent.village, "id": sent.record_id},
        ).first()
        if row is not None:
            current = bool(row.deleted) if sent.field == DELETED else json.loads(row.data).get(sent.field)
            if _same(current, sent.value):
                return "applied"
        columns = "field, village_value, status" + (", fields" if "fields" in conflict_columns else "")
        for c in conn.execute(
            text(f"SELECT {columns} FROM conflicts WHERE village_code = :v AND record_id = :id"),
            {"v": sent.village, "id": sent.record_id},
        ).mappings():
            if c["status"] != "open":
                continue
            if c["field"] == sent.field and _same(json.loads(c["village_value"]), sent.value):
                return "open"
            fields = json.loads(c.get("fields") or "null") or {}
            if sent.field in fields and _same(fields[sent.field], sent.value):
                return "open"
        if "review_history" in tables:
            for h in conn.execute(
                text(
                    "SELECT field, value, set_aside FROM review_history"
                    " WHERE village_code = :v AND record_id = :id"
                ),
                {"v": sent.village, "id": sent.record_id},
            ).mappings():
                if h["field"] == sent.field and _same(json.loads(h["value"]), sent.value):
                    return "decided"
                for aside in json.loads(h["set_aside"]):
                    name = aside.get("field") or h["field"]
                    if name == sent.field and _same(aside.get("value"), sent.value):
                        return "decided"
    return None


def assert_no_value_lost(store: Store, sent: list[Sent]) -> dict[Sent, str]:
    """Where each sent value is; fails naming every value that is nowhere."""
    places = {s: where_is(store, s) for s in sent}
    lost = [s for s, place in places.items() if place is None]
    assert not lost, "values lost (neither applied, nor open, nor in the review history): " + "; ".join(
        f"{s.who or '?'} {s.entity}.{s.field}={s.value!r}" for s in lost
    )
    return {s: str(p) for s, p in places.items()}


class Ledger:
    """The values laptops wrote, as a test makes them: the last value each laptop wrote of each
    (record, field) is its word, unless someone later overwrote that very value knowingly (it was the
    value they edited from). ``expected()`` is what ``assert_no_value_lost`` must find."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str, str], Sent] = {}
        self._replaced: set[tuple[str, str, str]] = set()

    def wrote(self, who: str, village: str, entity: str, record_id: str, fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            self._last[(who, record_id, name)] = Sent(village, entity, record_id, name, value, who)

    def replaced(self, record_id: str, field: str, value: Any) -> None:
        """Someone edited ``field`` from ``value`` (seen locally): that value is superseded."""
        self._replaced.add((record_id, field, json.dumps(value, sort_keys=True)))

    def expected(self) -> list[Sent]:
        return [
            s
            for s in self._last.values()
            if (s.record_id, s.field, json.dumps(s.value, sort_keys=True)) not in self._replaced
        ]
