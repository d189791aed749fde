"""Pull-side check of county values (issue 10): applying pulled pages with and without the check
that keeps records with unstorable values aside (``desktop.storage.quarantine``), side by side in
one run on the encrypted store. Prints seconds for each and the ratio.

    python -m benchmarks.bench_quarantine [--persons 20000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from desktop.storage import KdfParams, Store, quarantine
from desktop.storage.replica import StoreReplica
from sync import sample_data
from sync.ids import uuid7
from sync.protocol import PullResponse, RecordState

VILLAGE = "110105001001"


def _states(persons: int) -> list[RecordState]:
    out = []
    for i, (entity, _sample_id, fields) in enumerate(sample_data.village(VILLAGE, persons, seed=1)):
        kept = {k: v for k, v in fields.items() if k not in ("id", "village_code")}
        out.append(RecordState(entity, uuid7(), VILLAGE, i + 1, kept, dict.fromkeys(kept, i + 1)))
    return out


def _apply(directory: Path, states: list[RecordState], checked: bool) -> float:
    store = Store.create(
        directory / f"{checked}-{time.monotonic_ns()}.db",
        "wang",
        "bench pass 42",
        VILLAGE,
        kdf=KdfParams.fast_for_tests(),
    )
    replica = StoreReplica(store)
    sift = quarantine.sift
    if not checked:
        quarantine.sift = lambda conn, forms, page, now: page  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        for i in range(0, len(states), 1000):
            replica.apply_pull(
                PullResponse(states[i : i + 1000], cursor=min(i + 1000, len(states)), more=True)
            )
        return time.perf_counter() - started
    finally:
        quarantine.sift = sift
        store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    states = _states(args.persons)
    with tempfile.TemporaryDirectory() as tmp:
        plain, checked = [], []
        for _ in range(args.rounds):  # alternated, best of each: a busy machine hurts both alike
            plain.append(_apply(Path(tmp), states, False))
            checked.append(_apply(Path(tmp), states, True))
    a, b = min(plain), min(checked)
    print(f"{len(states)} pulled records: applied {a:.2f} s unchecked, {b:.2f} s checked, ratio {b / a:.2f}")


if __name__ == "__main__":
    main()
