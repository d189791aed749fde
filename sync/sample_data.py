"""Realistic, made-up village records for tests, benchmarks and demos (no real person in them).

Names are drawn from common surnames and given-name characters, resident IDs are valid (region of
the village's county, birth date, sequence with the right sex parity, check digit), households have
a head, a spouse, children and sometimes parents, and optional fields are filled about as often as
village officials fill them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sync.ids import uuid7
from sync.resident_id import make_resident_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰春梅海燕红梅德福"
    "金凤淑珍永红晓东文博子涵浩然欣怡宇轩梓涵一诺雨桐佳怡俊杰振华立新桂兰凤英玉珍秀珍小红"
)
OCCUPATIONS = ("务农", "外出务工", "学生", "个体经营", "村干部", "教师", "司机", "建筑工", "退休")


def _name(rng: random.Random, surname: str) -> str:
    n = 2 if rng.random() < 0.7 else 1
    return surname + "".join(rng.choice(GIVEN) for _ in range(n))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _birth(rng: random.Random, lo: int, hi: int) -> date:
    start = date(lo, 1, 1)
    return start + timedelta(days=rng.randrange((date(hi, 12, 28) - start).days))


def person(
    rng: random.Random,
    village_code: str,
    household_id: str,
    relation: str,
    birth: date,
    sex: str,
    surname: str,
    used: set[str] | None = None,
) -> dict[str, Any]:
    """One person's form fields (without id and village_code); ``used`` keeps resident IDs unique."""
    seq = rng.randrange(500) * 2 + (1 if sex == "male" else 0)
    resident_id = make_resident_id(village_code[:6], birth, seq)
    while used is not None and resident_id in used:  # unique in the village, as the form demands
        seq = (seq + 2) % 1000
        resident_id = make_resident_id(village_code[:6], birth, seq)
    if used is not None:
        used.add(resident_id)
    age = (date(2025, 1, 1) - birth).days // 365
    adult = age >= 18
    return {
        "household_id": household_id,
        "name": _name(rng, surname),
        "resident_id": resident_id,
        "relation": relation,
        "sex": sex,
        "birth_date": birth.isoformat(),
        "ethnicity": "01" if rng.random() < 0.9 else rng.choice(("03", "05", "08", "11")),
        "education": rng.choice(("primary", "junior", "junior", "senior", "vocational", "none")),
        "occupation": (rng.choice(OCCUPATIONS) if adult else "学生") if rng.random() < 0.7 else None,
        "health": "healthy" if rng.random() < 0.8 else rng.choice(("chronic", "serious")),
        "disability": "none" if rng.random() < 0.93 else rng.choice(("grade3", "grade4")),
        "medical_insurance": "resident" if rng.random() < 0.95 else "employee",
        "pension_insurance": ("resident" if rng.random() < 0.8 else "none") if adult else None,
        "phone": _phone(rng) if adult and rng.random() < 0.6 else None,
        "status": "present" if rng.random() < 0.9 else "moved_out",
    }


def household(rng: random.Random, head_name: str, number: int) -> dict[str, Any]:
    return {
        "household_no": f"{number:04d}",
        "head_name": head_name,
        "address": f"{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
        "phone": _phone(rng) if rng.random() < 0.7 else None,
        "category": rng.choice(("ordinary",) * 8 + ("low_income", "monitored")),
        "status": "active",
    }


def village(village_code: str, persons: int, *, seed: int = 1) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(entity, id, fields)``: each household first, then its members, until ``persons``
    persons have been made."""
    rng = random.Random(seed)
    used: set[str] = set()
    made = 0
    number = 0
    while made < persons:
        number += 1
        hh_id = uuid7()
        surname = rng.choice(SURNAMES)
        head_birth = _birth(rng, 1945, 1995)
        head_sex = "male" if rng.random() < 0.85 else "female"
        members: list[tuple[str, date, str, str]] = [("head", head_birth, head_sex, surname)]
        if rng.random() < 0.85:
            spouse_sex = "female" if head_sex == "male" else "male"
            members.append(
                (
                    "spouse",
                    _birth(rng, head_birth.year - 3, head_birth.year + 3),
                    spouse_sex,
                    rng.choice(SURNAMES),
                )
            )
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            members.append(
                (
                    "child",
                    _birth(rng, head_birth.year + 20, min(2020, head_birth.year + 35)),
                    rng.choice(("male", "female")),
                    surname,
                )
            )
        if head_birth.year > 1970 and rng.random() < 0.3:
            members.append(
                (
                    "parent",
                    _birth(rng, head_birth.year - 35, head_birth.year - 20),
                    "female",
                    rng.choice(SURNAMES),
                )
            )
        people = [person(rng, village_code, hh_id, *m, used) for m in members][: persons - made]
        yield "household", hh_id, household(rng, people[0]["name"], number)
        for p in people:
            yield "person", uuid7(), p
        made += len(people)
