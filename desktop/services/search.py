"""Id lists for the list views: everything, or what matches a filter, in entry order.

Filtering must keep up with typing on 100,000 persons (<= 50 ms a keystroke). A ``LIKE``/``instr``
scan over the encrypted file takes 50-150 ms there, so each entity keeps a small in-memory index of
``(id, search text)`` built once per unlock from one query, and a keystroke is a substring test over
it (a few ms; a longer text only re-tests what the shorter one matched). The index holds only the
fields a search looks at and lives exactly as long as the unlocked store.

Search text: households by number, head and address; persons by name, resident ID and household
number; income and services by household number and head (services also by the person's name).

Writes made through :class:`desktop.services.entry.EntryService` call :meth:`SearchService.touch`;
anything that changes many records at once (a sync pull, an import) calls :meth:`invalidate`.
Run on the task runner's database thread. No Qt here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.storage import Store

_SEP = "\u0001"


@dataclass
class _Index:
    ids: list[str]
    keys: list[str]
    position: dict[str, int] = field(default_factory=dict)
    last_text: str = ""
    last_hits: list[int] | None = None

    def __post_init__(self) -> None:
        self.position = {record_id: i for i, record_id in enumerate(self.ids)}


def _fold(text: str) -> str:
    """Case-insensitive for the Latin parts (x in an ID, letters in household numbers)."""
    return text.casefold()


class SearchService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._indexes: dict[str, _Index] = {}
        self._lock = threading.RLock()

    # -- public -----------------------------------------------------------------------------------
    def ids(self, entity: str, text: str = "", **where: Any) -> list[str]:
        """Ids of live records matching ``text`` (substring of any search field) and ``where``.

        ``where`` (exact field values, e.g. household_id) goes to the store's indexed query.
        """
        if where:
            ids = self.store.repository(entity).ids(**where)
            text = _fold(text.strip())
            if not text:
                return ids
            index = self._index(entity)
            return [i for i in ids if i in index.position and text in index.keys[index.position[i]]]
        with self._lock:
            index = self._index(entity)
            text = _fold(text.strip())
            if not text:
                return list(index.ids)
            if index.last_hits is not None and index.last_text and text.startswith(index.last_text):
                candidates = index.last_hits
                keys = index.keys
                hits = [i for i in candidates if text in keys[i]]
            else:
                hits = [i for i, key in enumerate(index.keys) if text in key]
            index.last_text, index.last_hits = text, hits
            ids = index.ids
            return [ids[i] for i in hits]

    def count(self, entity: str) -> int:
        return len(self._index(entity).ids)

    def touch(self, entity: str, record_id: str) -> None:
        """One record was created, changed or deleted: bring the index up to date."""
        with self._lock:
            if entity == "household":
                # Household number and head are part of the other lists' search text.
                for other in ("person", "income", "service"):
                    self._indexes.pop(other, None)
            elif entity == "person":
                self._indexes.pop("service", None)
            index = self._indexes.get(entity)
            if index is None:
                return
            record = self.store.repository(entity).get(record_id)
            pos = index.position.get(record_id)
            alive = record is not None and not record.get("deleted")
            if alive and pos is not None:
                index.keys[pos] = self._key_builder(entity)(record)
            elif alive:
                index.position[record_id] = len(index.ids)
                index.ids.append(record_id)
                index.keys.append(self._key_builder(entity)(record))
            elif pos is not None:
                del index.ids[pos]
                del index.keys[pos]
                index.position = {rid: i for i, rid in enumerate(index.ids)}
            index.last_text, index.last_hits = "", None

    def invalidate(self, entity: str | None = None) -> None:
        with self._lock:
            if entity is None:
                self._indexes.clear()
            else:
                self._indexes.pop(entity, None)

    # -- building ---------------------------------------------------------------------------------
    def _index(self, entity: str) -> _Index:
        with self._lock:
            index = self._indexes.get(entity)
            if index is None:
                index = self._build(entity)
                self._indexes[entity] = index
            return index

    def _households(self) -> dict[str, str]:
        rows = self.store.db.query("SELECT id, household_no, head_name FROM household WHERE deleted = 0")
        return {r[0]: _SEP.join(x or "" for x in r[1:]) for r in rows}

    def _persons(self) -> dict[str, str]:
        rows = self.store.db.query("SELECT id, name FROM person WHERE deleted = 0")
        return {r[0]: r[1] or "" for r in rows}

    def _build(self, entity: str) -> _Index:
        query = {
            "household": "SELECT id, household_no, head_name, address FROM household",
            "person": "SELECT id, name, resident_id, household_id FROM person",
            "income": "SELECT id, household_id, note FROM income",
            "service": "SELECT id, household_id, person_id, provider FROM service",
        }[entity]
        rows = self.store.db.query(query + " WHERE deleted = 0 ORDER BY id")
        households = self._households() if entity != "household" else {}
        persons = self._persons() if entity == "service" else {}
        ids: list[str] = []
        keys: list[str] = []
        for row in rows:
            ids.append(row[0])
            if entity == "household":
                parts = row[1:]
            elif entity == "person":
                parts = (row[1], row[2], households.get(row[3] or "", ""))
            elif entity == "income":
                parts = (households.get(row[1] or "", ""), row[2])
            else:
                parts = (households.get(row[1] or "", ""), persons.get(row[2] or "", ""), row[3])
            keys.append(_fold(_SEP.join(p or "" for p in parts)))
        return _Index(ids, keys)

    def _key_builder(self, entity: str) -> Callable[[dict[str, Any]], str]:
        def household_text(household_id: str | None) -> str:
            if not household_id:
                return ""
            h = self.store.household.get(household_id)
            return _SEP.join((h.get("household_no") or "", h.get("head_name") or "")) if h else ""

        def build(r: dict[str, Any]) -> str:
            if entity == "household":
                parts = (r.get("household_no"), r.get("head_name"), r.get("address"))
            elif entity == "person":
                parts = (r.get("name"), r.get("resident_id"), household_text(r.get("household_id")))
            elif entity == "income":
                parts = (household_text(r.get("household_id")), r.get("note"))
            else:
                person = self.store.person.get(r["person_id"]) if r.get("person_id") else None
                parts = (
                    household_text(r.get("household_id")),
                    person.get("name") if person else "",
                    r.get("provider"),
                )
            return _fold(_SEP.join(p or "" for p in parts))

        return build
