"""County form versions (issue 17): what taking a new version costs a laptop, and what validating a
push against the laptop's version costs the server, side by side with today's push.

    python -m benchmarks.bench_forms [--persons 100000] [--batch 500] [--rounds 5]

1. A laptop store with ``--persons`` person rows takes a version that adds a person field and a
   household field: ``Store.take_forms`` (ALTER TABLE ADD COLUMN: no record is rewritten).
2. The server applies the same person pushes (``--rounds`` batches of ``--batch`` new records) named
   as form version 0 (an old laptop: built-in forms, today's path) and as version 2 (the forms looked
   up and compiled once, then cached), on SQLite; the ratio is printed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from desktop.storage import KdfParams, Store
from sync import form_versions as fv
from sync import ids, protocol, protocol_decode, sample_data
from sync.provisioning import generate_signing_keypair
from sync.schema import load_forms
from sync.server import admin, form_store, push
from sync.server.auth import Device
from sync.server.store import Store as CountyStore

VILLAGE = "110105001001"
PASS = b"bench signing key"


def v2_document() -> dict[str, Any]:
    doc = fv.builtin_document()
    doc["version"] = 2
    for form in doc["forms"]:
        if form["entity"] == "person":
            signed = {"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}}
            label = {"zh_CN": "家庭医生签约", "en": "Family doctor"}
            form["fields"].append(
                {"name": "family_doctor", "type": "choice", "label": label, "choices": [signed]}
            )
        if form["entity"] == "household":
            form["fields"].append({"name": "members_away", "type": "int",
                                   "label": {"zh_CN": "外出务工人数", "en": "Members away"}})  # fmt: skip
    return doc


def laptop_takes(persons: int, directory: Path) -> tuple[float, int]:
    store = Store.create(
        directory / "v.vdd", "wang", "bench pass 2026", VILLAGE, kdf=KdfParams.fast_for_tests()
    )
    try:
        rows = [r for r in sample_data.village(VILLAGE, persons) if r[0] in ("household", "person")]
        with store.atomic() as conn:  # the records as a synced laptop holds them (no outbox)
            for entity in ("household", "person"):
                names = store.repository(entity).fields
                cols = ", ".join(("id", "village_code", *names))
                marks = ", ".join("?" * (2 + len(names)))
                conn.executemany(
                    f"INSERT INTO {entity} ({cols}) VALUES ({marks})",
                    [(i, VILLAGE, *(f.get(n) for n in names)) for e, i, f in rows if e == entity],
                )
        count = store.person.count()
        started = time.perf_counter()
        store.take_forms(v2_document())
        took = time.perf_counter() - started
        assert "family_doctor" in store.person.fields
        return took, count
    finally:
        store.close()


def push_cost(batch: int, rounds: int, directory: Path) -> dict[int, float]:
    county = CountyStore(directory / "county.db")
    county.migrate()
    admin.add_village(county, VILLAGE, "东村")
    private, _ = generate_signing_keypair(PASS)
    form_store.publish(county, VILLAGE[:6], fv.sign(v2_document(), private, PASS))
    device = Device("bench", VILLAGE[:6], VILLAGE, "bench")
    rules = push.Rules.from_forms(load_forms())
    rows = list(sample_data.village(VILLAGE, batch * rounds * 2 + 10))
    households = [protocol.Change(e, i, VILLAGE, fields=f) for e, i, f in rows if e == "household"]
    people = [protocol.Change(e, i, VILLAGE, fields=f) for e, i, f in rows if e == "person"]

    def send(changes: list[protocol.Change], version: int) -> float:
        request = protocol.PushRequest(ids.uuid7(), changes, compact=True, forms_version=version)
        body = protocol.encode(request)
        started = time.perf_counter()
        decoded = protocol_decode.decode_push_request(body)
        push.apply_batch(county, rules, device, decoded, protocol.body_digest(body), today=date.today())
        return (time.perf_counter() - started) * 1e6 / len(changes)

    for k in range(0, len(households), batch):
        send(households[k : k + batch], 0)
    times: dict[int, list[float]] = {0: [], 2: []}
    for r in range(rounds * 2):  # interleaved, so both see the same table sizes
        version = 0 if r % 2 == 0 else 2
        times[version].append(send(people[r * batch : (r + 1) * batch], version))
    county.close()
    return {v: statistics.median(t) for v, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        took, count = laptop_takes(args.persons, Path(tmp))
        print(f"laptop with {count} persons takes a new form version: {took * 1000:.1f} ms (goal < 2000 ms)")
        cost = push_cost(args.batch, args.rounds, Path(tmp))
    print(f"push, per change (median of {args.rounds} batches of {args.batch}, SQLite):")
    print(f"  today's push (no form version): {cost[0]:.0f} us")
    print(f"  validated against version 2:    {cost[2]:.0f} us   ratio {cost[2] / cost[0]:.2f}")


if __name__ == "__main__":
    main()
