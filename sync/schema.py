"""Form definitions (``resources/forms/*.json``) and the validation both ends share.

The JSON declares the fields (type, labels, choices, limits) and which cross-field rules apply; this
module interprets them. The app builds its forms from the same definitions the server validates with,
so a bad record gets the same message in the village and at the county.

Values after :meth:`Forms.normalize`: text/phone/date/choice/ref/resident_id are ``str``, int and money
are ``int`` (never ``float`` or ``bool``; money is whole fen), an empty optional field is ``None``.

Every problem is reported (not only the first), as :class:`sync.protocol.Problem` in Chinese and
English. Messages never contain the value: names, resident IDs and phones must not reach a log.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sync.form_defs import Choice, FieldDef, FormDef, Lookup
from sync.form_rules import (
    ISO_DATE,
    Check,
    FormError,
    RuleCheck,
    check_meta,
    compile_field,
    compile_rule,
    field_problem,
)
from sync.indicator_fields import problems as indicator_problems
from sync.messages import pair
from sync.parse import parse_date
from sync.protocol import ENTITIES, META_FIELDS, Problem
from sync.resident_id import (
    InvalidResidentId,
    normalize_resident_id,
    parse_resident_id,
)
from sync.resources import resources_dir
from sync.textsafety import HIDDEN, HIDDEN_MULTILINE

__all__ = [
    "FIELD_TYPES",
    "Forms",
    "derive_from_resident_id",
    "load_forms",
]

FIELD_TYPES = frozenset({"text", "int", "money", "date", "choice", "ref", "phone", "resident_id"})
RULE_KINDS = frozenset({"one_of_required", "unique", "resident_id_matches", "min_when"})

FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
"""A field's name: also its column in the laptop's store and its key on the wire."""
_ASCII_INT = re.compile(r"-?[0-9]+")
_NUL = re.compile("\x00")
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "－": "-", "\u3000": " "})


def check_field(checked: tuple[FieldDef, Check], value: Any, today: date) -> Problem | None:
    """One field's problem on its own; an empty value is no problem here (required is per record)."""
    return None if value is None else checked[1](value, today)


def _storable(f: FieldDef) -> tuple[FieldDef, bool, int, re.Pattern[str]]:
    """What ``Forms.unusable`` checks a field with: a number or text, its length limit, and the
    characters it refuses."""
    if f.type == "text":
        hidden = HIDDEN_MULTILINE if f.multiline else HIDDEN
        return f, False, f.max_length if f.max_length is not None else 1 << 62, hidden
    return f, f.type in ("int", "money"), 1000, _NUL


