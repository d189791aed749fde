"""The wire codec: exact round trips, compactness on realistic records, speed, and hostile input."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import codec, ids, protocol, protocol_decode, sample_data
from sync.protocol import (
    Change,
    ChangeResult,
    Problem,
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordState,
)

VILLAGE = "341122100201"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=4), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_pack_round_trips_any_json(value):
    packed = codec.pack(value)
    assert codec.unpack(json.loads(json.dumps(packed))) == value


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abcdef"), json_values, max_size=6), min_size=2, max_size=12))
def test_tables_keep_missing_keys_apart_from_nulls(rows):
    packed = codec.pack(rows)
    assert codec.TABLE_KEY in packed
    back = codec.unpack(json.loads(json.dumps(packed)))
    assert back == rows
    assert [set(r) for r in back] == [set(r) for r in rows]


fields_maps = st.dictionaries(
    st.sampled_from(["name", "phone", "year", "amount_fen", "status"]),
    st.one_of(st.none(), st.text(max_size=6), st.integers(0, 10**10)),
    max_size=5,
)
changes = st.builds(
    Change,
    entity=st.sampled_from(protocol.ENTITIES),
    id=st.uuids().map(str),
    village_code=st.sampled_from([VILLAGE, "341122100202"]),
    fields=fields_maps,
    base=st.dictionaries(st.sampled_from(["name", "phone"]), st.integers(0, 10**6), max_size=2),
    base_values=st.dictionaries(st.sampled_from(["name", "phone"]), st.text(max_size=5), max_size=2),
    base_seq=st.integers(0, 10**6),
    deleted=st.booleans(),
    hlc=st.integers(0, 2**62),
    user=st.text(max_size=5),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(changes, max_size=20))
def test_push_request_round_trip(cs):
    req = PushRequest(batch_id=ids.uuid7(), changes=cs)
    assert protocol_decode.decode_push_request(protocol.encode(req)) == req


problems = st.builds(Problem, field=st.text(max_size=5), code=st.text(max_size=5), zh=st.text(), en=st.text())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            ChangeResult,
            id=st.uuids().map(str),
            status=st.sampled_from(protocol.RESULT_STATUSES),
            seq=st.integers(0, 10**9),
            versions=st.dictionaries(st.text(max_size=4), st.integers(0, 10**9), max_size=4),
            conflicts=st.lists(st.text(max_size=4), max_size=3),
            errors=st.lists(problems, max_size=3),
        ),
        max_size=10,
    ),
    st.booleans(),
)
def test_push_response_round_trip(results, replayed):
    resp = PushResponse(batch_id="b", results=results, server_seq=7, replayed=replayed)
    assert protocol_decode.decode_push_response(protocol.encode(resp)) == resp


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.builds(
            RecordState,
            entity=st.sampled_from(protocol.ENTITIES),
            id=st.uuids().map(str),
            village_code=st.just(VILLAGE),
            seq=st.integers(0, 10**9),
            fields=fields_maps,
            versions=st.dictionaries(st.text(max_size=4), st.integers(0, 10**9), max_size=4),
            deleted=st.booleans(),
        ),
        max_size=10,
    ),
    st.integers(0, 10**9),
    st.booleans(),
)
def test_pull_response_round_trip(records, cursor, more):
    resp = PullResponse(records=records, cursor=cursor, more=more)
    assert protocol_decode.decode_pull_response(protocol.encode(resp)) == resp


def _realistic(n: int, *, spread_ids: bool) -> tuple[list[Change], list[RecordState]]:
    """Persons as pushed by a laptop and pulled by another. With ``spread_ids`` the records were
    entered over a year (ids and clocks far apart), the worse case for compression."""
    rng = random.Random(3)
    start_ms = 1_735_000_000_000
    people = [r for r in sample_data.village(VILLAGE, n) if r[0] == "person"]
    times = sorted(start_ms + rng.randrange(365 * 86_400_000) for _ in people)
    households: dict[str, str] = {}
    pushed, pulled = [], []
    for k, ((entity, rid, fields), t) in enumerate(zip(people, times, strict=True)):
        if spread_ids:
            fields = dict(
                fields, household_id=households.setdefault(fields["household_id"], ids.uuid7(t - 5))
            )
            rid = ids.uuid7(t)
        pushed.append(Change(entity, rid, VILLAGE, fields=fields, hlc=t << 16, user="会计"))
        present = {f: v for f, v in fields.items() if v is not None}
        pulled.append(
            RecordState(
                entity, rid, VILLAGE, seq=k + 1, fields=present, versions=dict.fromkeys(present, k + 1)
            )
        )
    return pushed, pulled


@pytest.mark.parametrize("spread_ids", [False, True])
def test_realistic_person_records_are_small(spread_ids):
    pushed, pulled = _realistic(4000, spread_ids=spread_ids)
    size = 1000
    push_bytes = sum(
        len(protocol.encode(PushRequest(ids.uuid7(), pushed[i : i + size])))
        for i in range(0, len(pushed), size)
    )
    pull_bytes = sum(
        len(protocol.encode(PullResponse(pulled[i : i + size], cursor=i + size, more=True)))
        for i in range(0, len(pulled), size)
    )
    assert push_bytes / len(pushed) <= 80
    assert pull_bytes / len(pulled) <= 60


def test_constants_cross_the_wire_once():
    pushed, _ = _realistic(50, spread_ids=False)
    text = json.dumps(codec.pack(PushRequest("b", pushed)), ensure_ascii=False)
    assert text.count(VILLAGE) == 1
    assert text.count('"person"') == 1


def test_compression_bomb_refused():
    body = zstandard.ZstdCompressor().compress(
        b'{"v":1,"x":"' + b"a" * (protocol.MAX_DECODED_BYTES + 10) + b'"}'
    )
    assert len(body) < protocol.MAX_BODY_BYTES
    with pytest.raises(ProtocolError):
        protocol.decode_dict(body)


@pytest.mark.parametrize(
    "bad",
    [
        {"v": 1, "t": {codec.TABLE_KEY: [["a", "i", [1, "x"]]], "n": 2}},
        {"v": 1, "t": {codec.TABLE_KEY: [["a", "v", [1]]], "n": 2}},
        {"v": 1, "t": {codec.TABLE_KEY: [["a", "c", {"x": 1}]], "n": 2}},
        {"v": 1, "t": {codec.TABLE_KEY: [["a", "z", []]], "n": 0}},
        {"v": 1, "t": {codec.TABLE_KEY: [["a", "v", [1]], [5]], "n": 1}},
        {"v": 1, "t": {codec.TABLE_KEY: [["a", "v", [1], [3, -2]]], "n": 1}},
        {"v": 1, "t": {codec.TABLE_KEY: [], "n": -1}},
        {codec.TABLE_KEY: [], "n": 0},  # a whole body that is a table: a list, not a message
    ],
)
def test_malformed_tables_are_protocol_errors(bad):
    body = zstandard.ZstdCompressor().compress(json.dumps(bad).encode())
    with pytest.raises(ProtocolError):
        protocol.decode_dict(body)


def test_dataclass_and_asdict_encode_the_same():
    pushed, _ = _realistic(20, spread_ids=False)
    req = PushRequest("b", pushed)
    assert protocol.decode_dict(protocol.encode(req)) == protocol.decode_dict(
        protocol.encode(dataclasses.asdict(req))
    )


@pytest.mark.parametrize(
    "bad",
    [
        # One table claiming a billion rows: refused before a single row is made.
        {"v": 1, "t": {codec.TABLE_KEY: [], "n": 10**9}},
        # Many small tables whose rows add up past the budget.
        {"v": 1, "t": [{codec.TABLE_KEY: [], "n": codec.MAX_ROWS_PER_MESSAGE // 4}] * 5},
    ],
)
def test_tables_cannot_declare_more_rows_than_a_message_holds(bad):
    body = zstandard.ZstdCompressor().compress(json.dumps(bad).encode())
    assert len(body) < 300
    with pytest.raises(ProtocolError):
        protocol.decode_dict(body)
    # The budget is per message: a good message decodes fine right after.
    pushed, _ = _realistic(20, spread_ids=False)
    assert protocol_decode.decode_push_request(protocol.encode(PushRequest("b", pushed))).changes


@pytest.mark.parametrize("depth", [protocol.MAX_DEPTH + 1, 600, 5000])
def test_deep_nesting_is_a_protocol_error_not_a_recursion_error(depth):
    text = '{"v":1,"batch_id":"b","changes":[],"x":' + "[" * depth + "]" * depth + "}"
    body = zstandard.ZstdCompressor().compress(text.encode())
    # orjson itself refuses beyond 1024 levels; below that the depth check does.
    with pytest.raises(protocol.TooDeep if depth < 1024 else protocol.ProtocolError):
        protocol.decode_dict(body)


def test_nesting_up_to_the_limit_decodes():
    depth = protocol.MAX_DEPTH - 1  # the message object itself is one level
    text = '{"v":1,"x":' + "[" * depth + "]" * depth + "}"
    assert protocol.decode_dict(zstandard.ZstdCompressor().compress(text.encode()))["v"] == 1
