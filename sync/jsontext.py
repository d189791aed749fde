"""Compact JSON text for the many small values a sync stores: record data, field versions, key values,
outbox rows.

orjson is several times faster than the standard library on small objects, and a batch of 1,000
records stores three of them per record. For the values stored here (strings, integers within 64
bits, booleans, None, lists and string-keyed dicts) the text is the same as ``json.dumps(value,
ensure_ascii=False, separators=(",", ":"))`` and reads back equal. Anything else keeps working but
is not exact: orjson writes NaN and infinities as ``null`` and reads an integer beyond 64 bits as a
float, and what orjson refuses to write (such an integer, a key that is not a string) is written by
the standard library. Validated record values are integers within range, text and None; only the
fields of a pushed tombstone are stored unvalidated, and those come through the protocol's strict
decoding (no NaN; an integer beyond 64 bits is already a float there), so they are stored as read.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(value: Any) -> str:
    """Compact JSON text of ``value``."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, a key that is not a str
        return _encoder.encode(value)


def loads(text: str | bytes) -> Any:
    """The value of JSON ``text`` written by :func:`dumps` (or by ``json.dumps``)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which only the standard library reads
        return json.loads(text)
