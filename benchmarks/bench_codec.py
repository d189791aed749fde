"""Codec and validation speed, each as a ratio to plain JSON work on the same data in the same run.

Two figures that used to be timed asserts in the unit tests (a shared CI machine made them flaky):

* the sync codec (column-wise packing + zstd, ``sync.protocol``) encoding and decoding 1,000-record
  push and pull messages, against ``orjson`` dumping and loading the same records as plain dicts;
* the form rules validating one person record (``sync.schema``), against ``orjson`` dumping and
  loading that record.

    python -m benchmarks.bench_codec [--persons 5000]

Goals: the codec at >= 6,000 records/s for its four steps (push and pull, encode and decode), and
within 6x of plain orjson; one person validated in < 200 µs, within 40x of an orjson round trip.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
import timeit
from datetime import date

import orjson

from sync import ids, protocol, protocol_decode, sample_data
from sync.schema import load_forms

VILLAGE = "410105001001"


def realistic(n: int) -> tuple[list[protocol.Change], list[protocol.RecordState]]:
    """Persons entered over a year (ids and clocks far apart): the codec's worse case."""
    rng = random.Random(3)
    start_ms = 1_735_000_000_000
    people = [r for r in sample_data.village(VILLAGE, n) if r[0] == "person"]
    times = sorted(start_ms + rng.randrange(365 * 86_400_000) for _ in people)
    households: dict[str, str] = {}
    pushed, pulled = [], []
    for k, ((entity, _rid, fields), t) in enumerate(zip(people, times, strict=True)):
        fields = dict(fields, household_id=households.setdefault(fields["household_id"], ids.uuid7(t - 5)))
        rid = ids.uuid7(t)
        pushed.append(protocol.Change(entity, rid, VILLAGE, fields=fields, hlc=t << 16, user="会计"))
        present = {f: v for f, v in fields.items() if v is not None}
        pulled.append(
            protocol.RecordState(entity, rid, VILLAGE, k + 1, present, dict.fromkeys(present, k + 1))
        )
    return pushed, pulled


def codec_rates(persons: int) -> tuple[float, float]:
    """(records/s through the codec, records/s through plain orjson) for the same messages."""
    pushed, pulled = realistic(persons)
    started = time.perf_counter()
    for i in range(0, len(pushed), 1000):
        protocol_decode.decode_push_request(protocol.encode(protocol.PushRequest("b", pushed[i : i + 1000])))
        protocol_decode.decode_pull_response(
            protocol.encode(protocol.PullResponse(pulled[i : i + 1000], cursor=1, more=False))
        )
    codec = len(pushed) / (time.perf_counter() - started)
    plain_push = [dataclasses.asdict(c) for c in pushed]
    plain_pull = [dataclasses.asdict(r) for r in pulled]
    started = time.perf_counter()
    for i in range(0, len(pushed), 1000):
        orjson.loads(orjson.dumps(plain_push[i : i + 1000]))
        orjson.loads(orjson.dumps(plain_pull[i : i + 1000]))
    plain = len(pushed) / (time.perf_counter() - started)
    return codec, plain


def validation_seconds(runs: int = 2000) -> tuple[float, float]:
    """(seconds to validate one person, seconds for an orjson round trip of it): best of three."""
    forms = load_forms()
    _, _, fields = next(r for r in sample_data.village(VILLAGE, 10) if r[0] == "person")
    record = {**fields, "id": ids.uuid7(), "village_code": VILLAGE}
    today = date(2025, 6, 15)
    assert forms.validate("person", record, today=today) == [], "the sample person must be valid"
    validate = min(
        timeit.repeat(lambda: forms.validate("person", record, today=today), number=runs, repeat=3)
    )
    plain = min(timeit.repeat(lambda: orjson.loads(orjson.dumps(record)), number=runs, repeat=3))
    return validate / runs, plain / runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=5000)
    args = parser.parse_args(argv)
    codec, plain = codec_rates(args.persons)
    print(f"codec: {codec:,.0f} records/s (push+pull, encode+decode); plain orjson {plain:,.0f}/s;")
    print(f"       ratio {plain / codec:.1f}x slower than plain JSON (goal >= 6,000/s, <= 6x)")
    one, rt = validation_seconds()
    print(f"validation: {one * 1e6:.0f} µs per person; orjson round trip {rt * 1e6:.1f} µs;")
    print(f"       ratio {one / rt:.0f}x (goal < 200 µs, <= 40x)")


if __name__ == "__main__":
    main()
