"""Uniqueness lookups for a whole push batch in a few queries.

The forms' ``unique`` rules (resident ID in a village, household number, one head per household)
ask the schema's ``Lookup``. For every live record the server keeps one ``record_keys`` row per
value of a rule's first field (resident_id, household_id, household_no), each carrying all the key
values of the record. A batch loads all it can ask about in a few ``IN`` queries on the primary key
and answers ``count`` from memory, with its own accepted changes laid over the stored state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from sync import jsontext
from sync.schema import Forms
from sync.server.store import CHUNK, select_in

MAX_KEY_LENGTH = 64


class KeySpec:
    """Which fields of which entity the uniqueness rules look at, read from the forms."""

    def __init__(self, forms: Forms) -> None:
        fields: dict[str, list[str]] = {}
        anchors: dict[str, list[str]] = {}
        compared: dict[tuple[str, str], bool] = {}
        when_values: dict[tuple[str, str], set[str]] = {}
        whens: dict[tuple[str, str], list[tuple[tuple[str, str], ...]]] = {}
        for form in forms:
            for rule in form.rules:
                if rule.get("rule") != "unique":
                    continue
                names = [*rule["fields"], *rule.get("when", {})]
                have = fields.setdefault(form.entity, [])
                have.extend(n for n in names if n not in have)
                for name in rule["fields"]:
                    compared[(form.entity, name)] = True
                for name, value in rule.get("when", {}).items():
                    when_values.setdefault((form.entity, name), set()).add(str(value))
                first = anchors.setdefault(form.entity, [])
                if rule["fields"][0] not in first:
                    first.append(rule["fields"][0])
                when = tuple((name, str(value)) for name, value in rule.get("when", {}).items())
                whens.setdefault((form.entity, rule["fields"][0]), []).append(when)
        self._only: dict[tuple[str, str], set[str]] = {
            key: values for key, values in when_values.items() if key not in compared
        }
        """Fields only ever asked for one of a few values (relation = head): other values are not kept."""
        self.fields = {e: tuple(v) for e, v in fields.items()}
        """Entity -> fields kept in ``record_keys``."""
        self.anchors = {e: tuple(v) for e, v in anchors.items()}
        """Entity -> the selective field of each rule: prefetching by these covers every question."""
        self._plan = {e: [(n, self._only.get((e, n))) for n in names] for e, names in self.fields.items()}
        self._whens = whens
        """(Entity, anchor) -> the ``when`` conditions of each rule starting from that anchor."""

    def rows(self, entity: str, keys: Mapping[str, str]) -> list[tuple[str, str]]:
        """The (field, value) pairs a live record with these key values is found by: one per anchor
        that some rule may ask about it. A rule with ``when`` conditions asks only about records
        meeting them (the head of a household), so a person who is not a head needs no row by
        household."""
        return [
            (name, keys[name])
            for name in self.anchors.get(entity, ())
            if name in keys
            and any(all(keys.get(f) == v for f, v in when) for when in self._whens[(entity, name)])
        ]

    def all_rows(self, entity: str, keys: Mapping[str, str]) -> list[tuple[str, str]]:
        """Every (field, value) pair a record with these key values may be stored under (before
        ``rows`` left out the ones no rule asks about, every anchor had one): what to delete."""
        return [(name, keys[name]) for name in self.anchors.get(entity, ()) if name in keys]

    def values(self, entity: str, data: Mapping[str, Any]) -> dict[str, str]:
        """The key values of a live record."""
        out = {}
        for name, only in self._plan.get(entity, ()):
            value = data.get(name)
            if value is not None and not isinstance(value, (dict, list)):
                text = str(value)
                if len(text) <= MAX_KEY_LENGTH and (only is None or text in only):
                    out[name] = text
        return out


class BatchLookup:
    """``sync.form_defs.Lookup`` over one village for the duration of one write transaction."""

    def __init__(self, conn: Connection, spec: KeySpec, county_code: str, village_code: str) -> None:
        self._conn = conn
        self._spec = spec
        self._county = county_code
        self._village = village_code
        self._keys: dict[str, tuple[str, dict[str, str]]] = {}
        self._index: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self._loaded: set[tuple[str, str, str]] = set()
        self._own: set[str] = set()
        self._anchors: dict[tuple[str, ...], str] = {}
        self.queries = 0

    def own(self, entity: str, record_id: str, keys: dict[str, str] | None) -> None:
        """Declare the key values of a record as this batch sees it (``None``: deleted or absent).

        Stored key rows of an owned record are ignored from then on.
        """
        self._own.add(record_id)
        self._drop(record_id)
        if keys is not None:
            self._put(entity, record_id, keys)

    def prefetch(self, wanted: Iterable[tuple[str, str, str]]) -> None:
        """Load every live record having any of these (entity, anchor field, value) keys."""
        todo: dict[tuple[str, str], set[str]] = defaultdict(set)
        for key in wanted:
            if key not in self._loaded:
                todo[key[:2]].add(key[2])
        for (entity, name), values in todo.items():
            self.queries += len(values) // CHUNK + 1
            rows = select_in(
                self._conn,
                "record_keys",
                ("record_id", "key_values"),
                (
                    ("county_code", self._county),
                    ("village_code", self._village),
                    ("entity", entity),
                    ("field", name),
                ),
                "value",
                sorted(values),
            )
            for record_id, keys in rows:
                if record_id not in self._own and record_id not in self._keys:
                    self._put(entity, record_id, jsontext.loads(keys))
            self._loaded.update((entity, name, v) for v in values)

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
        plan = (entity, *where)
        anchor = self._anchors.get(plan)
        if anchor is None:
            anchor = self._anchors[plan] = self._anchor(entity, where)
        key = (entity, anchor, str(where[anchor]))
        if key not in self._loaded:
            self.prefetch([key])
        found = self._index.get(key)
        if not found:
            return 0
        wanted = {name: str(value) for name, value in where.items()}
        n = 0
        for record_id in found:
            if record_id == exclude_id:
                continue
            keys = self._keys[record_id][1]
            if all(keys.get(name) == value for name, value in wanted.items()):
                n += 1
        return n

    def _anchor(self, entity: str, where: Mapping[str, Any]) -> str:
        """The indexed field a lookup on these fields starts from."""
        fields = self._spec.fields.get(entity, ())
        if not where or any(name not in fields for name in where):
            raise LookupError("uniqueness lookup on a field the server does not index")
        anchors = [name for name in self._spec.anchors.get(entity, ()) if name in where]
        if not anchors:
            raise LookupError("uniqueness lookup without an indexed field")
        return anchors[0]

    def _put(self, entity: str, record_id: str, keys: dict[str, str]) -> None:
        self._keys[record_id] = (entity, keys)
        for name, value in keys.items():
            self._index[(entity, name, value)].add(record_id)

    def _drop(self, record_id: str) -> None:
        old = self._keys.pop(record_id, None)
        if old is not None:
            entity, keys = old
            for name, value in keys.items():
                self._index[(entity, name, value)].discard(record_id)
