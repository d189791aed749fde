"""An unlocked store and the services over it, for as long as the store stays unlocked.

The UI holds one ``Session`` between unlock and lock and calls it only from the task runner's
database thread. Writes go through here so the search index follows them. No Qt here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.services.entry import EntryService
from desktop.services.idlist import IdList
from desktop.services.search import SearchService
from desktop.services.sync_service import SyncService
from desktop.storage import Store
from desktop.storage.store import ENTITIES
from sync.schema import Forms


class Session:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.forms: Forms = store.forms
        self.entry = EntryService(store, self.forms)
        self.search = SearchService(store)
        self.sync = SyncService(store)
        """Sync with the county server (enrollment, runs, a record's history); a laptop with no
        server set up gets a clear error from it, never a half-made request."""

    @property
    def user(self) -> str:
        return self.store.user

    @property
    def village_code(self) -> str:
        return self.store.village_code

    # -- reads ------------------------------------------------------------------------------------
    def ids(self, entity: str, text: str = "", **where: Any) -> IdList:
        return self.search.ids(entity, text, **where)

    def rows(self, entity: str, ids: list[str]) -> list[dict[str, Any]]:
        """Records for a list view, with the household number/head (and service person) added as
        ``_household_no``, ``_head_name``, ``_person_name``."""
        rows = self.entry.get_many(entity, ids)
        if entity == "household":
            return rows
        wanted = list({r["household_id"] for r in rows if r.get("household_id")})
        households = {h["id"]: h for h in self.entry.get_many("household", wanted)}
        persons: dict[str, dict[str, Any]] = {}
        if entity == "service":
            wanted = list({r["person_id"] for r in rows if r.get("person_id")})
            persons = {p["id"]: p for p in self.entry.get_many("person", wanted)}
        for r in rows:
            h = households.get(r.get("household_id") or "")
            r["_household_no"] = h["household_no"] if h else ""
            r["_head_name"] = h["head_name"] if h else ""
            if entity == "service":
                p = persons.get(r.get("person_id") or "")
                r["_person_name"] = p["name"] if p else ""
        return rows

    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        return self.entry.get(entity, record_id)

    def options(self, entity: str, **where: Any) -> list[tuple[str, str]]:
        """(id, label) pairs for a reference field's choice list."""
        ids = self.store.repository(entity).ids(**where)
        rows = self.entry.get_many(entity, ids)
        if entity == "household":
            return [(r["id"], f"{r['household_no']}  {r['head_name']}") for r in rows]
        if entity == "person":
            return [(r["id"], r["name"] or "") for r in rows]
        return [(r["id"], r["id"][:8]) for r in rows]

    # -- writes -----------------------------------------------------------------------------------
    def save(self, entity: str, record_id: str | None, values: Mapping[str, Any]) -> str:
        saved = self.entry.save(entity, record_id, values)
        self.search.touch(entity, saved)
        return saved

    def delete(self, entity: str, record_id: str) -> bool:
        """Tombstone a record; a household with its members, income and services."""
        if entity == "household":
            gone = self.entry.delete_household(record_id)
            for kind, rid in gone:
                self.search.touch(kind, rid)
            return bool(gone)
        deleted = self.entry.delete(entity, record_id)
        self.search.touch(entity, record_id)
        return deleted

    def delete_preview(self, entity: str, record_id: str) -> Any:
        """What deleting this record takes with it (``EntryService.delete_preview``)."""
        return self.entry.delete_preview(entity, record_id)

    def incomplete(self, entity: str) -> set[str]:
        """Records lacking a value for a field the county's forms now require (to complete)."""
        return set(self.store.repository(entity).incomplete_ids())

    def incomplete_count(self) -> int:
        return sum(len(self.store.repository(e).incomplete_ids()) for e in ENTITIES)

    def incomplete_fields(self, entity: str, record_id: str) -> list[str]:
        """The required fields ``record_id`` has no value for, in the form's order."""
        repo = self.store.repository(entity)
        record = repo.get(record_id) or {}
        return [f for f in repo.required_fields() if record.get(f) in (None, "")]

    def pending_count(self) -> int:
        """Records waiting to sync (several edits of one record count once, as a sync run counts)."""
        return self.store.pending_records()

    def after_sync(self) -> None:
        """A pull may have changed any record: rebuild the search indexes on next use. A sync that
        took a new county form version: work with it from now on (a dialog already open keeps the
        forms it was opened with)."""
        self.search.invalidate()
        if self.store.forms is not self.forms:
            self.forms = self.store.forms
            self.entry = EntryService(self.store, self.forms)

    def close(self) -> None:
        self.search.invalidate()
        self.store.close()
