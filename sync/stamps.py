"""Counter stamps as they cross the wire (the server's side: ``sync.server.counter_stamps``).

Each commit that moves a village's counter gets a random stamp; a push answer or pull page gives the
laptop the stamp of the counter value it brings it to (``PushResponse.stamp``, ``PullResponse.stamp``).
The laptop keeps a few such ``(counter value, stamp)`` pairs, newest first, and names them when it
pushes (``PushRequest.seen``) or pulls (the ``seen`` query), so a server that went back to an older
copy finds another stamp at a value the laptop saw, and where the two histories part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

STAMP_BITS = 63
"""Fits PostgreSQL's BIGINT; 0 means "no stamp"."""
MAX_STAMP = 2**STAMP_BITS - 1
MAX_SEEN = 16
"""Pairs a laptop names at most."""
KEEP_NEWEST = 4
"""Of those, the newest kept as they come; older ones are thinned to spread back in time."""
MAX_SEEN_TEXT = MAX_SEEN * 40
"""The pull's ``seen`` query at most: ``seq.stamp`` pairs joined by commas."""

Pair = tuple[int, int]
Seen = Sequence[Pair]
"""``(counter value, stamp)`` pairs a laptop saw, newest first."""


def remember(seen: Sequence[Pair], seq: int, stamp: int) -> list[Pair]:
    """``seen`` with ``(seq, stamp)`` added (it is the newest: ``seq`` at or above every other),
    at most ``MAX_SEEN`` pairs: past the newest few, the pair whose loss leaves the smallest gap for
    its age goes, so the kept ones reach back with gaps growing about in proportion (a restore is
    most likely to part the histories a little before the newest, and the floor is found to within
    the gap there)."""
    pairs = [p for p in seen if p[0] < seq]
    pairs.insert(0, (seq, stamp))
    while len(pairs) > MAX_SEEN:
        # Never the oldest: it bounds how far back the floor can be found.
        gaps = [
            ((pairs[i - 1][0] - pairs[i + 1][0]) / (seq - pairs[i][0]), i)
            for i in range(KEEP_NEWEST, len(pairs) - 1)
        ]
        del pairs[min(gaps)[1]]
    return pairs


def as_pairs(value: Any) -> list[Pair] | None:
    """Pairs read back from JSON (a list of two non-negative integers each, newest first); None when
    anything is malformed."""
    if not isinstance(value, list) or len(value) > MAX_SEEN:
        return None
    pairs = []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2):
            return None
        seq, stamp = item
        if not (type(seq) is int and type(stamp) is int and seq >= 0 and 0 <= stamp <= MAX_STAMP):
            return None
        pairs.append((seq, stamp))
    if any(pairs[i][0] <= pairs[i + 1][0] for i in range(len(pairs) - 1)):
        return None  # newest first, each value once
    return pairs


def query_text(seen: Sequence[Pair]) -> str:
    return ",".join(f"{seq}.{stamp}" for seq, stamp in seen)


def from_query(text: str) -> list[Pair] | None:
    """The pull's ``seen`` query read back; None when malformed."""
    if not text:
        return []
    pairs: list[list[int]] = []
    for part in text.split(","):
        seq, dot, stamp = part.partition(".")
        if not (dot and seq.isascii() and seq.isdigit() and stamp.isascii() and stamp.isdigit()):
            return None
        if len(seq) > 19 or len(stamp) > 19:
            return None
        pairs.append([int(seq), int(stamp)])
    return as_pairs(pairs)
