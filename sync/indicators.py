"""Village indicators, the county's "real map" of common prosperity: one definition for laptop and server.

:func:`compute` is pure (live records in, a JSON-ready dict out), so the laptop (from its encrypted
store) and the county server (from its database) give identical figures for the same records, and
every figure can be checked by hand on a small dataset. Arithmetic is exact (integers and
``Fraction``), and each figure is rounded once, halves away from zero, to the places it is shown with
(:mod:`sync.rounding`): money in whole fen, shares as fractions 0..1 to 3 decimals (0.1 %), the Gini
coefficient to 4 decimals, ratios to 2.

**Reference period.** Income and services are the records of ``year``. Everything taken from the
register (who is present, ages, pension eligibility, household size and category) is the register on
``today``, the date of the figures: the register keeps no history of moves, births and deaths by date,
so the year's usual residents cannot be rebuilt, and the page and the report say "as of" that date.

Definitions (``year`` = the income and service year; ``today`` = the date of the register):

- **Persons counted**: live person records with status ``present``. **Age** in whole years at
  ``today`` from the birth date; a person without a valid birth date has an unknown age.
- **Population by sex and five-year age group**: persons counted, by ``sex`` and by the groups
  0-4, 5-9, ... 80-84, 85+ (and ``unknown``).
- **Households by category**: live households with status ``active``, by ``category``.
- **Per-capita disposable income of a household**: the sum of its income records of ``year`` (all
  sources; a net amount may be zero or negative) divided by its members (persons counted whose
  household it is). Only active households with at least one member and at least one income record
  of ``year`` take part ("households with income"); the others are counted in data quality.
- **Coverage of the income figures**: households with income / active households, with ``low`` set
  below :data:`LOW_COVERAGE` (80 %): the distribution is read by fifths, and under 80 % the missing
  households could make up a whole fifth of the village, so the figures cannot stand for it.
- **Every income record of ``year`` accounted for**: each live income record of ``year`` is either in
  the figures or counted, with its amount, under one reason in ``quality.income_left_out``:
  ``no_present_member`` (active household, nobody present), ``household_moved_out``,
  ``household_dissolved``, ``household_not_active`` (another status), ``household_deleted`` (the
  household is deleted or not on record), ``amount_missing`` (no amount). In figures + left out ==
  every record of the year, in records and in fen (``income.records``).
- **Distribution** (over persons: every member carries the per-capita income of the household):
  *mean* = total income / members; *median* = the middle person's value (the mean of the two middle
  ones for an even count); *quintiles* = the persons in ascending order split into five groups of
  exactly one fifth each (a household on a boundary is split by fraction of a person), each group's
  mean; *top/bottom quintile ratio* = highest group mean / lowest group mean (none when the lowest
  is zero or negative, or under 5 persons); *Gini* = sum over all pairs of persons of |x_i - x_j|
  divided by 2 * N^2 * mean (none when the mean is zero or negative; with negative incomes it may
  exceed 1).
- **Income by source**: totals of ``year`` of the households with income, by ``source``, with each
  source's share of the total and per member.
- **Under the line** (``line_fen`` per person per year, default 6,000 yuan): households with income
  whose per-capita income is below it, as a share of households with income, and their members as a
  share of the members of households with income.
- **Insurance coverage by the age rules**: medical insurance over all persons counted; pension
  insurance over persons counted aged 16 or older (the age of joining the resident pension scheme).
  Insured = ``resident`` or ``employee``; an empty answer counts as not insured and is also reported
  as ``unknown``.
- **Services by type and month**: service records dated in ``year``, counted by ``type`` and by
  calendar month, with their amounts by type.
- **Fields the county's forms mark** (``form_fields``): a select_one counted per choice, a number
  or money field summed and averaged, over active households and persons present, every value of a
  live record accounted for (:mod:`sync.indicator_fields`).
- **Data quality**: live records with at least one required field empty (per form); persons with no
  valid birth date; active households with members but no income record of ``year``; and, given by
  the end that knows them, records never synced (laptop: made here and never acknowledged; server:
  ``None``) and open conflicts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from sync.indicator_fields import form_fields
from sync.rounding import half_away
from sync.schema import Forms, load_forms

LOW_COVERAGE = Fraction(4, 5)
"""Below this share of active households with income, the income figures are marked as not the village's."""
LEFT_OUT = (
    "no_present_member", "household_moved_out", "household_dissolved", "household_not_active",
    "household_deleted", "amount_missing",
)  # fmt: skip
"""Why an income record of the year is not in the figures, in the order shown."""
SHARE_PLACES = 3
"""Shares are shown as per cent with one decimal: 3 decimals of the fraction."""
DEFAULT_LINE_FEN = 600_000
"""Per-capita yearly income below which a household counts as under the line (6,000 yuan)."""
PENSION_AGE = 16
INSURED = ("resident", "employee")
AGE_GROUPS: tuple[str, ...] = (*(f"{a}-{a + 4}" for a in range(0, 85, 5)), "85+")
SEXES = ("male", "female")
SOURCES = ("wages", "business", "property", "transfers")
MONTHS = tuple(f"{m:02d}" for m in range(1, 13))
ENTITIES = ("household", "person", "income", "service")

