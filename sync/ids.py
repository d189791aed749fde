"""Record ids: UUIDv7 (RFC 9562), made offline, sortable by creation time."""

from __future__ import annotations

import os
import time
import uuid


def uuid7(now_ms: int | None = None) -> str:
    """A new UUIDv7 as its canonical 36-character string."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # rand_b, 62 bits
    return str(uuid.UUID(int=value))


def is_uuid(text: object) -> bool:
    """True when ``text`` is a canonical lower-case UUID string."""
    if not isinstance(text, str) or len(text) != 36:
        return False
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


ITEM_NUMBER_LENGTH = 8
"""Characters of a review item's id shown as its number, on the township desk and the official's list."""


def item_number(item_id: str) -> str:
    """The short number a person reads and types for a review item: the last random hex digits of
    its UUIDv7 id (the township desk's Ctrl+G takes it back)."""
    return item_id.replace("-", "")[-ITEM_NUMBER_LENGTH:]
