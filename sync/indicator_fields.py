"""Fields the county's forms mark for the indicators (issue 17): ``"indicator": "count"`` on a
select_one field, ``"indicator": "sum"`` on an integer or money field, of the household or person
form (the workbook's ``indicator`` column).

Why a mark and not every new field: the county decides what its report shows. The person form
already has seven choice fields (ethnicity, education, health...) that would each add a block of
figures nobody asked for, and a number such as a house number must not be summed. A mark is one
cell in the workbook, is checked at ``forms check`` (:func:`problems`), and a laptop with an older
app ignores it. Removed (hidden) fields are not counted: the county no longer collects them.

Over the same records as the other figures: households with status ``active``, persons with status
``present``. For each marked field, JSON-ready, with its labels (a desk holding older forms still
shows them):

- ``count``: ``by_choice`` (the list's choices in order, then any other value found, under itself),
  ``unanswered``; ``by_choice`` + ``unanswered`` == ``records``. ``left_out.records``: live records
  outside those (moved out, deceased...) that hold an answer.
- ``sum``: ``sum`` and ``mean`` over the ``answered`` records (money in whole fen, halves away from
  zero; an integer's mean to 2 decimals), ``unanswered``; ``left_out`` counts and sums the values of
  the other live records, so ``sum`` + ``left_out.sum`` is every value of every live record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Protocol

from sync.form_defs import FieldDef, FormDef
from sync.rounding import half_away


class Forms(Protocol):
    """What is read of ``sync.schema.Forms`` here (which imports this module to check the marks)."""

    def __contains__(self, entity: object) -> bool: ...
    def __getitem__(self, entity: str) -> FormDef: ...


KINDS = {"count": ("choice",), "sum": ("int", "money")}
ENTITIES = ("household", "person")
Record = Mapping[str, Any]


def problems(entity: str, f: FieldDef) -> list[str]:
    """What is wrong with a field's mark, in plain words (empty: none or a usable one)."""
    if f.indicator is None:
        return []
    if f.indicator not in KINDS:
        return [f"{entity}.{f.name}: indicator is count or sum (or none)"]
    if entity not in ENTITIES:
        return [f"{entity}.{f.name}: the indicators count only household and person fields"]
    if f.type not in KINDS[f.indicator]:
        what = "a select_one field" if f.indicator == "count" else "an integer or money field"
        return [f"{entity}.{f.name}: indicator {f.indicator} is for {what}"]
    return []


def _labels(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en}


def _one(entity: str, f: FieldDef, counted: list[Record], others: list[Record]) -> dict[str, Any]:
    values = [r.get(f.name) for r in counted]
    base = {"entity": entity, "field": f.name, "label": _labels(f.label_zh, f.label_en), "kind": f.indicator,
            "records": len(counted), "unanswered": sum(v is None or v == "" for v in values)}  # fmt: skip
    if f.indicator == "count":
        found = Counter(str(v) for v in values if v is not None and v != "")
        order = [c.value for c in f.choices]
        by_choice = {c: found.get(c, 0) for c in order} | {
            v: found[v] for v in sorted(set(found) - set(order))
        }
        answered_elsewhere = sum(1 for r in others if r.get(f.name) not in (None, ""))
        return {**base, "by_choice": by_choice, "left_out": {"records": answered_elsewhere},
                "choice_labels": {c.value: _labels(c.zh, c.en) for c in f.choices}}  # fmt: skip
    numbers = [v for v in values if type(v) is int]
    total = sum(numbers)
    mean = Fraction(total, len(numbers)) if numbers else None
    shown: int | float | None
    if mean is None:
        shown = None
    elif f.type == "money":
        shown = int(half_away(mean))
    else:
        shown = float(half_away(mean, 2))
    elsewhere = [r[f.name] for r in others if type(r.get(f.name)) is int]
    return {**base, "type": f.type, "answered": len(numbers), "unanswered": len(values) - len(numbers),
            "sum": total, "mean": shown,
            "left_out": {"records": len(elsewhere), "sum": sum(elsewhere)}}  # fmt: skip


def form_fields(
    forms: Forms, households: Iterable[Record], persons: Iterable[Record]
) -> list[dict[str, Any]]:
    """The marked fields' figures, in form order (household first). See the module docstring."""
    rows = {"household": list(households), "person": list(persons)}
    live = {"household": "active", "person": "present"}
    out: list[dict[str, Any]] = []
    for entity in ENTITIES:
        if entity not in forms:
            continue
        marked = [f for f in forms[entity].fields if f.indicator in KINDS and not f.hidden]
        if not marked:
            continue
        counted = [r for r in rows[entity] if r.get("status") == live[entity]]
        others = [r for r in rows[entity] if r.get("status") != live[entity]]
        out += [_one(entity, f, counted, others) for f in marked if not problems(entity, f)]
    return out
