"""How form fields and cross-field rules are checked: messages, per-type checks and rule kinds.

Split out of :mod:`sync.schema`, which loads the forms and calls these. Everything here is compiled once
per field at load, so validating a record does no JSON or pattern work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sync.messages import Both, pair, text
from sync.money import yuan
from sync.protocol import Problem
from sync.resident_id import InvalidResidentId, resident_id_error
from sync.textsafety import HIDDEN, HIDDEN_MULTILINE

if TYPE_CHECKING:
    from sync.form_defs import FieldDef, FormDef, Lookup

# Exactly the strings sync.ids.is_uuid accepts (canonical lower-case form), without building a UUID.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VILLAGE_CODE = re.compile(r"[0-9]{12}")

# A field check takes (value, today) for a non-None value and returns a problem or None.
Check = Callable[[Any, date], "Problem | None"]


class FormError(ValueError):
    """A form definition file that is malformed (a bug in ``resources/forms``, not user input)."""


# Messages. Only labels and limits from the form go into them, never the value.


def _messages(f: FieldDef) -> dict[str, Both]:
    """Each problem code of a field and its (zh_CN, en) message, from :mod:`sync.messages` (``form.*``)."""
    label = Both(f.label_zh, f.label_en)
    m = {
        "required": pair("form.required_choice" if f.type == "choice" else "form.required", label=label),
        "not_text": pair("form.not_text", label=label),
        "too_long": pair("form.too_long", label=label, max=f.max_length),
        "too_short": pair("form.too_short", label=label, min=f.min_length),
        "control_chars": pair("form.control_chars", label=label),
        "pattern": (
            pair("form.pattern_hint", label=label, hint=Both(f.hint_zh or "", f.hint_en or ""))
            if f.hint_zh or f.hint_en
            else pair("form.pattern", label=label)
        ),
        "not_int": pair("form.not_int", label=label),
        "not_date": pair("form.not_date", label=label),
        "future": pair("form.future", label=label),
        "choice": pair("form.choice", label=label),
        "ref": pair("form.ref", label=label),
        "phone": pair("form.phone", label=label),
        "after_current_year": pair("form.after_current_year", label=label),
    }
    if f.type == "money":
        # Stored in fen, typed in yuan: a value that is not whole fen had more than two decimals.
        m["not_int"] = pair("form.money_decimals", label=label)
        if isinstance(f.min, int):
            m["too_small"] = pair("form.money_too_small", label=label, min=_yuan(f.min))
        if isinstance(f.max, int):
            m["too_large"] = pair("form.money_too_large", label=label, max=_yuan(f.max))
    elif f.type == "date":
        m["too_small"] = pair("form.date_too_small", label=label, min=f.min)
        m["too_large"] = pair("form.date_too_large", label=label, max=f.max)
    else:
        m["too_small"] = pair("form.too_small", label=label, min=f.min)
        m["too_large"] = pair("form.too_large", label=label, max=f.max)
    if f.constraint_message is not None:  # the form's own words (a workbook's constraint_message)
        for code in _CONSTRAINT_CODES:
            m[code] = Both(*f.constraint_message)
    if f.required_message is not None:
        m["required"] = Both(*f.required_message)
    return m


_CONSTRAINT_CODES = (
    "too_small",
    "too_large",
    "too_long",
    "too_short",
    "pattern",
    "future",
    "after_current_year",
)
"""What a field's constraint says (limits, lengths, pattern, not after today); not its type."""


def _joined(fields: Sequence[FieldDef], joiner: str) -> Both:
    """The fields' labels in both languages, joined by the message ``joiner`` ("或" / " or ")."""
    return Both(
        text(joiner, "zh_CN").join(f.label_zh for f in fields),
        text(joiner, "en").join(f.label_en for f in fields),
    )


def _yuan(fen: int) -> str:
    # Sign first, then yuan and fen (floor division would write -150 fen as -2.50).
    return yuan(fen, grouping=False, places=2 if fen % 100 else 0)


def field_problem(f: FieldDef, code: str) -> Problem:
    zh, en = _messages(f)[code]
    return Problem(f.name, code, zh, en)


