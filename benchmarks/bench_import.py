"""Roster import benchmark: a 5,000-row roster imported from Excel, against saving the same rows
through the form path, in the same run on fresh encrypted stores.

The import reads the .xlsx, checks every row (schema, uniqueness against store and file) and writes
all of it in one transaction through the repositories (validated again, outbox captured). The form
path saves each household and person as the app's forms do (``Session.save``: one transaction and one
fsync each). Prints seconds and rows/s for each and the ratio form/import.

    python -m benchmarks.bench_import [--rows 5000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.bench_store import people
from desktop.services import roster_import as ri
from desktop.services.session import Session
from desktop.storage import KdfParams, Store
from sync.schema import load_forms

VILLAGE = "110101001001"


def roster_rows(n: int) -> tuple[list[str], list[list[object]]]:
    """The template's headers and ``n`` rows: four persons to a household."""
    forms = load_forms()
    headers = [ri.header_label(forms, key) for key, _ in ri.roster_fields(forms)]
    households = [f"H{i:05d}" for i in range(n // 4 + 1)]
    rows = []
    for i, person in enumerate(people(n, households)):
        number = person["household_id"]
        values = {
            ("household", "household_no"): number,
            ("household", "head_name"): f"户主{number}",
            ("household", "address"): f"{i % 11 + 1}组{i // 4 % 80 + 1}号",
            ("household", "category"): "一般户",
            **{("person", k): v for k, v in person.items() if k != "household_id"},
        }
        rows.append([values.get(key) for key, _ in ri.roster_fields(forms)])
    return headers, rows


def write_roster(path: Path, n: int) -> None:
    from openpyxl import Workbook

    headers, rows = roster_rows(n)
    book = Workbook()  # not write-only: shared strings and a dimension, as Excel saves a workbook
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    book.save(str(path))


def by_import(store: Store, path: Path) -> float:
    start = time.perf_counter()
    roster = ri.read_roster(path)
    plan = ri.check(store, roster, ri.guess_mapping(store.forms, roster.headers))
    assert plan.ok, plan.problems[:3]
    ri.commit(store, plan)
    return time.perf_counter() - start


def by_form(store: Store, n: int) -> float:
    session = Session(store)
    households = [f"H{i:05d}" for i in range(n // 4 + 1)]
    start = time.perf_counter()
    ids: dict[str, str] = {}
    for i, person in enumerate(people(n, households)):
        number = person["household_id"]
        if number not in ids:
            ids[number] = session.save("household", None, {
                "household_no": number, "head_name": f"户主{number}", "address": f"{i % 11 + 1}组",
                "category": "ordinary", "status": "active",
            })  # fmt: skip
        session.save("person", None, {**person, "household_id": ids[number]})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    kdf = KdfParams.fast_for_tests()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        roster = folder / "roster.xlsx"
        write_roster(roster, args.rows)
        for r in range(args.rounds):
            a = Store.create(folder / f"import{r}.vdd", "bench", "bench passphrase", VILLAGE, kdf=kdf)
            b = Store.create(folder / f"form{r}.vdd", "bench", "bench passphrase", VILLAGE, kdf=kdf)
            try:
                t_import = by_import(a, roster)
                t_form = by_form(b, args.rows)
                assert a.person.count() == b.person.count() == args.rows
                assert a.pending_count() == b.pending_count()
            finally:
                a.close()
                b.close()
            print(
                f"round {r + 1}: {args.rows} rows"
                f"  import {t_import:.2f} s ({args.rows / t_import:,.0f} rows/s)"
                f"  form path {t_form:.2f} s ({args.rows / t_form:,.0f} rows/s)"
                f"  ratio form/import {t_form / t_import:.1f}x"
            )


if __name__ == "__main__":
    main()
