"""The strict decoders of the sync messages (``sync.protocol`` defines them): wire bytes -> a
``PushRequest``, ``PushResponse`` or ``PullResponse``, every field checked. Anything malformed raises
``ProtocolError`` and holds no data from the body.

The server decodes a laptop's push (``decode_push_request``); the laptop decodes the server's
answers (``decode_push_response``, ``decode_pull_response``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync import stamps
from sync.protocol import (
    ENTITIES,
    META_FIELDS,
    NO_LOST,
    Change,
    ChangeResult,
    Problem,
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordState,
    decode_dict,
)


def _problem(d: dict[str, Any]) -> Problem:
    return Problem(field=str(d["field"]), code=str(d["code"]), zh=str(d["zh"]), en=str(d["en"]))


def _change(d: dict[str, Any]) -> Change:
    get = d.get
    entity = get("entity")
    if entity not in ENTITIES:
        raise ProtocolError("change names an unknown entity")
    record_id, village_code = get("id"), get("village_code")
    if not isinstance(record_id, str) or not isinstance(village_code, str):
        raise ProtocolError("change without id or village_code")
    fields, base, base_values = get("fields", {}), get("base", {}), get("base_values", {})
    if not (isinstance(fields, dict) and isinstance(base, dict) and isinstance(base_values, dict)):
        raise ProtocolError("change fields, base and base_values must be objects")
    if base and not all(type(v) is int and v >= 0 for v in base.values()):
        raise ProtocolError("base versions must be non-negative integers")
    base_seq, hlc = get("base_seq", 0), get("hlc", 0)
    if type(base_seq) is not int or type(hlc) is not int or base_seq < 0:
        raise ProtocolError("base_seq and hlc must be integers")
    lost, made_on = get("lost") or NO_LOST, get("made_on") or NO_LOST
    for marks in (lost, made_on):
        if not isinstance(marks, dict) or not all(type(v) is int and v >= 0 for v in marks.values()):
            raise ProtocolError("lost versions must be non-negative integers")
    return Change(
        entity,
        record_id,
        village_code,
        fields,
        base,
        base_values,
        base_seq,
        bool(get("deleted", False)),
        hlc,
        str(get("user", "")),
        lost,
        made_on,
    )


def _forms_version(value: Any) -> int:
    if type(value) is not int or not 0 <= value < 2**31:
        raise TypeError("forms_version")
    return value


def decode_push_request(body: bytes) -> PushRequest:
    d = decode_dict(body)
    changes = d.get("changes")
    if not isinstance(d.get("batch_id"), str) or not isinstance(changes, list):
        raise ProtocolError("push needs batch_id and a list of changes")
    try:
        return PushRequest(
            batch_id=d["batch_id"],
            changes=[_change(c) for c in changes],
            v=d["v"],
            compact=d.get("compact") is True,
            elide=d.get("elide") is True,
            epoch=_text(d.get("epoch")),
            forms_version=_forms_version(d.get("forms_version", 0)),
            known=_count(d.get("known", 0)),
            seen=_seen(d.get("seen", [])),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ProtocolError("malformed change in push") from exc


def decode_push_response(body: bytes, request: bytes | None = None) -> PushResponse:
    """A compact answer (to a request with ``compact``) lists each distinct set of fields written
    at a record's new seq once, in ``fieldsets``; a result names its set by number (``fieldset``)
    and carries in ``versions`` only the fields at another version, and leaves out empty
    ``conflicts`` and ``errors``.

    An answer to a request with ``elide`` leaves out the result of every change applied whole (every
    field it sent written, no delete): it says only ``base_seq``, the counter before the batch. The
    server numbers the records it writes one after the other, in the batch's order, so such a
    change's seq is the next number after ``base_seq`` that no listed result took, and each of its
    fields is at that seq. ``request`` (the body sent) is needed to work them out.

    Decoded, every form gives the same ``ChangeResult``s."""
    d = decode_dict(body)
    try:
        fieldsets = d.get("fieldsets", [])
        results = []
        for r in d["results"]:
            versions = r.get("versions", {})
            if "fieldset" in r:
                versions = dict.fromkeys(fieldsets[r["fieldset"]], r["seq"]) | versions
            results.append(
                ChangeResult(
                    id=r["id"],
                    status=r["status"],
                    seq=r.get("seq", 0),
                    versions=versions,
                    conflicts=r.get("conflicts", []),
                    errors=[_problem(p) for p in r.get("errors", [])],
                )
            )
        if "base_seq" in d:
            if request is None:
                raise ProtocolError("an elided push answer needs the request it answers")
            results = _with_elided(results, d["base_seq"], d["server_seq"], decode_push_request(request))
        return PushResponse(
            batch_id=d["batch_id"],
            results=results,
            server_seq=d["server_seq"],
            replayed=d.get("replayed", False),
            epoch=_text(d.get("epoch")),
            stamp=_stamp(d.get("stamp")),
        )
    except (KeyError, TypeError, IndexError) as exc:
        raise ProtocolError("malformed push response") from exc


def _with_elided(
    listed: list[ChangeResult], base_seq: int, server_seq: int, request: PushRequest
) -> list[ChangeResult]:
    by_id = {r.id: r for r in listed}
    taken = {r.seq for r in listed if r.seq > base_seq}
    free = (s for s in range(base_seq + 1, server_seq + 1) if s not in taken)
    results = []
    for change in request.changes:
        result = by_id.get(change.id)
        if result is None:
            seq = next(free, None)
            if seq is None:
                raise ProtocolError("an elided push answer has fewer numbers than changes")
            names = [name for name in change.fields if name not in META_FIELDS]
            result = ChangeResult(change.id, "applied", seq, dict.fromkeys(names, seq))
        results.append(result)
    return results


def _text(value: Any) -> str:
    """An optional short text field (the epoch): anything else reads as absent."""
    return value if isinstance(value, str) and len(value) <= 64 else ""


def _seen(value: Any) -> list[tuple[int, int]]:
    pairs = stamps.as_pairs(value)
    if pairs is None:
        raise ProtocolError("seen is not a list of [counter, stamp] pairs, newest first")
    return pairs


def _stamp(value: Any) -> int:
    """An optional stamp in an answer: anything but a non-negative integer reads as absent (0)."""
    return value if type(value) is int and value >= 0 else 0


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise ProtocolError("a counter is not a non-negative integer")
    return value


def _lost(value: Any) -> Mapping[str, list[int]]:
    """A record's ``lost`` marks; anything malformed or of a kind not known here reads as absent
    (see ``desktop.storage.resync`` for what the laptop does then)."""
    if not isinstance(value, dict):
        return NO_LOST
    pairs = {
        k: list(v)
        for k, v in value.items()
        if isinstance(v, list)
        and (len(v) == 2 or (len(v) == 3 and v[2] == 1))
        and all(type(n) is int and n >= 0 for n in v)
    }
    return pairs or NO_LOST


def decode_pull_response(body: bytes) -> PullResponse:
    d = decode_dict(body)
    try:
        records = [
            RecordState(
                entity=r["entity"],
                id=r["id"],
                village_code=r["village_code"],
                seq=r["seq"],
                fields=r.get("fields", {}),
                versions=r.get("versions", {}),
                deleted=r.get("deleted", False),
                lost=_lost(r["lost"]) if "lost" in r else NO_LOST,
            )
            for r in d["records"]
        ]
        server_seq = d.get("server_seq")
        return PullResponse(
            records=records,
            cursor=d["cursor"],
            more=d["more"],
            epoch=_text(d.get("epoch")),
            epoch_seq=_count(d.get("epoch_seq", 0)),
            server_seq=_count(server_seq) if server_seq is not None else None,
            marks=d.get("marks") is True,
            stamp=_stamp(d.get("stamp")),
        )
    except (KeyError, TypeError) as exc:
        raise ProtocolError("malformed pull response") from exc