def check_meta(name: str, value: Any) -> Problem | None:
    """Problem with one of the keys every record carries besides its form fields, or None."""
    if value is None:
        return None
    if name == "id" and (type(value) is not str or not UUID.fullmatch(value)):
        return Problem("id", "bad_id", *pair("form.bad_id"))
    if name == "village_code" and (not isinstance(value, str) or not _VILLAGE_CODE.fullmatch(value)):
        return Problem("village_code", "bad_village_code", *pair("form.bad_village_code"))
    return None


# --------------------------------------------------------------------------------------------------
# Field checks, compiled once per field: patterns and messages are built at load, not per record.


def compile_field(f: FieldDef) -> Check:
    msgs = _messages(f)
    name = f.name

    def fail(code: str) -> Problem:
        zh, en = msgs[code]
        return Problem(name, code, zh, en)

    if f.type == "text":
        max_length, min_length = f.max_length, f.min_length
        control = HIDDEN_MULTILINE if f.multiline else HIDDEN
        pattern = re.compile(f.pattern) if f.pattern else None

        def check_text(v: Any, today: date) -> Problem | None:
            if type(v) is not str:
                return fail("not_text")
            if max_length is not None and len(v) > max_length:
                return fail("too_long")
            if min_length is not None and len(v) < min_length:
                return fail("too_short")
            if control.search(v):
                return fail("control_chars")
            if pattern is not None and not pattern.fullmatch(v):
                return fail("pattern")
            return None

        return check_text

    if f.type in ("int", "money"):
        lo = f.min if isinstance(f.min, int) else None
        hi = f.max if isinstance(f.max, int) and not f.max_current_year else None
        current_year = f.max_current_year

        def check_int(v: Any, today: date) -> Problem | None:
            if type(v) is not int:  # bool and float are not accepted
                return fail("not_int")
            if lo is not None and v < lo:
                return fail("too_small")
            if current_year and v > today.year:
                return fail("after_current_year")
            if hi is not None and v > hi:
                return fail("too_large")
            return None

        return check_int

    if f.type == "date":
        earliest = f.min if isinstance(f.min, str) else None
        latest = f.max if isinstance(f.max, str) else None
        not_future = f.not_future

        def check_date(v: Any, today: date) -> Problem | None:
            if type(v) is not str or not ISO_DATE.fullmatch(v):
                return fail("not_date")
            try:
                value = date.fromisoformat(v)
            except ValueError:
                return fail("not_date")
            # ISO dates of the same shape compare correctly as strings.
            if earliest is not None and v < earliest:
                return fail("too_small")
            if latest is not None and v > latest:
                return fail("too_large")
            if not_future and value > today:
                return fail("future")
            return None

        return check_date

    if f.type == "choice":
        values = frozenset(c.value for c in f.choices)

        def check_choice(v: Any, today: date) -> Problem | None:
            return None if type(v) is str and v in values else fail("choice")

        return check_choice

    if f.type == "ref":
        return lambda v, today: None if type(v) is str and UUID.fullmatch(v) else fail("ref")

    if f.type == "phone":
        return lambda v, today: None if type(v) is str and PHONE.fullmatch(v) else fail("phone")

    if f.type == "resident_id":

        def check_resident_id(v: Any, today: date) -> Problem | None:
            code = resident_id_error(v, today)
            if code is None:
                return None
            zh, en = InvalidResidentId.messages(code)
            return Problem(name, f"resident_id_{code}", zh, en)

        return check_resident_id

    raise FormError(f"unknown field type {f.type!r}")


# --------------------------------------------------------------------------------------------------
# Cross-field rules, by kind. Each gets the form, the rule's JSON, the record, the names of fields that
# already failed (not checked again), the lookup and today.


def _rule_one_of_required(
    form: FormDef,
    rule: Mapping[str, Any],
    record: Mapping[str, Any],
    bad: set[str],
    lookup: Lookup | None,
    today: date,
) -> list[Problem]:
    names = rule["fields"]
    if any(record.get(n) is not None for n in names):
        return []
    fields = [form.field(n) for n in names]
    labels = _joined(fields, "form.or")
    return [Problem(names[0], "one_of_required", *pair("form.one_of_required", labels=labels))]


