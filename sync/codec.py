"""Column-wise JSON for lists of like records; ``sync.protocol`` compresses the result with zstd.

A list of two or more records (dicts or dataclasses) becomes a table: one entry per column instead
of one object per row, so that like values sit next to each other and the compressor sees runs of
them. Each column is ``[name, kind, payload]`` or ``[name, kind, payload, presence]``:

* kind ``c``: every present row has the same value (``payload``); a village code, an entity name,
  ``deleted: false`` or the local user cross the wire once per batch.
* kind ``i``: integers, delta-encoded (first value, then differences): clocks and sequence numbers
  become small, repetitive numbers.
* kind ``d``: every present value is a dict: ``payload`` is a nested table of those dicts (the
  ``fields``/``base``/``versions`` maps), so each form field is a column of its own.
* kind ``v``: anything else, the values in row order (each packed the same way).
* ``presence``, when not every row has the key: run lengths, alternating present/absent, starting
  with present. A missing key and a key holding ``null`` stay different.

The table itself is ``{"\\u0000c": [columns...], "n": rows}`` (a dict of the data whose keys start
with NUL is escaped, so it can never pass for a table). Decoding gives back plain dicts and
lists, equal to ``dataclasses.asdict`` of what was encoded.
"""

from __future__ import annotations

import dataclasses
import threading
from itertools import accumulate, islice
from operator import attrgetter, itemgetter, sub
from typing import Any

TABLE_KEY = "\u0000c"
ESCAPE_KEY = "\u0000e"
"""A dict whose own keys start with NUL travels as ``{ESCAPE_KEY: [[key, value], ...]}``."""

_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_DICT_ONLY = frozenset({dict})
_INT_ONLY = frozenset({int})
_fields_cache: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _fields_cache.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _fields_cache[cls] = names
    return names