class Forms:
    """All forms, with normalization and validation compiled once at load."""

    def __init__(self, forms: Mapping[str, FormDef]) -> None:
        order = {name: i for i, name in enumerate(ENTITIES)}
        self.entities: tuple[str, ...] = tuple(sorted(forms, key=lambda e: (order.get(e, len(order)), e)))
        self._forms = dict(forms)
        for form in self._forms.values():
            _check_definition(form, self._forms)
        self._checks: dict[str, dict[str, tuple[FieldDef, Check]]] = {
            e: {f.name: (f, compile_field(f)) for f in form.fields} for e, form in self._forms.items()
        }
        self._kinds = {e: {f.name: f.type for f in form.fields} for e, form in self._forms.items()}
        self._storable = {e: {f.name: _storable(f) for f in form.fields} for e, form in self._forms.items()}
        self._known = {e: frozenset(checks) | META_FIELDS for e, checks in self._checks.items()}
        self._rules: dict[str, list[RuleCheck]] = {
            e: [compile_rule(form, rule) for rule in form.rules] for e, form in self._forms.items()
        }

    def __getitem__(self, entity: str) -> FormDef:
        return self._forms[entity]

    def __contains__(self, entity: object) -> bool:
        return entity in self._forms

    def __iter__(self) -> Iterator[FormDef]:
        return (self._forms[e] for e in self.entities)

    def normalize(self, entity: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """A cleaned copy: text stripped, ``""`` to ``None``, resident IDs and phones in ASCII, dates
        written any way the entry form accepts (``19530219``, ``1953年2月19日``) as ISO, int/money given
        as a string of ASCII digits turned into ``int`` (money strings here are fen, as on the wire;
        typed yuan is read by :func:`sync.parse.parse_yuan`). Unknown keys are copied unchanged."""
        kinds = self._kinds[entity]
        out: dict[str, Any] = {}
        for name, value in record.items():
            if isinstance(value, str):
                kind = kinds.get(name)
                if kind is None:
                    pass
                elif kind == "resident_id":
                    value = normalize_resident_id(value) or None
                elif kind == "phone":
                    value = value.translate(_FULLWIDTH).strip() or None
                elif kind == "date":  # every way the entry form accepts a date (sync.parse)
                    value = parse_date(value.translate(_FULLWIDTH).strip())
                else:
                    value = value.strip()
                    if kind == "int" or kind == "money":
                        value = int(value) if _ASCII_INT.fullmatch(value) else value or None
                    else:
                        value = value or None
            out[name] = value
        return out

    def known_part(self, entity: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """The part of ``record`` this version of the form knows (its fields, hidden ones too, and
        the meta fields): a record kept by the county may hold fields of another version."""
        known = self._known[entity]
        if record.keys() <= known:
            return dict(record)
        return {k: v for k, v in record.items() if k in known}

    def validate_field(
        self, entity: str, name: str, value: Any, *, today: date | None = None
    ) -> list[Problem]:
        """Problems of one field on its own (for inline checks while typing); no cross-field rules."""
        fdef, check = self._checks[entity][name]
        if value is None:
            return [field_problem(fdef, "required")] if fdef.required else []
        problem = check(value, today or date.today())
        return [problem] if problem else []

    def validate_fields(
        self, entity: str, fields: Mapping[str, Any], *, today: date | None = None
    ) -> list[Problem]:
        """Problems of each given field on its own, for values that will not form a live record (a
        delete's fields, a value competing in a conflict): types, limits, hidden characters, unknown
        keys. No required fields and no cross-field or uniqueness rules."""
        today = today or date.today()
        checks = self._checks[entity]
        problems: list[Problem] = []
        for name, value in fields.items():
            if name in checks:
                problem = check_field(checks[name], value, today)
            elif name in META_FIELDS:
                problem = check_meta(name, value)
            else:
                problem = Problem(name, "unknown_field", *pair("form.unknown_field"))
            if problem:
                problems.append(problem)
        return problems

    def unusable(self, entity: str, fields: Mapping[str, Any]) -> dict[str, Problem]:
        """Values received from the county that the laptop's store cannot keep, by field name.

        Only what no release of the form allows and what the store cannot hold: a wrong type (a
        list, an object, a number where text belongs), text over its limit or with hidden
        characters, a whole number beyond 64 bits. Rules that depend on the day or may change
        with the forms (patterns, dates in the future, choices) are the server's to keep; fields
        the form does not know are skipped (a newer form's).
        """
        storable = self._storable[entity]
        out: dict[str, Problem] = {}
        for name, value in fields.items():
            spec = storable.get(name)
            if spec is None or value is None:
                continue
            fdef, numeric, limit, hidden = spec
            kind = type(value)
            if kind is str and not numeric:
                if len(value) > limit:
                    out[name] = field_problem(fdef, "too_long" if fdef.type == "text" else "not_text")
                elif not value.isprintable() and hidden.search(value):  # the regex only when needed
                    out[name] = field_problem(fdef, "control_chars" if fdef.type == "text" else "not_text")
            elif kind is int and numeric:
                if not -(2**63) <= value < 2**63:
                    out[name] = field_problem(fdef, "not_int")
            else:
                out[name] = field_problem(fdef, "not_int" if numeric else "not_text")
        return out

    def validate(
        self,
        entity: str,
        record: Mapping[str, Any],
        *,
        lookup: Lookup | None = None,
        today: date | None = None,
    ) -> list[Problem]:
        """Every problem of ``record`` (the whole record after the edit, normalized).

        Uniqueness rules ask ``lookup`` and are skipped when it is ``None``.
        """
        today = today or date.today()
        checks = self._checks[entity]
        problems: list[Problem] = []
        bad: set[str] = set()
        if not record.keys() <= self._known[entity] or not all(
            check_meta(name, record[name]) is None for name in META_FIELDS if name in record
        ):  # a problem outside the form's fields: report them all, in the record's order
            for name, value in record.items():
                if name in checks:
                    continue
                if name in META_FIELDS:
                    problem = check_meta(name, value)
                else:
                    problem = Problem(name, "unknown_field", *pair("form.unknown_field"))
                if problem:
                    problems.append(problem)
        for name, (fdef, check) in checks.items():
            value = record.get(name)
            if value is None:
                if fdef.required:
                    problems.append(field_problem(fdef, "required"))
                    bad.add(name)
                continue
            problem = check(value, today)
            if problem:
                problems.append(problem)
                bad.add(name)
        for rule in self._rules[entity]:
            problems.extend(rule(record, bad, lookup, today))
        return problems


# --------------------------------------------------------------------------------------------------
# Loading


def _labels(d: Mapping[str, Any], key: str, where: str) -> tuple[str, str]:
    label = d.get(key)
    if not isinstance(label, Mapping) or not label.get("zh_CN") or not label.get("en"):
        raise FormError(f"{where}: {key} needs zh_CN and en")
    return str(label["zh_CN"]), str(label["en"])


def _field_from_json(d: Mapping[str, Any], where: str) -> FieldDef:
    name = d.get("name")
    if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
        raise FormError(f"{where}: a field needs a name of small ASCII letters, digits and _")
    where = f"{where}.{name}"
    label_zh, label_en = _labels(d, "label", where)
    hint = _labels(d, "hint", where) if d.get("hint") is not None else (None, None)
    choices = [
        Choice(str(c["value"]), *_labels(c, "label", f"{where} choice")) for c in d.get("choices") or []
    ]
    maximum = d.get("max")
    current_year = maximum == "current_year"
    return FieldDef(
        name=name,
        type=str(d.get("type")),
        label_zh=label_zh,
        label_en=label_en,
        required=bool(d.get("required", False)) and not d.get("hidden", False),
        choices=choices,
        min=d.get("min"),
        max=date.today().year if current_year else maximum,
        max_length=d.get("max_length"),
        pattern=d.get("pattern"),
        ref=d.get("ref"),
        hint_zh=hint[0],
        hint_en=hint[1],
        min_length=d.get("min_length"),
        not_future=bool(d.get("not_future", False)),
        max_current_year=current_year,
        multiline=bool(d.get("multiline", False)),
        hidden=bool(d.get("hidden", False)),
        constraint_message=_labels(d, "constraint_message", where) if d.get("constraint_message") else None,
        required_message=_labels(d, "required_message", where) if d.get("required_message") else None,
        indicator=d.get("indicator"),
    )


def _form_from_json(d: Mapping[str, Any], where: str) -> FormDef:
    entity = d.get("entity")
    if not isinstance(entity, str):
        raise FormError(f"{where}: entity missing")
    label_zh, label_en = _labels(d, "label", entity)
    fields = [_field_from_json(f, entity) for f in d.get("fields") or []]
    return FormDef(entity, label_zh, label_en, fields, [dict(r) for r in d.get("rules") or []])


def _check_definition(form: FormDef, forms: Mapping[str, FormDef]) -> None:
    where = form.entity
    names = [f.name for f in form.fields]
    if not names or len(set(names)) != len(names):
        raise FormError(f"{where}: fields missing or repeated")
    if META_FIELDS & set(names):
        raise FormError(f"{where}: id, village_code and deleted are not form fields")
    for f in form.fields:
        if f.type not in FIELD_TYPES:
            raise FormError(f"{where}.{f.name}: unknown type {f.type!r}")
        if f.type == "choice":
            values = [c.value for c in f.choices]
            if not values or len(set(values)) != len(values):
                raise FormError(f"{where}.{f.name}: choices missing or repeated")
        if f.type == "ref" and f.ref not in forms:
            raise FormError(f"{where}.{f.name}: ref to an unknown form")
        for problem in indicator_problems(where, f):
            raise FormError(problem)
        if f.pattern is not None:
            try:
                re.compile(f.pattern)
            except re.error as exc:
                raise FormError(f"{where}.{f.name}: bad pattern") from exc
        if f.type == "date":
            for limit in (f.min, f.max):
                if limit is not None and (not isinstance(limit, str) or not ISO_DATE.fullmatch(limit)):
                    raise FormError(f"{where}.{f.name}: date limits are ISO dates")
        elif f.type in ("int", "money"):
            for limit in (f.min, f.max):
                if limit is not None and type(limit) is not int:
                    raise FormError(f"{where}.{f.name}: int limits are ints")
    for rule in form.rules:
        kind = rule.get("rule")
        if kind not in RULE_KINDS:
            raise FormError(f"{where}: unknown rule {kind!r}")
        used = list(rule.get("fields", [])) + list(rule.get("when", {}))
        used += [rule[k] for k in ("field", "id_field", "birth_date", "sex") if k in rule]
        if kind in ("one_of_required", "unique") and not rule.get("fields"):
            raise FormError(f"{where}: rule {kind} needs fields")
        if kind == "resident_id_matches" and not all(k in rule for k in ("id_field", "birth_date", "sex")):
            raise FormError(f"{where}: rule {kind} needs id_field, birth_date and sex")
        if kind == "min_when" and not (
            "field" in rule and type(rule.get("min")) is int and rule.get("when") and "message" in rule
        ):
            raise FormError(f"{where}: rule {kind} needs field, an int min, when and message")
        if "message" in rule:
            _labels(rule, "message", f"{where} rule {kind}")
        unknown = [n for n in used if n not in names]
        if unknown:
            raise FormError(f"{where}: rule {kind} names unknown fields")


def forms_from_json(documents: list[tuple[str, Any]]) -> Forms:
    """Forms from (where, decoded form JSON) pairs: a directory's files or a published form version."""
    forms: dict[str, FormDef] = {}
    for where, data in documents:
        if not isinstance(data, Mapping):
            raise FormError(f"{where}: a form is a JSON object")
        form = _form_from_json(data, where)
        if form.entity in forms:
            raise FormError(f"{where}: form {form.entity} defined twice")
        forms[form.entity] = form
    if not forms:
        raise FormError("no forms found")
    return Forms(forms)


def read_form_files(directory: Path) -> list[tuple[str, Any]]:
    """(file name, decoded JSON) of every form file in ``directory``."""
    documents: list[tuple[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        try:
            documents.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            raise FormError(f"{path.name}: not readable JSON") from exc
    return documents


@functools.lru_cache(maxsize=8)
def _load(directory: Path) -> Forms:
    return forms_from_json(read_form_files(directory))


def load_forms(directory: str | Path | None = None) -> Forms:
    """The forms in ``directory`` (default ``resources/forms``), parsed and compiled once and cached."""
    path = Path(directory) if directory is not None else resources_dir() / "forms"
    return _load(path.resolve())


def derive_from_resident_id(text: str | None, *, today: date | None = None) -> dict[str, str] | None:
    """``{"birth_date": "YYYY-MM-DD", "sex": "male"|"female"}`` from a resident ID, for the form to fill
    in; ``None`` when the text (after normalizing) is not a valid ID."""
    if not isinstance(text, str):
        return None
    try:
        parsed = parse_resident_id(normalize_resident_id(text), today=today)
    except InvalidResidentId:
        return None
    return {"birth_date": parsed.birth_date.isoformat(), "sex": parsed.sex}
