"""Record ids kept compactly, for the search indexes and the list views over 100,000 records.

A Python ``str`` of a 36-character UUID costs about 85 bytes, plus 8 for its slot in a list; 100,000
of them are 9 MB, held once by the index and again by every list showing them. :class:`IdList`
keeps canonical UUIDs (what ``sync.ids.uuid7`` makes) as 16 raw bytes each in one ``bytes``, and a
search result is a selection over it: 4 bytes per row, sharing the index's bytes. A string is made
only for an id someone asks for (the rows on screen).

An id that is not a canonical lower-case UUID is kept as it is (the whole list then holds strings),
so every id reads back exactly as it was stored. No Qt here.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress
from typing import overload

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_WIDTH = 16


def _pack(record_id: str) -> bytes | None:
    if len(record_id) != 36 or _UUID.fullmatch(record_id) is None:
        return None
    return bytes.fromhex(record_id.replace("-", ""))


def _unpack(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _rows(rows: Iterable[int]) -> array[int]:
    return rows if isinstance(rows, array) and rows.typecode == "i" else array("i", rows)


class IdList(Sequence[str]):
    """An immutable sequence of record ids: all of them, or a selection (ascending positions).

    Safe to hand from the database thread to the UI thread: nothing in it ever changes.
    """

    __slots__ = ("_packed", "_sel", "_strs")

    def __init__(
        self, packed: bytes = b"", strs: tuple[str, ...] | None = None, sel: array[int] | None = None
    ) -> None:
        self._packed = packed
        self._strs = strs
        self._sel = sel

    @classmethod
    def of(cls, ids: Iterable[str]) -> IdList:
        builder = IdListBuilder()
        for record_id in ids:
            builder.append(record_id)
        return builder.build()

    # -- the base (every id, unselected) --------------------------------------------------------------
    def _base_len(self) -> int:
        return len(self._strs) if self._strs is not None else len(self._packed) // _WIDTH

    def _base_get(self, i: int) -> str:
        if self._strs is not None:
            return self._strs[i]
        return _unpack(self._packed[i * _WIDTH : (i + 1) * _WIDTH])

    def _base_find(self, record_id: str) -> int:
        if self._strs is not None:
            try:
                return self._strs.index(record_id)
            except ValueError:
                return -1
        needle = _pack(record_id)
        if needle is None:
            return -1
        packed = self._packed
        pos = packed.find(needle)
        while pos != -1 and pos % _WIDTH:
            pos = packed.find(needle, pos + 1)
        return -1 if pos == -1 else pos // _WIDTH

    # -- Sequence ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._sel) if self._sel is not None else self._base_len()

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("IdList index out of range")
        return self._base_get(self._sel[i] if self._sel is not None else i)

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self.position(record_id) is not None

    def index(self, record_id: str, start: int = 0, stop: int | None = None) -> int:
        at = self.position(record_id)
        if at is None or at < start or (stop is not None and at >= stop):
            raise ValueError("id not in list")
        return at

    def position(self, record_id: str) -> int | None:
        """Row of ``record_id``, or None."""
        base = self._base_find(record_id)
        if base < 0:
            return None
        if self._sel is None:
            return base
        at = bisect_left(self._sel, base)
        return at if at < len(self._sel) and self._sel[at] == base else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdList({len(self)} ids)"

    # -- new lists ----------------------------------------------------------------------------------
    def select(self, rows: Iterable[int]) -> IdList:
        """The ids at ``rows`` (ascending), sharing this list's storage."""
        sel = _rows(rows)
        if self._sel is not None:
            sel = array("i", (self._sel[r] for r in sel))
        return IdList(self._packed, self._strs, sel)

    def without(self, i: int) -> IdList:
        """A copy without the id at ``i`` (an unselected list only)."""
        assert self._sel is None
        if self._strs is not None:
            return IdList(strs=self._strs[:i] + self._strs[i + 1 :])
        return IdList(self._packed[: i * _WIDTH] + self._packed[(i + 1) * _WIDTH :])

    def inserted(self, i: int, record_id: str) -> IdList:
        """A copy with ``record_id`` at position ``i`` (an unselected list only)."""
        assert self._sel is None
        raw = _pack(record_id) if self._strs is None else None
        if raw is None:
            strs = self._as_strs()
            return IdList(strs=(*strs[:i], record_id, *strs[i:]))
        return IdList(self._packed[: i * _WIDTH] + raw + self._packed[i * _WIDTH :])

    def plus(self, record_id: str) -> IdList:
        """A copy with ``record_id`` added at the end (an unselected list only)."""
        assert self._sel is None
        raw = _pack(record_id) if self._strs is None else None
        if raw is None:
            return IdList(strs=(*self._as_strs(), record_id))
        return IdList(self._packed + raw)

    def _as_strs(self) -> tuple[str, ...]:
        if self._strs is not None:
            return self._strs
        return tuple(self._base_get(i) for i in range(self._base_len()))


class IdListBuilder:
    """Collects ids one at a time (streamed from a cursor) into an :class:`IdList`."""

    def __init__(self) -> None:
        self._packed = bytearray()
        self._strs: list[str] | None = None

    def append(self, record_id: str) -> None:
        if self._strs is not None:
            self._strs.append(record_id)
            return
        raw = _pack(record_id)
        if raw is None:
            self._strs = list(IdList(bytes(self._packed)))
            self._packed = bytearray()
            self._strs.append(record_id)
        else:
            self._packed += raw

    def build(self) -> IdList:
        if self._strs is not None:
            return IdList(strs=tuple(self._strs))
        return IdList(bytes(self._packed))


class MaskedIdList(IdList):
    """The ids of an unselected list whose byte in ``mask`` is 1: a search with many hits.

    Made in a few C calls (no Python step per record). The rows are found in ``mask`` as far as
    someone reads (a list view reads its first screens), a row's number is counted in C; so
    100,000 hits cost about 1 ms here until someone reads the ten-thousandth row.
    """

    __slots__ = ("_count", "_mask", "_rows", "_scanned")

    def __init__(self, base: IdList, mask: bytes) -> None:
        assert base._sel is None and len(mask) == len(base)
        super().__init__(base._packed, base._strs, None)
        self._mask = mask
        self._count = mask.count(1)
        self._rows = array("i")
        self._scanned = 0

    def _row(self, i: int) -> int:
        """The base position of hit ``i``, scanning ``mask`` as far as needed."""
        rows, mask = self._rows, self._mask
        at = self._scanned
        while len(rows) <= i:
            at = mask.find(1, at)
            rows.append(at)
            at += 1
        self._scanned = at
        return rows[i]

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int | slice) -> str | list[str]:  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]  # type: ignore[misc]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("IdList index out of range")
        return self._base_get(self._row(i))

    def __iter__(self) -> Iterator[str]:
        for base in compress(range(len(self._mask)), self._mask):
            yield self._base_get(base)

    def position(self, record_id: str) -> int | None:
        base = self._base_find(record_id)
        if base < 0 or not self._mask[base]:
            return None
        return self._mask.count(1, 0, base)

    def select(self, rows: Iterable[int]) -> IdList:
        return IdList(self._packed, self._strs, array("i", (self._row(r) for r in _rows(rows))))

    def without(self, i: int) -> IdList:
        raise TypeError("a search result is not changed")

    def plus(self, record_id: str) -> IdList:
        raise TypeError("a search result is not changed")

    def inserted(self, i: int, record_id: str) -> IdList:
        raise TypeError("a search result is not changed")

    def __repr__(self) -> str:
        return f"MaskedIdList({len(self)} ids)"
