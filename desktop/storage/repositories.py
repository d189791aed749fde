"""Repositories for the four entities, with change capture into the outbox.

Every write (create, update, soft delete) runs in one transaction that also appends the outbox
row saying what changed: the fields and their new values, and for each field the server version
and value it was edited from, with a hybrid logical clock stamp and the local user. A write that
fails validation or rolls back leaves neither the row nor the outbox entry.

Nothing is hard-deleted: ``delete`` sets a tombstone that syncs like any other change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.storage.database import Database, rows_by_id, translated
from desktop.storage.errors import ValidationFailed
from sync.hlc import HybridClock
from sync.ids import uuid7
from sync.schema import Forms

SEARCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "household": ("household_no", "head_name"),
    "person": ("name", "resident_id"),
    "income": ("note",),
    "service": ("provider", "note"),
}
_CHUNK = 500


@dataclass(slots=True)
class Context:
    """What every repository of one open store shares."""

    db: Database
    forms: Forms
    clock: HybridClock
    village_code: str
    user: str
    forms_version: int = 1
    """The county form version ``forms`` are (written on each outbox row: the push names it)."""


class _Lookup:
    """The schema's Lookup over this store: live records of the same village."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
        columns = {f.name for f in self._ctx.forms[entity].fields}
        if not set(where) <= columns:
            raise ValueError("lookup on a field the form does not have")
        sql = f"SELECT count(*) FROM {entity} WHERE deleted = 0 AND village_code = ?"
        params: list[Any] = [self._ctx.village_code]
        for column, value in where.items():
            sql += f" AND {column} = ?"
            params.append(value)
        if exclude_id is not None:
            sql += " AND id != ?"
            params.append(exclude_id)
        return int(self._ctx.db.query(sql, params)[0][0])


