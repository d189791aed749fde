from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from desktop.storage import KdfParams, Store
from sync.resident_id import make_resident_id

VILLAGE = "110101001001"
PASS = "correct horse 42"


@pytest.fixture
def kdf() -> KdfParams:
    return KdfParams.fast_for_tests()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "village.db"


@pytest.fixture
def store(db_path: Path, kdf: KdfParams):
    s = Store.create(db_path, "wang", PASS, VILLAGE, kdf=kdf)
    yield s
    s.close()


def household(no: str = "001", head: str = "张三") -> dict:
    return {
        "household_no": no,
        "head_name": head,
        "address": "一组12号",
        "category": "ordinary",
        "status": "active",
    }


def person(
    household_id: str,
    name: str = "张三",
    *,
    seq: int = 11,
    relation: str = "head",
    birth: date = date(1970, 3, 9),
) -> dict:
    rid = make_resident_id("110101", birth, seq)
    sex = "male" if int(rid[16]) % 2 else "female"
    return {
        "household_id": household_id,
        "name": name,
        "resident_id": rid,
        "relation": relation,
        "sex": sex,
        "birth_date": birth.isoformat(),
        "ethnicity": "01",
        "status": "present",
    }