def _rule_unique(
    form: FormDef,
    rule: Mapping[str, Any],
    record: Mapping[str, Any],
    bad: set[str],
    lookup: Lookup | None,
    today: date,
) -> list[Problem]:
    if lookup is None or record.get("deleted"):
        return []
    names = rule["fields"]
    when = rule.get("when", {})
    if any(record.get(k) != v for k, v in when.items()):
        return []
    if any(record.get(n) is None or n in bad for n in names):
        return []
    where = {n: record[n] for n in names} | when
    if lookup.count(form.entity, where, record.get("id")) == 0:
        return []
    message = rule.get("message")
    if message:
        zh, en = message["zh_CN"], message["en"]
    else:
        zh, en = pair("form.duplicate", labels=_joined([form.field(n) for n in names], "form.and"))
    return [Problem(rule.get("field", names[0]), rule.get("code", "duplicate"), zh, en)]


def _rule_resident_id_matches(
    form: FormDef,
    rule: Mapping[str, Any],
    record: Mapping[str, Any],
    bad: set[str],
    lookup: Lookup | None,
    today: date,
) -> list[Problem]:
    id_field, birth_field, sex_field = rule["id_field"], rule["birth_date"], rule["sex"]
    number = record.get(id_field)
    if number is None or id_field in bad:
        return []
    # The number passed its own check, so its parts can be read directly.
    id_birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    id_sex = "male" if int(number[16]) % 2 else "female"
    problems = []
    birth = record.get(birth_field)
    if birth is not None and birth_field not in bad and birth != id_birth:
        problems.append(Problem(birth_field, "birth_date_mismatch", *pair("form.birth_date_mismatch")))
    sex = record.get(sex_field)
    if sex is not None and sex_field not in bad and sex != id_sex:
        problems.append(Problem(sex_field, "sex_mismatch", *pair("form.sex_mismatch")))
    return problems


def _rule_min_when(
    form: FormDef,
    rule: Mapping[str, Any],
    record: Mapping[str, Any],
    bad: set[str],
    lookup: Lookup | None,
    today: date,
) -> list[Problem]:
    """A lower limit that holds only when other fields have the given values (income: wages cannot
    be negative, net business, property and transfer income can)."""
    name = rule["field"]
    value = record.get(name)
    if value is None or name in bad or type(value) is not int:
        return []
    if any(record.get(k) != v for k, v in rule["when"].items()):
        return []
    if value >= rule["min"]:
        return []
    message = rule["message"]
    return [Problem(name, rule.get("code", "too_small"), message["zh_CN"], message["en"])]


RULES: dict[str, Callable[..., list[Problem]]] = {
    "min_when": _rule_min_when,
    "one_of_required": _rule_one_of_required,
    "unique": _rule_unique,
    "resident_id_matches": _rule_resident_id_matches,
}

RuleCheck = Callable[[Mapping[str, Any], set[str], "Lookup | None", date], "Sequence[Problem]"]
"""A rule compiled for one form: ``check(record, bad, lookup, today)`` -> its problems."""


def compile_rule(form: FormDef, rule: Mapping[str, Any]) -> RuleCheck:
    """One rule of ``form``, with what it reads from its JSON looked up once. A ``unique`` rule is
    checked for every record the server is sent, so it gets its own closure; the others call the
    rule functions above."""
    if rule["rule"] != "unique":
        kind = RULES[rule["rule"]]
        return lambda record, bad, lookup, today: kind(form, rule, record, bad, lookup, today)
    entity = form.entity
    names = tuple(rule["fields"])
    when = tuple(rule.get("when", {}).items())
    problem: list[Problem] | None = None

    def check_unique(
        record: Mapping[str, Any], bad: set[str], lookup: Lookup | None, today: date
    ) -> Sequence[Problem]:
        nonlocal problem
        if lookup is None or record.get("deleted"):
            return ()
        for name, value in when:
            if record.get(name) != value:
                return ()
        where = {}
        for name in names:
            value = record.get(name)
            if value is None or name in bad:
                return ()
            where[name] = value
        for name, value in when:
            where[name] = value
        if lookup.count(entity, where, record.get("id")) == 0:
            return ()
        if problem is None:  # the message, built as the rule function builds it
            problem = _rule_unique(form, rule, dict(where), set(), _Always(), today)
        return [Problem(p.field, p.code, p.zh, p.en) for p in problem]

    return check_unique


class _Always:
    """A lookup that finds a duplicate of anything: lets ``_rule_unique`` build its message."""

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int:
        return 1