class Repository:
    def __init__(self, ctx: Context, entity: str) -> None:
        self.entity = entity
        self._ctx = ctx
        self._fields = tuple(f.name for f in ctx.forms[entity].fields)
        self._lookup = _Lookup(ctx)
        cols = ", ".join(("id", "village_code", "hlc", "updated_by", *self._fields))
        marks = ", ".join("?" * (4 + len(self._fields)))
        self._insert_sql = f"INSERT INTO {entity} ({cols}) VALUES ({marks})"
        self._outbox_sql = (
            "INSERT INTO outbox (entity, record_id, fields, base, base_seq, deleted, hlc, user,"
            " forms_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )

    @property
    def fields(self) -> tuple[str, ...]:
        return self._fields

    # -- writes -----------------------------------------------------------------------------------

    def create(self, data: Mapping[str, Any]) -> str:
        """Validate and insert a new record; returns its id. Raises ValidationFailed."""
        forms = self._ctx.forms
        record = forms.normalize(self.entity, data)
        record_id = uuid7()
        with self._ctx.db.atomic() as conn:
            problems = forms.validate(self.entity, {**record, "id": record_id}, lookup=self._lookup)
            if problems:
                raise ValidationFailed(problems)
            stamp = self._ctx.clock.now()
            values = [record.get(f) for f in self._fields]
            conn.execute(
                self._insert_sql, (record_id, self._ctx.village_code, stamp, self._ctx.user, *values)
            )
            written = {f: v for f, v in zip(self._fields, values, strict=True) if v is not None}
            self._capture(conn, record_id, written, {}, 0, False, stamp)
        return record_id

    def update(self, record_id: str, changes: Mapping[str, Any]) -> list[str]:
        """Apply changes to a live record; returns the fields that really changed."""
        forms = self._ctx.forms
        with self._ctx.db.atomic() as conn:
            row = self._row(record_id)
            if row is None or row["deleted"]:
                raise KeyError("no such record, or it was deleted")
            current = {f: row[f] for f in self._fields}
            merged = forms.normalize(self.entity, {**current, **changes})
            problems = forms.validate(self.entity, {**merged, "id": record_id}, lookup=self._lookup)
            # A field a newer form version made required flags old records; it does not block them.
            problems = [
                p
                for p in problems
                if not (p.code == "required" and current.get(p.field) is None and p.field not in changes)
            ]
            if problems:
                raise ValidationFailed(problems)
            changed = [f for f in self._fields if merged.get(f) != current[f]]
            if not changed:
                return []
            stamp = self._ctx.clock.now()
            sets = ", ".join(f"{f} = ?" for f in changed)
            conn.execute(
                f"UPDATE {self.entity} SET {sets}, hlc = ?, updated_by = ? WHERE id = ?",
                (*(merged.get(f) for f in changed), stamp, self._ctx.user, record_id),
            )
            versions = json.loads(row["versions"])
            base = {f: [versions.get(f, 0), current[f]] for f in changed}
            self._capture(
                conn, record_id, {f: merged.get(f) for f in changed}, base, row["seq"], False, stamp
            )
        return changed

    def delete(self, record_id: str) -> bool:
        """Tombstone a record. Returns False when it was already deleted."""
        with self._ctx.db.atomic() as conn:
            row = self._row(record_id)
            if row is None:
                raise KeyError("no such record")
            if row["deleted"]:
                return False
            stamp = self._ctx.clock.now()
            conn.execute(
                f"UPDATE {self.entity} SET deleted = 1, hlc = ?, updated_by = ? WHERE id = ?",
                (stamp, self._ctx.user, record_id),
            )
            self._capture(conn, record_id, {}, {}, row["seq"], True, stamp)
        return True

    def _capture(
        self,
        conn: Any,
        record_id: str,
        fields: dict[str, Any],
        base: dict[str, list[Any]],
        base_seq: int,
        deleted: bool,
        stamp: int,
    ) -> None:
        conn.execute(
            self._outbox_sql,
            (
                self.entity,
                record_id,
                json.dumps(fields, ensure_ascii=False),
                json.dumps(base, ensure_ascii=False),
                base_seq,
                int(deleted),
                stamp,
                self._ctx.user,
                self._ctx.forms_version,
            ),
        )

    # -- reads ------------------------------------------------------------------------------------

    def _row(self, record_id: str) -> dict[str, Any] | None:
        cur = self._ctx.db.execute(f"SELECT * FROM {self.entity} WHERE id = ?", (record_id,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip((d[0] for d in cur.description), row, strict=True))

    def _public(self, row: dict[str, Any]) -> dict[str, Any]:
        out = {f: row[f] for f in self._fields}
        out.update(
            id=row["id"], village_code=row["village_code"], deleted=bool(row["deleted"]), seq=row["seq"]
        )
        return out

    def get(self, record_id: str) -> dict[str, Any] | None:
        row = self._row(record_id)
        return None if row is None else self._public(row)

    def get_many(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Records for ``ids`` in the same order (ids that do not exist are left out)."""
        found: dict[str, dict[str, Any]] = {}
        for row in rows_by_id(self._ctx.db, self.entity, ids, _CHUNK):
            record = self._public(row)
            found[record["id"]] = record
        return [found[i] for i in ids if i in found]

    def _where(self, text: str, include_deleted: bool, where: Mapping[str, Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if not include_deleted:
            clauses.append("deleted = 0")
        for column, value in where.items():
            if column not in self._fields:
                raise ValueError("filter on a field the form does not have")
            clauses.append(f"{column} = ?")
            params.append(value)
        text = text.strip()
        if text:
            search = SEARCH_COLUMNS[self.entity]
            clauses.append("(" + " OR ".join(f"instr({c}, ?) > 0" for c in search) + ")")
            params.extend([text] * len(search))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def ids(self, text: str = "", include_deleted: bool = False, **where: Any) -> list[str]:
        """Ids of matching records, oldest first (ids are UUIDv7).

        ``text`` searches name, resident ID or household number; ``where`` filters by equality.
        """
        sql, params = self._where(text, include_deleted, where)
        return [r[0] for r in self._ctx.db.query(f"SELECT id FROM {self.entity}{sql} ORDER BY id", params)]

    def count(self, text: str = "", include_deleted: bool = False, **where: Any) -> int:
        sql, params = self._where(text, include_deleted, where)
        return int(self._ctx.db.query(f"SELECT count(*) FROM {self.entity}{sql}", params)[0][0])

    def required_fields(self) -> tuple[str, ...]:
        """The fields the form (its version taken last) requires."""
        return tuple(f.name for f in self._ctx.forms[self.entity].fields if f.required)

    def incomplete_ids(self) -> list[str]:
        """Live records lacking a value for a required field, oldest first: a field a county form
        version made required flags the records made before it for completion (they still sync;
        saving one in the form asks for the field)."""
        required = self.required_fields()
        if not required:
            return []
        missing = " OR ".join(f"{c} IS NULL OR {c} = ''" for c in required)
        sql = f"SELECT id FROM {self.entity} WHERE deleted = 0 AND ({missing}) ORDER BY id"
        return [r[0] for r in self._ctx.db.query(sql)]

    def iter_all(self, include_deleted: bool = False, *, snapshot: Any = None) -> Iterator[dict[str, Any]]:
        """Every record, streamed (reports and exports), as committed when the read began.

        ``snapshot``: a connection from ``Database.snapshot()``, so that several tables are read
        in one state of the file; without it the read takes a snapshot of its own."""
        sql = f"SELECT * FROM {self.entity}" + ("" if include_deleted else " WHERE deleted = 0")
        if snapshot is None:
            with self._ctx.db.snapshot() as conn:
                yield from self._stream(conn, sql)
        else:
            yield from self._stream(snapshot, sql)

    def _stream(self, conn: Any, sql: str) -> Iterator[dict[str, Any]]:
        with translated():
            cur = conn.execute(sql)
            names = [d[0] for d in cur.description]
            for row in cur:
                yield self._public(dict(zip(names, row, strict=True)))
