"""Id lists for the list views: everything, or what matches a filter, in entry order.

Filtering must keep up with typing on 100,000 persons (<= 50 ms a keystroke). A ``LIKE``/``instr``
scan over the encrypted file takes 50-150 ms there, so each entity keeps a small in-memory index of
``(id, search text)`` built once per unlock from one query, and a keystroke is a substring test over
it (a few ms; a longer text only re-tests what the shorter one matched). The index holds only the
fields a search looks at, as UTF-8 bytes, with the ids packed (about 6 MB for 100,000 persons), and
lives exactly as long as the unlocked store. A result is an :class:`IdList` sharing the index's
packed ids (4 bytes a row), handed to the list view as it is.

Search text: households by number, head and address; persons by name, resident ID and household
number; income and services by household number and head (services also by the person's name);
and each record by the words and numbers of the fields the county's forms added (a choice by its
labels; ``desktop.services.county_fields``). A service is made for one form version: the session
makes a new one when it takes another.

Writes made through :class:`desktop.services.entry.EntryService` call :meth:`SearchService.touch`;
anything that changes many records at once (a sync pull, an import) calls :meth:`invalidate`.
Run on the task runner's database thread. No Qt here.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import contains
from typing import Any

from desktop.services.county_fields import search_sql, search_text, searched_fields
from desktop.services.idlist import IdList, IdListBuilder, MaskedIdList
from desktop.services.list_order import list_orders, where_sql
from desktop.storage import Store

_SEP = "\u0001"
_NOT_MARK_OR_END = bytes(b for b in range(256) if b not in (0x02, 0x0A))
_CHUNK = 16384
"""Records split at a time on a dense search (the pieces are short-lived, so kept few)."""


class _Index:
    """Ids in list order and their search texts: one UTF-8 ``bytearray``, a start offset per record.

    UTF-8 keeps a Chinese character in 3 bytes where a ``str`` holding one takes 4 per character
    (and a Latin one in 1, not 4); the ids are an :class:`IdList` (16 bytes each). A search is
    ``bytearray.find`` over the whole text, jumping to the next record on a hit. A UTF-8 needle can
    only match at character boundaries, so this finds exactly what ``str.find`` would.
    """

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        ids = IdListBuilder()
        self.blob = bytearray()
        self.starts = array("I")
        for record_id, key in rows:
            ids.append(record_id)
            self.starts.append(len(self.blob))
            self.blob += key.encode()
            self.blob += b"\n"
        self.starts.append(len(self.blob))
        self.ids = ids.build()
        self.last_text = b""
        self.last_hits: array[int] | None = None

    def __len__(self) -> int:
        return len(self.starts) - 1

    def key(self, i: int) -> bytearray:
        return self.blob[self.starts[i] : self.starts[i + 1] - 1]

    def find(self, text: bytes) -> array[int]:
        blob, starts, hits = self.blob, self.starts, array("i")
        # How many records match, estimated from the first eighth (counting it all costs more).
        if blob.count(text, 0, len(blob) // 8) * 8 > len(self) // 16:
            # Many hits (a digit, a common surname): testing every record beats a jump per hit. A
            # slice at a time, as str: ``in`` on a short str is 4x quicker than on bytes.
            # ``compress``/``map`` test a slice's records inside one C call (no bytecode per record).
            needle = repeat(text.decode())
            for first in range(0, len(self), _CHUNK):
                last = min(first + _CHUNK, len(self))
                keys = blob[starts[first] : starts[last] - 1].decode().split("\n")
                hits.extend(compress(range(first, last), map(contains, keys, needle)))
            return hits
        pos = blob.find(text)
        while pos != -1:
            i = bisect_right(starts, pos) - 1
            hits.append(i)
            pos = blob.find(text, starts[i + 1])
        return hits

    def search(self, text: bytes) -> IdList:
        """The records whose text holds ``text``, in list order.

        Many hits (a digit, a common surname: most of 100,000 persons) are marked in the whole text
        by a few C calls (``_marks``); few hits by a jump per hit, or, when ``text`` extends the last
        text, by re-testing only the last hits.
        """
        last = self.last_hits
        extends = last is not None and self.last_text and text.startswith(self.last_text)
        if not (extends and last is not None and len(last) * 4 < len(self)) and self._dense(text):
            mask = self._marks(text)
            if mask is not None:
                self.forget_last()  # a dense result is not re-tested: the next text is marked afresh
                return MaskedIdList(self.ids, mask)
        return self.ids.select(self.refine(text))

    def _dense(self, text: bytes) -> bool:
        """Whether many records match, estimated from the first eighth (counting all costs more)."""
        blob = self.blob
        return blob.count(text, 0, len(blob) // 8) * 8 > len(self) // 16

    def _marks(self, text: bytes) -> bytes | None:
        """One byte per record, 1 where its text holds ``text``: each hit becomes a \\x02 mark, then
        everything but marks and line ends goes, a line's marks become 1 and a bare line end 0."""
        if b"\x02" in text or b"\n" in text:
            return None
        if len(text) == 1:  # a digit or a letter: marked and stripped in one pass
            keep = bytes(b for b in range(256) if b not in (text[0], 0x0A))
            marked = self.blob.translate(bytes.maketrans(text, b"\x02"), keep)
        else:
            marked = self.blob.replace(text, b"\x02").translate(None, _NOT_MARK_OR_END)
        flags = bytes(marked.replace(b"\x02\n", b"\x01").translate(None, b"\x02").replace(b"\n", b"\x00"))
        return flags if len(flags) == len(self) else None

    def refine(self, text: bytes) -> array[int]:
        """Hits of ``text``, reusing the last search when ``text`` extends its text."""
        last = self.last_hits
        # Re-testing the last hits pays while they are few; past that, a fresh scan is quicker.
        few = last is not None and len(last) * 4 < len(self)
        if last is not None and few and self.last_text and text.startswith(self.last_text):
            hits = array("i", (i for i in last if text in self.key(i)))
        else:
            hits = self.find(text)
        self.last_text, self.last_hits = text, hits
        return hits

    def replace(self, i: int, key: str | None) -> None:
        """Set record ``i``'s text (None: drop the record)."""
        start, end = self.starts[i], self.starts[i + 1]
        new = b"" if key is None else key.encode() + b"\n"
        self.blob[start:end] = new
        delta = len(new) - (end - start)
        tail = array("I", (x + delta for x in self.starts[i + 1 :]))
        if key is None:
            self.ids = self.ids.without(i)
            self.starts = self.starts[:i] + tail
        else:
            self.starts = self.starts[: i + 1] + tail
        self.forget_last()

    def insert(self, i: int, record_id: str, key: str) -> None:
        """Put a record at position ``i`` (its place in list order)."""
        at = self.starts[i]
        new = key.encode() + b"\n"
        self.blob[at:at] = new
        tail = array("I", (x + len(new) for x in self.starts[i:]))
        self.starts = self.starts[:i] + array("I", [at]) + tail
        self.ids = self.ids.inserted(i, record_id)
        self.forget_last()

    def forget_last(self) -> None:
        self.last_text, self.last_hits = b"", None


