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
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

from desktop.storage import Store

_SEP = "\u0001"


class _Index:
    """Ids in list order and their search texts, kept as one string with a start offset per record.

    One string (plus an array of offsets) instead of 100,000 small strings keeps the index to a few
    MB for a big village; a search is ``str.find`` over it, jumping to the next record on a hit.
    """

    def __init__(self, ids: list[str], keys: Iterable[str]) -> None:
        self.ids = ids
        self.starts = array("q")
        parts: list[str] = []
        offset = 0
        for key in keys:
            self.starts.append(offset)
            parts.append(key)
            offset += len(key) + 1
        self.starts.append(offset)
        self.blob = "\n".join(parts) + "\n"
        self.last_text = ""
        self.last_hits: list[int] | None = None

    def key(self, i: int) -> str:
        return self.blob[self.starts[i] : self.starts[i + 1] - 1]

    def find(self, text: str) -> list[int]:
        blob, starts = self.blob, self.starts
        if blob.count(text) > len(self.ids) // 16:
            # Many hits (a digit, a common surname): one pass over the records beats a jump per hit.
            return [i for i, key in enumerate(blob.split("\n")[:-1]) if text in key]
        hits: list[int] = []
        pos = blob.find(text)
        while pos != -1:
            i = bisect_right(starts, pos) - 1
            hits.append(i)
            pos = blob.find(text, starts[i + 1])
        return hits

    def position(self, record_id: str) -> int | None:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return None

    def replace(self, i: int, key: str | None) -> None:
        """Set record ``i``'s text (None: drop the record)."""
        start, end = self.starts[i], self.starts[i + 1]
        new = "" if key is None else key + "\n"
        self.blob = self.blob[:start] + new + self.blob[end:]
        delta = len(new) - (end - start)
        tail = array("q", (x + delta for x in self.starts[i + 1 :]))
        if key is None:
            del self.ids[i]
            self.starts = self.starts[:i] + tail
        else:
            self.starts = self.starts[: i + 1] + tail

    def append(self, record_id: str, key: str) -> None:
        self.ids.append(record_id)
        self.blob += key + "\n"
        self.starts.append(len(self.blob))


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
        text = _fold(text.strip())
        if where:
            ids = self.store.repository(entity).ids(**where)
            if not text:
                return ids
            with self._lock:
                index = self._index(entity)
                found = {index.ids[i] for i in index.find(text)}
            return [i for i in ids if i in found]
        with self._lock:
            index = self._index(entity)
            if not text:
                return list(index.ids)
            if index.last_hits is not None and index.last_text and text.startswith(index.last_text):
                hits = [i for i in index.last_hits if text in index.key(i)]
            else:
                hits = index.find(text)
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
            pos = index.position(record_id)
            alive = record is not None and not record.get("deleted")
            if alive and pos is not None:
                index.replace(pos, self._key_builder(entity)(record))
            elif alive:
                index.append(record_id, self._key_builder(entity)(record))
            elif pos is not None:
                index.replace(pos, None)
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
        # Households in number order (how the village register is kept), the rest in entry order.
        order = "household_no, id" if entity == "household" else "id"
        households = self._households() if entity != "household" else {}
        persons = self._persons() if entity == "service" else {}
        ids: list[str] = []

        def keys() -> Iterable[str]:
            # Streamed from the cursor: the rows are never all in memory at once.
            for row in self.store.db.execute(f"{query} WHERE deleted = 0 ORDER BY {order}"):
                ids.append(row[0])
                if entity == "household":
                    parts = row[1:]
                elif entity == "person":
                    parts = (row[1], row[2], households.get(row[3] or "", ""))
                elif entity == "income":
                    parts = (households.get(row[1] or "", ""), row[2])
                else:
                    parts = (households.get(row[1] or "", ""), persons.get(row[2] or "", ""), row[3])
                yield _fold(_SEP.join(p or "" for p in parts))

        # One transaction: a consistent snapshot, and no other thread's statement on the connection
        # while the cursor is being read.
        with self.store.atomic():
            return _Index(ids, keys())

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
