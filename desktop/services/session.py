"""An unlocked store and the services over it, for as long as the store stays unlocked.

The UI holds one ``Session`` between unlock and lock and calls it only from the task runner's
database thread. Writes go through here so the search index follows them. No Qt here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.services.entry import EntryService, FormsPin
from desktop.services.idlist import IdList
from desktop.services.search import SearchService
from desktop.services.sync_service import SyncService
from desktop.storage import Store
from desktop.storage.store import ENTITIES
from sync.schema import Forms


class Session:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._pin = FormsPin(store.forms_version, store.forms)
        self.entry = EntryService(store, self._pin.forms, self._pin.version)
        self.search = SearchService(store)
        self.sync = SyncService(store)
        """Sync with the county server (enrollment, runs, a record's history); a laptop with no
        server set up gets a clear error from it, never a half-made request."""

    @property
    def forms(self) -> Forms:
        """The county forms this session works with now (those of the version taken last)."""
        return self._pin.forms

    @property
    def forms_version(self) -> int:
        return self._pin.version

    def pin(self) -> FormsPin:
        """The forms version in use, for a dialog to keep until it is saved or cancelled (one read:
        version and forms always belong together, even while a sync takes a new version)."""
        return self._pin

    def _entry(self, pin: FormsPin | None) -> EntryService:
        if pin is None or pin is self._pin:
            return self.entry
        return EntryService(self.store, pin.forms, pin.version)

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

    def new_record(self, entity: str, pin: FormsPin | None = None, **context: Any) -> dict[str, Any]:
        """Starting values of a new record in the forms of ``pin`` (default: the current ones)."""
        return self._entry(pin).new_record(entity, **context)

    # -- writes -----------------------------------------------------------------------------------
    def save(
        self, entity: str, record_id: str | None, values: Mapping[str, Any], pin: FormsPin | None = None
    ) -> str:
        """Create or update; ``pin``: the forms version the record was opened with (a dialog keeps
        it while a sync takes a newer one): checked with it, and its push names it."""
        saved = self._entry(pin).save(entity, record_id, values)
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

    def after_sync(self) -> bool:
        """A pull may have changed any record: rebuild the search indexes on next use. A sync that
        took a new county form version: work with it from now on (a dialog already open keeps the
        forms it was opened with, ``pin``). Returns whether the forms changed (the lists follow)."""
        self.search.invalidate()
        if self.store.forms is self.forms:
            return False
        pin = FormsPin(self.store.forms_version, self.store.forms)
        self.entry = EntryService(self.store, pin.forms, pin.version)
        self.search = SearchService(self.store)  # its search texts include the fields the county added
        self._pin = pin
        return True

    def close(self) -> None:
        self.search.invalidate()
        self.store.close()
