"""The sync contract between a laptop and the county server.

Everything that crosses the wire is defined here: message types, the protocol version and the
codec (``encode``, and ``decode_dict`` with its size and shape checks). The strict decoders that turn
a body into one of these messages are beside it, in ``sync.protocol_decode``. Both ends
(``sync.laptop.engine``/``sync.laptop.client`` on the laptop, ``sync.server`` at the county) import
these two modules and nothing else of each other.

Model (README.md, "Sync, in one paragraph"):

* A record is ``(entity, id)``; ``id`` is a UUIDv7 made offline. Every record belongs to one village.
* The server keeps one counter per village. Each accepted change bumps it; the new value is the
  record's ``seq`` and the ``version`` of every field that change wrote.
* A laptop edits a field on top of the version it last saw (``base``). On push, per field: base equal
  to the server's version -> applied; value already equal -> nothing to do; otherwise a conflict row
  is made and the server value is kept.
* A delete is a tombstone (``deleted=True``) made on top of the record ``seq`` the laptop last saw
  (``base_seq``). Delete against a later edit, or an edit against a deleted record, is a conflict.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import zstandard

from sync import codec

PROTOCOL_VERSION = 2
"""2: the device id is part of the signed request text (``sync.signing``)."""
PREVIOUS_PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS: tuple[int, ...] = (PREVIOUS_PROTOCOL_VERSION, PROTOCOL_VERSION)
"""What a server accepts: the current and the previous version, so that a server upgrade never
stops the laptops not yet updated. A message answers in the version it was asked in."""
ENTITIES: tuple[str, ...] = ("household", "person", "income", "service")
META_FIELDS = frozenset({"id", "village_code", "deleted"})
"""Keys every record may carry besides its form fields; never versioned as fields."""
DELETED = "_deleted"
"""The name a record's deletion goes by among its fields: in versions, conflicts, shadows and history
(never a form field)."""
MEDIA_TYPE = "application/vnd.village-desk+json+zstd"
MAX_BODY_BYTES = 8 * 1024 * 1024
"""Largest compressed request body the server accepts."""
MAX_DECODED_BYTES = 64 * 1024 * 1024
"""Largest decompressed body; guards against compression bombs."""
MAX_DEPTH = 32
"""Deepest nesting of lists and objects in a message (a real one, packed, is 8 deep). Decoding and
validation recurse; a 600-deep list would end in RecursionError, so it is refused first."""
CONTESTED = 2**62
"""A base version no county field ever has (counters stay below it): a value sent on it competes
with whatever the county holds, a conflict unless equal. Laptops send the official's values still
waiting on the township this way after a county restore (the item may be gone)."""


class ProtocolError(ValueError):
    """A message that cannot be decoded or does not fit the protocol. Safe to show: no data in it."""


class ProtocolVersionError(ProtocolError):
    """The other end speaks another protocol version: one of the two needs updating."""

    def __init__(self, message: str, version: object = None) -> None:
        super().__init__(message)
        self.version = version
        """The version the other end named (None when it named none a program could read)."""


class BodyTooLarge(ProtocolError):
    """A body over MAX_BODY_BYTES, or over MAX_DECODED_BYTES once decompressed."""


class TooDeep(ProtocolError):
    """A body nesting lists or objects deeper than MAX_DEPTH."""


def _shallow(value: Any, limit: int) -> bool:
    """True when ``value`` nests lists and dicts at most ``limit`` deep. Iterative: no recursion to
    exhaust on the very input it guards against."""
    level = [value]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return False
        inner: list[Any] = []
        for item in level:
            children = item.values() if type(item) is dict else item
            inner.extend(c for c in children if type(c) is dict or type(c) is list)
        level = inner
    return True


# --------------------------------------------------------------------------------------------------
# Messages


NO_LOST: Mapping[str, Any] = {}
"""The ``lost`` of every change and record without one (all but a re-sync's): one empty dict that
all share, read only (the fields are typed ``Mapping``). A dict of its own per record was one more
object alive per record decoded, and the garbage collector ran that much more often: twice its
work during a pull of 10,000 persons, a full collection included (``benchmarks/bench_sync.py``)."""


def _no_lost() -> Mapping[str, Any]:
    return NO_LOST


@dataclass(slots=True)
class Change:
    """One record's pending edits, as a laptop pushes them (several local edits coalesced)."""

    entity: str
    id: str
    village_code: str
    fields: dict[str, Any] = field(default_factory=dict)
    """New values of the fields this change writes (empty for a pure delete)."""
    base: dict[str, int] = field(default_factory=dict)
    """Field -> the server version the edit was made on. Missing means 0 (never synced)."""
    base_values: dict[str, Any] = field(default_factory=dict)
    """Field -> value at ``base`` (shown in the conflict view). Missing when the base version is 0."""
    base_seq: int = 0
    """The record ``seq`` the laptop last saw; 0 for a record made on this laptop."""
    deleted: bool = False
    hlc: int = 0
    """Hybrid logical clock stamp of the newest local edit: (unix ms << 16) | counter."""
    user: str = ""
    """Local user who made the newest edit."""
    lost: Mapping[str, int] = field(default_factory=_no_lost)
    """Field -> its version in the history a server restore lost, for a value the laptop sends again
    on a re-sync (``desktop.storage.resync``): the server keeps it with the field (see
    ``RecordState.lost``) so that two laptops' copies from that history can still be ordered.
    Absent from earlier laptops; ignored by earlier servers."""
    made_on: Mapping[str, int] = field(default_factory=_no_lost)
    """Field -> the version, in the history a server restore lost, of the value a pending edit was
    made on, for an edit a re-sync rebased onto the server's value (``desktop.storage.resync``):
    the server keeps it with the field like ``lost`` (``RecordState.lost``, third element 1), so a
    laptop still holding that very value takes the edit instead of opening an item against it.
    Absent from earlier laptops; ignored by earlier servers."""


@dataclass(slots=True)
class Problem:
    """A validation problem with a record, in both languages. Never contains the bad value."""

    field: str
    code: str
    zh: str
    en: str


@dataclass(slots=True)
class ChangeResult:
    """What the server did with one ``Change``."""

    id: str
    status: str
    """``applied`` | ``partial`` (some fields in conflict) | ``conflict`` | ``unchanged`` | ``rejected``."""
    seq: int = 0
    """Record ``seq`` after this change (0 when rejected)."""
    versions: dict[str, int] = field(default_factory=dict)
    """New version of each field that was written (or was already equal)."""
    conflicts: list[str] = field(default_factory=list)
    """Fields kept at the county value and handed to a person (``_deleted`` for delete vs edit)."""
    errors: list[Problem] = field(default_factory=list)


RESULT_STATUSES = ("applied", "partial", "conflict", "unchanged", "rejected")


@dataclass(slots=True)
class PushRequest:
    batch_id: str
    changes: list[Change]
    v: int = PROTOCOL_VERSION
    compact: bool = False
    """The sender reads compact results (see ``sync.protocol_decode.decode_push_response``). A server
    that does not know the flag ignores it and answers in full, which every reader understands."""
    elide: bool = False
    """The sender works out the result of a change the server applied whole (see
    ``sync.protocol_decode.decode_push_response``): such results are left out of the answer.
    Ignored, like ``compact``, by a server that does not know it."""
    epoch: str = ""
    """The server epoch the sender last synced with: a server with another one (restored from a
    backup) refuses the batch whole (``epoch_changed``, nothing stored) so the laptop re-syncs
    first. Empty: not known yet, no check. Ignored by a server that does not know it."""
    forms_version: int = 0
    """The county form version the laptop's records were made with (issue 17): the server validates
    the batch against it. 0 (a laptop that does not say): the built-in version 1."""
    known: int = 0
    """The highest village counter the sender has seen from this server (its pull cursor or a push
    answer's ``server_seq``). A server whose counter is below it went back to an older copy without
    ``county-server restored``: it renews that village's epoch and refuses the batch whole
    (``epoch_changed``), so the laptop re-syncs before anything is stored under reused numbers.
    0: unknown, no check (laptops of an earlier release omit it; servers of one ignore it)."""
    seen: list[tuple[int, int]] = field(default_factory=list)
    """``(counter value, stamp)`` pairs the sender saw from this server, newest first (``sync.stamps``):
    a server that gave the newest value to a commit with another stamp went back to an older copy,
    and does as for a counter below ``known``, re-syncing from the newest pair it holds too. Empty:
    no check (laptops of an earlier release, and before the first stamped answer)."""


@dataclass(slots=True)
class PushResponse:
    batch_id: str
    results: list[ChangeResult]
    server_seq: int
    """Village counter after the batch."""
    replayed: bool = False
    """True when this is the stored answer to a batch already applied."""
    v: int = PROTOCOL_VERSION
    epoch: str = ""
    """The server's epoch (empty from a server that has none)."""
    stamp: int = 0
    """The stamp of the commit that wrote ``server_seq`` (0 from an earlier server): the laptop names
    it with that value later (``PushRequest.known_stamp``)."""


@dataclass(slots=True)
class RecordState:
    """A record as the server holds it, sent on pull (only fields changed after the cursor)."""

    entity: str
    id: str
    village_code: str
    seq: int
    fields: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    deleted: bool = False
    lost: Mapping[str, list[int]] = field(default_factory=_no_lost)
    """Field -> ``[lost, taken]``: the field's value was sent again on a re-sync with version
    ``lost`` of the history the restore lost, and written here at ``taken`` (still its version if
    nothing wrote it since); ``[lost, taken, 1]``: the value written at ``taken`` was an edit made
    on version ``lost`` of that history (``Change.made_on``). Only on snapshot pages; absent from
    earlier servers (laptops of the release before ``made_on`` read a three-element entry as none)."""


@dataclass(slots=True)
class PullResponse:
    records: list[RecordState]
    cursor: int
    """Pass this back as the next cursor; every change up to it is in this page or an earlier one."""
    more: bool
    v: int = PROTOCOL_VERSION
    epoch: str = ""
    """The server's epoch (empty from a server that has none): a laptop that synced with another
    one re-syncs from a snapshot."""
    epoch_seq: int = 0
    """The village counter when that epoch began (fields at or below it were in the restored copy)."""
    server_seq: int | None = None
    """The village counter now (None from an older server): a cursor beyond it means the server went
    back, even if no new epoch was made."""
    marks: bool = False
    """The server keeps ``Change.made_on`` with the fields it writes (False from an earlier one): on
    a re-sync, a field written since the restore that carries no ``RecordState.lost`` was written
    by an edit made on no value of the history the restore lost."""
    stamp: int = 0
    """The stamp of the commit that wrote counter value ``cursor`` (0 from an earlier server, or for
    cursor 0)."""


# --------------------------------------------------------------------------------------------------
# Codec: compact JSON, lists of like records sent column-wise (sync.codec), zstd on top.

ZSTD_LEVEL = 9
"""Measured on realistic person batches: level 19 saves ~5 % more bytes at 4x the time."""
_json_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_local = threading.local()  # a ZstdCompressor must not be used by two threads at once


def _json(value: Any) -> bytes:
    """Compact UTF-8 JSON: orjson, or the standard library for what orjson refuses (an integer
    beyond 64 bits, a key that is not a string). Messages hold no floats (see ``decode_dict``)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return _json_encoder.encode(value).encode("utf-8")


def encode(message: Any) -> bytes:
    """Message dataclass (or plain dict) -> compressed bytes for the wire."""
    text = _json(codec.pack(message))
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return compressor.compress(text)


def decode_dict(body: bytes) -> dict[str, Any]:
    """Wire bytes -> plain dict, with size and shape checks. Raises ProtocolError."""
    if len(body) > MAX_BODY_BYTES:
        raise BodyTooLarge("request body too large")
    try:
        with zstandard.ZstdDecompressor().stream_reader(body) as reader:
            raw = reader.read(MAX_DECODED_BYTES + 1)
        if len(raw) > MAX_DECODED_BYTES:
            raise BodyTooLarge("request body too large once decompressed")
        # Strict JSON: NaN, Infinity and lone surrogates are refused (the standard library would
        # let them in); an integer beyond 64 bits reads as a float, which no integer check passes.
        data = orjson.loads(raw)
    except ProtocolError:
        raise
    except Exception as exc:  # zstd, unicode and json errors all mean the same to the caller
        raise ProtocolError("body is not compressed JSON") from exc
    if not isinstance(data, dict):
        raise ProtocolError("body is not a JSON object")
    if not _shallow(data, MAX_DEPTH):
        raise TooDeep(f"body nests lists or objects more than {MAX_DEPTH} deep")
    try:
        message = codec.unpack_message(data)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ProtocolError("body has a malformed table") from exc
    if not isinstance(message, dict):  # a whole body that is one table unpacks to a list
        raise ProtocolError("body is not a JSON object")
    version = message.get("v")
    if type(version) is not int or version not in SUPPORTED_VERSIONS:
        raise ProtocolVersionError(
            f"unsupported protocol version (this end speaks {SUPPORTED_VERSIONS})",
            version if type(version) is int else None,
        )
    return message


def body_digest(body: bytes) -> str:
    """Hex SHA-256 of a body, as signed in request headers and stored with a pushed batch."""
    # Imported here: hashlib loads OpenSSL's libcrypto (about 3.5 MB on a laptop), which the
    # desktop app needs only once it syncs.
    import hashlib

    return hashlib.sha256(body).hexdigest()
