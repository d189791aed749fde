"""Shared cases for the schema tests: good records, an in-memory Lookup, today's date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sync.protocol import Problem
from sync.resident_id import make_resident_id

TODAY = date(2025, 6, 15)
HOUSEHOLD_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
PERSON_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
RID_MALE_1965 = make_resident_id("410105", date(1965, 8, 1), 13)
RID_FEMALE_1990 = make_resident_id("410105", date(1990, 3, 7), 24)


class MemoryLookup:
    """The real ``Lookup`` interface over a list of records: live records of one village."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, dict[str, Any]]] = []

    def add(self, entity: str, record: dict[str, Any]) -> None:
        self.rows.append((entity, record))

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
        return sum(
            1
            for e, r in self.rows
            if e == entity
            and not r.get("deleted")
            and r.get("id") != exclude_id
            and all(r.get(k) == v for k, v in where.items())
        )


def good(entity: str) -> dict[str, Any]:
    return {
        "household": {
            "household_no": "0012-A",
            "head_name": "王建国",
            "address": "河南省郑州市某村3组12号",
            "phone": "13812345678",
            "category": "low_income",
            "status": "active",
        },
        "person": {
            "household_id": HOUSEHOLD_ID,
            "name": "王建国",
            "resident_id": RID_MALE_1965,
            "relation": "head",
            "sex": "male",
            "birth_date": "1965-08-01",
            "ethnicity": "01",
            "education": "junior",
            "occupation": "务农",
            "health": "chronic",
            "disability": "none",
            "medical_insurance": "resident",
            "pension_insurance": "resident",
            "phone": "0371-62345678",
            "status": "present",
        },
        "income": {
            "household_id": HOUSEHOLD_ID,
            "year": 2024,
            "source": "wages",
            "amount_fen": 3_456_700,
            "note": "外出务工\n全年",
        },
        "service": {
            "household_id": HOUSEHOLD_ID,
            "person_id": None,
            "type": "health_check",
            "date": "2025-06-15",
            "amount_fen": None,
            "provider": "乡卫生院",
            "note": None,
        },
    }[entity]


def codes(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}