def _is_record(value: Any) -> bool:
    return type(value) is dict or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def pack(value: Any) -> Any:
    """Plain JSON-able structure for ``value`` (dataclasses, dicts, lists, scalars)."""
    t = type(value)
    if t in _SCALAR_TYPES:
        return value
    if t is list or t is tuple:
        if len(value) >= 2 and all(_is_record(v) for v in value):
            return _table(value)
        return [pack(v) for v in value]
    if t is dict:
        if any(type(k) is str and k.startswith("\u0000") for k in value):
            return {ESCAPE_KEY: [[k, pack(v)] for k, v in value.items()]}
        return {k: pack(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: pack(getattr(value, k)) for k in _field_names(t)}
    return value


def _columns(rows: list[Any]) -> tuple[list[str], dict[str, list[int]], dict[str, list[Any]]]:
    """Column names in first-seen order, and per column the row numbers and values present."""
    first = rows[0]
    cls = type(first)
    n = len(rows)
    if cls is not dict and all(type(r) is cls for r in rows):
        fixed = list(_field_names(cls))
        every = list(range(n))
        return (
            fixed,
            dict.fromkeys(fixed, every),
            {k: list(map(attrgetter(k), rows)) for k in fixed},
        )
    if cls is dict and all(type(r) is dict for r in rows):
        keys = first.keys()
        if all(r.keys() == keys for r in rows):
            # Every row has every key (the usual case): one C-level pass per column.
            same = list(keys)
            every = list(range(n))
            return same, dict.fromkeys(same, every), {k: list(map(itemgetter(k), rows)) for k in same}
    names: list[str] = []
    where: dict[str, list[int]] = {}
    values: dict[str, list[Any]] = {}
    for i, row in enumerate(rows):
        items = row.items() if type(row) is dict else ((k, getattr(row, k)) for k in _field_names(type(row)))
        for k, v in items:
            col = values.get(k)
            if col is None:
                names.append(k)
                where[k] = [i]
                values[k] = [v]
            else:
                where[k].append(i)
                col.append(v)
    return names, where, values


def _presence(rows_present: list[int], n: int) -> list[int] | None:
    if len(rows_present) == n:
        return None
    runs: list[int] = []
    expected = 0  # next row number if the current present run continues
    present_run = 0
    for i in rows_present:
        if i == expected:
            present_run += 1
        else:
            runs.append(present_run)
            runs.append(i - expected)
            present_run = 1
        expected = i + 1
    runs.append(present_run)
    if expected < n:
        runs.append(n - expected)
    return runs


def _table(rows: list[Any]) -> dict[str, Any]:
    n = len(rows)
    names, where, values = _columns(rows)
    cols: list[list[Any]] = []
    for name in names:
        vals = values[name]
        types = set(map(type, vals))
        if types == _DICT_ONLY or not vals:
            col: list[Any] = [name, "d", _table(vals) if vals else []]
        elif (
            len(types) == 1 and len(vals) >= 2 and types <= _SCALAR_TYPES and vals.count(vals[0]) == len(vals)
        ):
            col = [name, "c", vals[0]]
        elif types == _INT_ONLY and len(vals) >= 2:
            col = [name, "i", [vals[0], *map(sub, islice(vals, 1, None), vals)]]
        elif types <= _SCALAR_TYPES:
            col = [name, "v", vals]
        else:
            col = [name, "v", [pack(v) for v in vals]]
        presence = _presence(where[name], n)
        if presence is not None:
            col.append(presence)
        cols.append(col)
    return {TABLE_KEY: cols, "n": n}


def _present_rows(runs: list[int], n: int) -> list[int]:
    out: list[int] = []
    i = 0
    for k, run in enumerate(runs):
        if run < 0 or i + run > n:
            raise ValueError("bad presence runs")
        if k % 2 == 0:
            out.extend(range(i, i + run))
        i += run
    return out


def unpack(value: Any) -> Any:
    """Inverse of ``pack``: plain dicts and lists. Raises ValueError/TypeError/KeyError on bad input."""
    t = type(value)
    if t is dict:
        if TABLE_KEY in value:
            return _untable(value)
        if ESCAPE_KEY in value:
            return {str(k): unpack(v) for k, v in value[ESCAPE_KEY]}
        return {k: unpack(v) for k, v in value.items()}
    if t is list:
        return [unpack(v) for v in value]
    return value


MAX_ROWS_PER_MESSAGE = 1_000_000
"""Rows all the tables of one message may declare together. A table's row count is read before its
columns, so without this budget a few bytes could make the decoder allocate gigabytes."""
_budget = threading.local()


def unpack_message(value: Any) -> Any:
    """``unpack`` for a whole message from the wire, with the row budget enforced."""
    _budget.rows = MAX_ROWS_PER_MESSAGE
    try:
        return unpack(value)
    finally:
        del _budget.rows


def _untable(table: dict[str, Any]) -> list[dict[str, Any]]:
    n = table["n"]
    if type(n) is not int or n < 0:
        raise ValueError("bad table size")
    left = getattr(_budget, "rows", MAX_ROWS_PER_MESSAGE) - n
    if left < 0:
        raise ValueError("tables declare more rows than a message may hold")
    if hasattr(_budget, "rows"):
        _budget.rows = left
    rows: list[dict[str, Any]] = [{} for _ in range(n)]
    for col in table[TABLE_KEY]:
        name, kind, payload = col[0], col[1], col[2]
        if type(name) is not str:
            raise ValueError("bad column name")
        present = _present_rows(col[3], n) if len(col) > 3 else range(n)
        count = len(present)
        if kind == "c":
            v = unpack(payload)
            if type(v) in (dict, list):  # never shared between rows
                raise ValueError("constant column must be a scalar")
            vals: Any = [v] * count
        elif kind == "i":
            if type(payload) is not list or not set(map(type, payload)) <= _INT_ONLY:
                raise ValueError("bad integer column")
            vals = list(accumulate(payload))
        elif kind == "d":
            vals = _untable(payload) if payload else []
        elif kind == "v":
            if type(payload) is not list:
                raise ValueError("bad value column")
            if not set(map(type, payload)) <= _SCALAR_TYPES:
                payload = [v if type(v) in _SCALAR_TYPES else unpack(v) for v in payload]
            vals = payload
        else:
            raise ValueError("unknown column kind")
        if len(vals) != count:
            raise ValueError("column length does not match its rows")
        for i, v in zip(present, vals, strict=True):
            rows[i][name] = v
    return rows