def _fold(text: str) -> str:
    """Case-insensitive for the Latin parts (x in an ID, letters in household numbers); one line,
    without the byte a dense search marks hits with (``_Index._marks``)."""
    return text.casefold().replace("\n", " ").replace("\x02", " ")


def _key(parts: Iterable[str | None]) -> str:
    return _fold(_SEP.join(p or "" for p in parts))


# The search fields of each entity, with the household's number and head (and a service's person)
# joined in by the database, streamed in list order (``desktop.services.list_order``).
_COLUMNS = {
    "household": "household.id, household.household_no, household.head_name, household.address",
    "person": "p.id, p.name, p.resident_id, h.household_no, h.head_name",
    "income": "i.id, h.household_no, h.head_name, i.note",
    "service": "s.id, h.household_no, h.head_name, sp.name, s.provider",
}


class SearchService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._forms = store.forms
        self._orders = list_orders(store.forms)
        self._added = {e: searched_fields(store.forms, e) for e in _COLUMNS}
        self._indexes: dict[str, _Index] = {}
        self._lock = threading.RLock()

    # -- public -----------------------------------------------------------------------------------
    def ids(self, entity: str, text: str = "", **where: Any) -> IdList:
        """Ids of live records matching ``text`` (substring of any search field) and ``where``.

        ``where`` (exact field values, e.g. household_id) goes to the store's indexed query.
        """
        needle = _fold(text.strip()).encode()
        if where:
            ids = self._ids_where(entity, where)
            if not needle:
                return IdList.of(ids)
            with self._lock:
                found = set(self._index(entity).search(needle))
            return IdList.of(i for i in ids if i in found)
        with self._lock:
            index = self._index(entity)
            if not needle:
                return index.ids
            return index.search(needle)

    def count(self, entity: str) -> int:
        with self._lock:
            return len(self._index(entity))

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
            pos = index.ids.position(record_id)
            if pos is not None:
                index.replace(pos, None)
            if record is not None and not record.get("deleted"):
                # Its place may have changed (a new head, a corrected birth date): found afresh.
                at = self._place(entity, index, record_id)
                index.insert(at, record_id, self._key_builder(entity)(record))

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

    def _build(self, entity: str) -> _Index:
        # One transaction: a consistent snapshot, and no other thread's statement on the connection
        # while the cursor is being read. Streamed: the rows are never all in memory at once.
        added = self._added[entity]
        alias = self._orders[entity].alias
        extra = [search_sql(f, f'{alias}."{f.name}"') for f in added]  # the county's fields, as text
        columns = ", ".join([_COLUMNS[entity], *extra])
        with self.store.atomic():
            queries = self._orders[entity].stream(columns)
            rows = (row for sql in queries for row in self.store.db.execute(sql))
            return _Index((row[0], _key(row[1:])) for row in rows)

    def _place(self, entity: str, index: _Index, record_id: str) -> int:
        """Where ``record_id`` goes in ``index`` (list order): a binary search on the sort keys."""
        sql = self._orders[entity].key_sql()

        def key(rid: str) -> tuple[Any, ...] | None:
            row = self.store.db.execute(sql, [rid]).fetchone()
            return tuple(row) if row is not None else None

        mine = key(record_id)
        low, high = 0, len(index)
        while low < high and mine is not None:
            middle = (low + high) // 2
            theirs = key(index.ids[middle])
            if theirs is None or theirs < mine:
                low = middle + 1
            else:
                high = middle
        return low

    def _ids_where(self, entity: str, where: dict[str, Any]) -> list[str]:
        """Ids of the listed records with these field values (a household's members...), in list order."""
        order = self._orders[entity]
        clause, params = where_sql(order, self._forms, entity, where)
        return [row[0] for row in self.store.db.execute(order.select(f"{order.alias}.id", clause), params)]

    def _key_builder(self, entity: str) -> Callable[[dict[str, Any]], str]:
        def household_text(household_id: str | None) -> str:
            if not household_id:
                return ""
            h = self.store.household.get(household_id)
            return _SEP.join((h.get("household_no") or "", h.get("head_name") or "")) if h else ""

        def build(r: dict[str, Any]) -> str:
            parts: tuple[str | None, ...]
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
            return _key([*parts, *(search_text(f, r.get(f.name)) for f in self._added[entity])])

        return build
