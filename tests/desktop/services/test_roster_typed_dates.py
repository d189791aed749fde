"""A roster whose dates are written in every way the entry form accepts imports cleanly (issue 17:
the parse lives in sync.parse, used by the form, the import and the server alike)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from desktop.services import roster_import as ri
from desktop.storage import KdfParams, Store
from sync.resident_id import make_resident_id

VILLAGE = "530102001001"
HEADERS = ["户号*", "户主姓名*", "家庭住址*", "家庭类别*", "姓名*", "公民身份号码*", "与户主关系*", "民族*",
           "出生日期"]  # fmt: skip
BORN = date(1953, 2, 19)
# Every way the entry form reads a date (tests/sync/test_parse.py), as a text cell, and
# the number 19530219 and a real Excel date cell.
WRITTEN: list[Any] = ["19530219", "1953-02-19", "1953/2/19", "1953.2.19", "1953年2月19日", "１９５３０２１９",
                      " 1953-2-19 ", "1953年02月19日", 19530219, datetime(1953, 2, 19)]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.vdd", "clerk", "green hills 2025", VILLAGE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


def _book(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def test_a_roster_with_dates_written_every_accepted_way_imports(store: Store, tmp_path: Path) -> None:
    rows = [
        [f"{n:04d}", f"户主{n}", "一组", "一般户", f"户主{n}", make_resident_id("530102", BORN, n * 2),
         "户主", "汉族", written]
        for n, written in enumerate(WRITTEN, start=1)
    ]  # fmt: skip
    roster = ri.read_roster(_book(tmp_path / "dates.xlsx", rows))
    plan = ri.check(store, roster, ri.guess_mapping(store.forms, roster.headers))
    assert plan.problems == [] and plan.ok
    assert ri.commit(store, plan) == {"household": len(WRITTEN), "person": len(WRITTEN)}
    assert {p["birth_date"] for p in store.person.iter_all()} == {"1953-02-19"}


def test_a_date_that_does_not_exist_is_still_refused_with_the_row(store: Store, tmp_path: Path) -> None:
    rows = [
        [
            "0001",
            "张三",
            "一组",
            "一般户",
            "张三",
            make_resident_id("530102", BORN, 2),
            "户主",
            "汉族",
            "19530230",
        ]
    ]
    roster = ri.read_roster(_book(tmp_path / "bad.xlsx", rows))
    plan = ri.check(store, roster, ri.guess_mapping(store.forms, roster.headers))
    assert not plan.ok
    assert [(p.row, p.column) for p in plan.problems] == [(2, "出生日期")]
    assert store.person.count() == 0