Record = Mapping[str, Any]


def age_on(birth: Any, today: date) -> int | None:
    """Whole years from an ISO birth date to ``today``; ``None`` if not a valid date or in the future."""
    try:
        born = date.fromisoformat(str(birth or ""))
    except ValueError:
        return None
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return years if years >= 0 else None


def age_group(age: int | None) -> str:
    if age is None:
        return "unknown"
    return AGE_GROUPS[min(age // 5, len(AGE_GROUPS) - 1)]


def fen(value: Fraction | int) -> int:
    """Nearest whole fen, halves away from zero."""
    return int(half_away(Fraction(value)))


def rounded(value: Fraction | int, places: int) -> float:
    """``value`` to ``places`` decimals, halves away from zero, computed exactly (no binary surprises).
    The float is the nearest one to that decimal, so it prints as the decimal (``0.225``)."""
    return float(half_away(Fraction(value), places))


def share(part: Fraction | int, whole: Fraction | int) -> float | None:
    """``part / whole`` to :data:`SHARE_PLACES` decimals from the exact fraction; ``None`` if no whole."""
    return rounded(Fraction(part) / Fraction(whole), SHARE_PLACES) if whole else None


# --------------------------------------------------------------------------------------------------
# Distribution over persons: (per-capita value, persons) pairs


Pairs = list[tuple[Fraction, int]]


def mean(pairs: Pairs) -> Fraction | None:
    people = sum(w for _, w in pairs)
    return sum((v * w for v, w in pairs), Fraction(0)) / people if people else None


def median(pairs: Pairs) -> Fraction | None:
    """The middle person's value; the mean of the two middle persons for an even count."""
    ordered = sorted(pairs)
    people = sum(w for _, w in ordered)
    if not people:
        return None

    def nth(k: int) -> Fraction:  # k-th person (0-based) in ascending order
        seen = 0
        for v, w in ordered:
            seen += w
            if k < seen:
                return v
        raise IndexError(k)

    if people % 2:
        return nth(people // 2)
    return (nth(people // 2 - 1) + nth(people // 2)) / 2


def quintile_means(pairs: Pairs) -> list[Fraction] | None:
    """Mean of each fifth of the persons in ascending order (a household on a boundary is split)."""
    ordered = sorted((v, w) for v, w in pairs if w > 0)
    people = sum(w for _, w in ordered)
    if people < 5:
        return None
    size = Fraction(people, 5)
    sums = [Fraction(0)] * 5
    start = Fraction(0)  # persons before this household
    for v, w in ordered:
        end = start + w
        for g in range(5):
            lo, hi = size * g, size * (g + 1)
            overlap = min(end, hi) - max(start, lo)
            if overlap > 0:
                sums[g] += v * overlap
        start = end
    return [s / size for s in sums]


def gini(pairs: Pairs) -> Fraction | None:
    """Sum over all ordered pairs of persons of |x_i - x_j|, over 2 N^2 mean; ``None`` if mean <= 0."""
    ordered = sorted((v, w) for v, w in pairs if w > 0)
    people = sum(w for _, w in ordered)
    total = sum((v * w for v, w in ordered), Fraction(0))
    if not people or total <= 0:
        return None
    below_w, below_sum, pair_sum = 0, Fraction(0), Fraction(0)
    for v, w in ordered:  # each unordered pair once: later value minus earlier value
        pair_sum += w * (v * below_w - below_sum)
        below_w += w
        below_sum += v * w
    # sum over ordered pairs = 2 * pair_sum; 2 N^2 mean = 2 N total
    return pair_sum / (people * total)


# --------------------------------------------------------------------------------------------------
# The whole set


def _required_missing(forms: Forms, entity: str, rows: Iterable[Record]) -> int:
    required = [f.name for f in forms[entity].fields if f.required]
    return sum(1 for r in rows if any(r.get(n) in (None, "") for n in required))


def _left_out_reason(
    household: str, amount: int | None, status_of: Mapping[str, str], members: Mapping[str, int]
) -> str | None:
    """Why an income record of the year is not in the figures (see :data:`LEFT_OUT`); None if it is."""
    if amount is None:
        return "amount_missing"
    status = status_of.get(household)
    if status is None:
        return "household_deleted"
    if status != "active":
        return f"household_{status}" if f"household_{status}" in LEFT_OUT else "household_not_active"
    return None if members.get(household) else "no_present_member"


def compute(
    households: Iterable[Record],
    persons: Iterable[Record],
    incomes: Iterable[Record],
    services: Iterable[Record],
    *,
    year: int,
    today: date,
    line_fen: int = DEFAULT_LINE_FEN,
    forms: Forms | None = None,
    never_synced: int | None = None,
    open_conflicts: int | None = None,
) -> dict[str, Any]:
    """Indicators over live records (form fields plus ``id``). See the module docstring."""
    households, persons, incomes, services = (list(x) for x in (households, persons, incomes, services))
    forms = forms or load_forms()
    present = [p for p in persons if p.get("status") == "present"]
    active = {h["id"]: h for h in households if h.get("status") == "active"}

    # Population
    pyramid: dict[str, dict[str, int]] = {g: {s: 0 for s in SEXES} for g in (*AGE_GROUPS, "unknown")}
    by_sex: Counter[str] = Counter()
    unknown_age = 0
    for p in present:
        sex = p.get("sex") or "unknown"
        age = age_on(p.get("birth_date"), today)
        unknown_age += age is None
        by_sex[sex] += 1
        group = pyramid[age_group(age)]
        group[sex] = group.get(sex, 0) + 1
    if not any(pyramid["unknown"].values()):
        del pyramid["unknown"]

    # Income
    members: Counter[str] = Counter(
        str(p["household_id"]) for p in present if p.get("household_id") in active
    )
    totals: dict[str, int] = {}
    by_source_all: dict[str, Counter[str]] = defaultdict(Counter)
    status_of = {str(h["id"]): str(h.get("status") or "") for h in households}
    left_out = {reason: {"records": 0, "amount_fen": 0} for reason in LEFT_OUT}
    of_year = {"records": 0, "amount_fen": 0}
    for row in incomes:
        if row.get("year") != year:
            continue
        h = str(row.get("household_id") or "")
        amount = row.get("amount_fen")
        whole = amount if type(amount) is int else 0
        of_year["records"] += 1
        of_year["amount_fen"] += whole
        reason = _left_out_reason(h, whole if type(amount) is int else None, status_of, members)
        if reason is not None:
            left_out[reason]["records"] += 1
            left_out[reason]["amount_fen"] += whole
            continue
        totals[h] = totals.get(h, 0) + whole
        by_source_all[h][str(row.get("source") or "unknown")] += whole
    pairs: Pairs = [(Fraction(totals[h], members[h]), members[h]) for h in totals]
    people = sum(members[h] for h in totals)
    grand = sum(totals.values())
    sources: Counter[str] = Counter()
    for h in totals:
        sources.update(by_source_all[h])
    under = [h for h in totals if Fraction(totals[h], members[h]) < line_fen]
    under_people = sum(members[h] for h in under)
    avg, mid, quint, g = mean(pairs), median(pairs), quintile_means(pairs), gini(pairs)
    ratio = None
    if quint is not None and quint[0] > 0:
        ratio = rounded(quint[4] / quint[0], 2)

    # Coverage
    adults = [p for p in present if (age_on(p.get("birth_date"), today) or -1) >= PENSION_AGE]

    def coverage(group: list[Record], name: str) -> dict[str, Any]:
        insured = sum(p.get(name) in INSURED for p in group)
        return {
            "insured": insured,
            "eligible": len(group),
            "unknown": sum(not p.get(name) for p in group),
            "share": share(insured, len(group)),
        }

    # Services
    by_type: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    by_type_month: dict[str, Counter[str]] = defaultdict(Counter)
    amount_by_type: Counter[str] = Counter()
    for row in services:
        day = str(row.get("date") or "")
        if day[:4] != str(year) or day[5:7] not in MONTHS:
            continue
        kind = str(row.get("type") or "other")
        by_type[kind] += 1
        by_month[day[5:7]] += 1
        by_type_month[kind][day[5:7]] += 1
        if type(row.get("amount_fen")) is int:
            amount_by_type[kind] += row["amount_fen"]

    entity_rows = {"household": households, "person": persons, "income": incomes, "service": services}
    return {
        "year": year,
        "date": today.isoformat(),
        "population": {
            "total": len(present),
            "by_sex": dict(sorted(by_sex.items())),
            "pyramid": pyramid,
        },
        "households": {
            "total": len(active),
            "by_category": dict(sorted(Counter(str(h.get("category")) for h in active.values()).items())),
        },
        "income": {
            "households": len(totals),
            "persons": people,
            "total_fen": grand,
            "coverage": {
                "households": len(totals),
                "active_households": len(active),
                "share": share(len(totals), len(active)),
                "low": bool(active) and Fraction(len(totals), len(active)) < LOW_COVERAGE,
            },
            "records": {
                "of_year": of_year["records"],
                "of_year_fen": of_year["amount_fen"],
                "in_figures": of_year["records"] - sum(v["records"] for v in left_out.values()),
                "in_figures_fen": grand,
            },
            "mean_fen": None if avg is None else fen(avg),
            "median_fen": None if mid is None else fen(mid),
            "quintile_means_fen": None if quint is None else [fen(q) for q in quint],
            "quintile_ratio": ratio,
            "gini": None if g is None else rounded(g, 4),
            "by_source_fen": {s: sources.get(s, 0) for s in (*SOURCES, *sorted(set(sources) - set(SOURCES)))},
            "by_source_share": {s: share(v, grand) for s, v in sorted(sources.items()) if grand > 0},
            "by_source_per_capita_fen": {s: fen(Fraction(v, people)) for s, v in sorted(sources.items())}
            if people
            else {},
            "line_fen": line_fen,
            "under_line_households": len(under),
            "under_line_persons": under_people,
            "under_line_household_share": share(len(under), len(totals)),
            "under_line_person_share": share(under_people, people),
        },
        "coverage": {
            "medical": coverage(present, "medical_insurance"),
            "pension": coverage(adults, "pension_insurance"),
            "pension_age": PENSION_AGE,
        },
        "services": {
            "total": sum(by_type.values()),
            "by_type": dict(sorted(by_type.items())),
            "by_month": {m: by_month.get(m, 0) for m in MONTHS},
            "by_type_month": {k: {m: v.get(m, 0) for m in MONTHS} for k, v in sorted(by_type_month.items())},
            "amount_by_type_fen": {k: amount_by_type.get(k, 0) for k in sorted(by_type)},
        },
        "form_fields": form_fields(forms, households, persons),
        "quality": {
            "required_missing": {e: _required_missing(forms, e, entity_rows[e]) for e in ENTITIES},
            "unknown_age": unknown_age,
            "households_without_income": sum(1 for h in members if h not in totals),
            "income_left_out": left_out,
            "never_synced": never_synced,
            "open_conflicts": open_conflicts,
        },
    }
