"""Village indicators, the county's "real map" of common prosperity, rolled up over any set of villages.

``compute`` is pure (records in, numbers out) so it can be checked by hand on small data; ``load``
reads the live records of some villages. Money stays in integer fen; shares are fractions 0..1.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from sync.server.store import Store, chunks
from sync.server.tables import records

DEFAULT_THRESHOLD_FEN = 600_000
"""Per-capita yearly income below which a household counts as low income (6,000 yuan), overridable."""
AGE_BANDS = ((0, 14, "0-14"), (15, 59, "15-59"), (60, 200, "60+"))
INSURED = ("resident", "employee")
PENSION_AGE = 16


def _age(birth: str | None, today: date) -> int | None:
    try:
        born = date.fromisoformat(birth or "")
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def gini(values: list[tuple[float, int]]) -> float | None:
    """Gini coefficient of (per-capita income, persons) pairs, weighted by persons."""
    pairs = sorted((v, w) for v, w in values if w > 0)
    total_w = sum(w for _, w in pairs)
    total = sum(v * w for v, w in pairs)
    if total_w == 0 or total <= 0:
        return None
    cum_w = cum = 0.0
    area = 0.0  # area under the Lorenz curve
    for v, w in pairs:
        prev = cum
        cum_w += w
        cum += v * w
        area += (w / total_w) * (prev + cum) / (2 * total)
    return round(1 - 2 * area, 4)


def quintile_ratio(values: list[tuple[float, int]]) -> float | None:
    """Mean per-capita income of the richest fifth of persons over that of the poorest fifth."""
    people = [v for v, w in sorted(values) for _ in range(w)]
    if len(people) < 5:
        return None
    fifth = len(people) // 5
    low = sum(people[:fifth]) / fifth
    high = sum(people[-fifth:]) / fifth
    return round(high / low, 2) if low > 0 else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def compute(
    households: Iterable[Mapping[str, Any]],
    persons: Iterable[Mapping[str, Any]],
    incomes: Iterable[Mapping[str, Any]],
    services: Iterable[Mapping[str, Any]],
    *,
    year: int,
    today: date,
    threshold_fen: int = DEFAULT_THRESHOLD_FEN,
) -> dict[str, Any]:
    """Indicators over live records (each a dict of form fields plus ``id``)."""
    active = {h["id"]: h for h in households if h.get("status") == "active"}
    present = [p for p in persons if p.get("status") == "present"]
    by_sex = Counter(p.get("sex") for p in present)
    by_age: Counter[str] = Counter()
    for p in present:
        age = _age(p.get("birth_date"), today)
        band = next((label for lo, hi, label in AGE_BANDS if age is not None and lo <= age <= hi), "unknown")
        by_age[band] += 1
    members: Counter[str] = Counter(
        str(p["household_id"]) for p in present if p.get("household_id") in active
    )

    income_of: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for row in incomes:
        if (
            row.get("year") == year
            and row.get("household_id") in active
            and isinstance(row.get("amount_fen"), int)
        ):
            income_of[row["household_id"]] += row["amount_fen"]
            sources[row.get("source") or "unknown"] += row["amount_fen"]
    per_capita = [(income_of[h] / n, n) for h, n in members.items() if n]
    people = sum(n for _, n in per_capita)
    total_income = sum(income_of[h] for h in members)
    below = sum(n for v, n in per_capita if v < threshold_fen)

    served: set[str] = set()
    service_types: Counter[str] = Counter()
    for row in services:
        if str(row.get("date") or "")[:4] != str(year):
            continue
        service_types[row.get("type") or "other"] += 1
        if row.get("person_id"):
            served.add(row["person_id"])
        elif row.get("household_id"):
            served.update(p["id"] for p in present if p.get("household_id") == row["household_id"])
    adults = [p for p in present if (_age(p.get("birth_date"), today) or 0) >= PENSION_AGE]
    return {
        "year": year,
        "population": {"total": len(present), "by_sex": dict(by_sex), "by_age": dict(by_age)},
        "households": {
            "total": len(active),
            "by_category": dict(Counter(h.get("category") for h in active.values())),
        },
        "income": {
            "per_capita_fen": round(total_income / people) if people else None,
            "by_source_fen": dict(sources),
            "threshold_fen": threshold_fen,
            "share_below_threshold": _share(below, people),
            "quintile_ratio": quintile_ratio(per_capita),
            "gini": gini(per_capita),
        },
        "coverage": {
            "medical_insurance": _share(
                sum(p.get("medical_insurance") in INSURED for p in present), len(present)
            ),
            "pension_insurance": _share(
                sum(p.get("pension_insurance") in INSURED for p in adults), len(adults)
            ),
            "any_service": _share(len(served & {p["id"] for p in present}), len(present)),
            "services_by_type": dict(service_types),
        },
    }


def load(store: Store, county_code: str, village_codes: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Live records of these villages, by entity, each with its ``id`` and ``village_code``."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rc = records.c
    with store.read() as conn:
        for part in chunks(village_codes):
            rows = conn.execute(
                select(rc.entity, rc.id, rc.village_code, rc.data).where(
                    rc.county_code == county_code, rc.village_code.in_(part), rc.deleted.is_(False)
                )
            )
            for entity, record_id, village, data in rows:
                out[entity].append({**json.loads(data), "id": record_id, "village_code": village})
    return out


def for_villages(
    store: Store, county_code: str, village_codes: list[str], *, year: int, today: date, threshold_fen: int
) -> dict[str, Any]:
    data = load(store, county_code, village_codes)
    result = compute(
        data["household"], data["person"], data["income"], data["service"],
        year=year, today=today, threshold_fen=threshold_fen,
    )  # fmt: skip
    result["villages"] = village_codes
    return result
