"""A workbook's rules: the XLSForm columns ``constraint``, ``constraint_message``, ``required_message``
and ``relevant`` read into what the forms can say (:mod:`sync.form_rules`).

What a ``constraint`` may say, joined with ``and`` (``.`` is the field itself, as in XLSForm):

- limits: ``. >= 0``, ``. > 0``, ``. <= 100``, ``. < 100``, ``. = 3`` (integer; money in yuan;
  dates as ``date('2020-01-01')`` or ``'2020-01-01'``), and ``. <= today()`` for a date;
- lengths of text: ``string-length(.) <= 30`` (also ``>=``, ``<``, ``>``, ``=``);
- a pattern: ``regex(., '^[0-9]+$')``: as in ODK, true when the pattern is found in the text
  (anchor it with ``^`` and ``$`` for the whole text);
- a lower limit that holds only for one choice of a select_one field of the same form (the income
  form's "wages cannot be negative"): ``${source} != 'wages' or . >= 0``, also written
  ``not(selected(${source}, 'wages')) or . >= 0`` or ``if(${source} = 'wages', . >= 0, true())``.

``constraint_message::zh_CN`` / ``::en`` replace the forms' own message for these checks, and
``required_message::zh_CN`` / ``::en`` the "required" one. ``relevant`` (skip conditions): the forms
ask every field of every record, so only an empty cell or ``true()`` is taken.

Anything else is a problem in plain words, named by the caller with sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sync.messages import Both, pair
from sync.money import yuan
from sync.parse import parse_yuan

Node = tuple[Any, ...]
WHAT_IT_TAKES = (
    "these forms take limits (. >= 0, . <= 100, . <= today()), lengths (string-length(.) <= 30), "
    "a pattern (regex(., '^[0-9]+$')) and a lower limit for one choice (${source} != 'wages' or . >= 0), "
    "joined with and"
)
_TOKEN = re.compile(
    r"""\s*(?:(?P<num>-?[0-9]+(?:\.[0-9]+)?)|(?P<str>'[^']*'|"[^"]*")|(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})
    |(?P<op>>=|<=|!=|=|>|<)|(?P<punct>[(),])|(?P<dot>\.(?![0-9.]))|(?P<name>[A-Za-z_][A-Za-z0-9_:.-]*))""",
    re.X,
)
_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "=", "!=": "!="}
_TRUE = ("true()", "")


class RuleProblem(Exception):
    """One cell that says what the forms cannot; the message is in plain words."""


# --------------------------------------------------------------------------------------------------
# Reading an expression


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise RuleProblem(f"'{text}' cannot be read (at '{text[pos : pos + 10]}')")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def fail(self) -> RuleProblem:
        return RuleProblem(f"'{self.text}' cannot be read as a condition")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise self.fail()
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.either()
        if self.peek() is not None:
            raise self.fail()
        return node

    def either(self) -> Node:
        parts = [self.both()]
        while self.peek() == ("name", "or"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def both(self) -> Node:
        parts = [self.compare()]
        while self.peek() == ("name", "and"):
            self.take()
            parts.append(self.compare())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def compare(self) -> Node:
        left = self.primary()
        token = self.peek()
        if token is not None and token[0] == "op":
            self.take()
            return ("cmp", token[1], left, self.primary())
        return left

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "punct" and value == "(":
            node = self.either()
            self.take(")")
            return node
        if kind == "dot":
            return ("self",)
        if kind == "ref":
            return ("ref", value[2:-1])
        if kind == "num":
            return ("num", value)
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "name" and value not in ("and", "or") and self.peek() == ("punct", "("):
            self.take()
            args: list[Node] = []
            if self.peek() != ("punct", ")"):
                args.append(self.either())
                while self.peek() == ("punct", ","):
                    self.take()
                    args.append(self.either())
            self.take(")")
            return ("call", value, args)
        raise self.fail()


def _conjuncts(node: Node) -> list[Node]:
    if node[0] == "and":
        return [part for child in node[1] for part in _conjuncts(child)]
    return [node]


def _has_ref(node: Node) -> bool:
    if node[0] == "ref":
        return True
    children = node[2] if node[0] == "call" else node[2:] if node[0] == "cmp" else node[1] if node[0] in (
        "and", "or") else ()  # fmt: skip
    return any(_has_ref(c) for c in children if isinstance(c, tuple))


def _source(node: Node) -> str:
    """An expression written back, for a message."""
    kind = node[0]
    if kind == "self":
        return "."
    if kind == "ref":
        return f"${{{node[1]}}}"
    if kind == "num":
        return str(node[1])
    if kind == "str":
        return f"'{node[1]}'"
    if kind == "cmp":
        return f"{_source(node[2])} {node[1]} {_source(node[3])}"
    if kind == "call":
        return f"{node[1]}({', '.join(_source(a) for a in node[2])})"
    return f" {kind} ".join(_source(c) for c in node[1])


# --------------------------------------------------------------------------------------------------
# Translating it


def _whole(node: Node) -> int:
    if node[0] != "num":
        raise RuleProblem(f"'{_source(node)}' is not a number")
    if "." in node[1]:
        raise RuleProblem(f"'{node[1]}' is not a whole number")
    return int(node[1])


def _limit(kind: str, type_text: str, op: str, value: Node, term: Node) -> dict[str, Any]:
    """``. op value`` as the field's own limits."""
    if _has_ref(value):
        raise RuleProblem(f"'{_source(term)}' compares with another field: {WHAT_IT_TAKES}")
    if op == "!=":
        raise RuleProblem(f"'{_source(term)}' (not equal) is beyond what the forms check: {WHAT_IT_TAKES}")
    if kind == "date":
        if value == ("call", "today", []):
            if op != "<=":
                raise RuleProblem(f"'{_source(term)}': of today, the forms can say only . <= today()")
            return {"not_future": True}
        inner = value[2][0] if value[0] == "call" and value[1] == "date" and len(value[2]) == 1 else value
        text = inner[1] if inner[0] == "str" else None
        try:
            day = date.fromisoformat(str(text))
        except ValueError:
            raise RuleProblem(f"'{_source(value)}' is not a date (write date('2020-01-01'))") from None
        lo, hi = day + timedelta(days=op == ">"), day - timedelta(days=op == "<")
        return _bounds(op, lo.isoformat(), hi.isoformat())
    if kind == "int":
        n = _whole(value)
        return _bounds(op, n + (op == ">"), n - (op == "<"))
    if kind == "money":
        fen = parse_yuan(str(value[1])) if value[0] == "num" else None
        if not isinstance(fen, int):
            raise RuleProblem(f"'{_source(value)}' is not an amount in yuan with at most two decimals")
        return _bounds(op, fen + (op == ">"), fen - (op == "<"))
    if kind == "text":
        raise RuleProblem(
            f"'{_source(term)}': a text field takes string-length(.) and regex(., '...'), not a limit"
        )
    raise RuleProblem(f"'{_source(term)}': a {type_text} field takes no limits")


def _bounds(op: str, lo: Any, hi: Any) -> dict[str, Any]:
    if op in (">=", ">"):
        return {"min": lo}
    if op in ("<=", "<"):
        return {"max": hi}
    return {"min": lo, "max": hi}  # "="


def _length(kind: str, op: str, value: Node, term: Node) -> dict[str, Any]:
    if kind != "text":
        raise RuleProblem(f"'{_source(term)}': only a text field has a length")
    if op == "!=":
        raise RuleProblem(f"'{_source(term)}' (not equal) is beyond what the forms check: {WHAT_IT_TAKES}")
    n = _whole(value)
    limits = _bounds(op, n + (op == ">"), n - (op == "<"))
    return {f"{k}_length": v for k, v in limits.items()}


def _pattern(kind: str, args: list[Node], term: Node) -> dict[str, Any]:
    if kind != "text" or len(args) != 2 or args[0] != ("self",) or args[1][0] != "str":
        raise RuleProblem(f"'{_source(term)}': write regex(., '...') on a text field")
    pattern = args[1][1]
    try:
        re.compile(pattern)
    except re.error:
        raise RuleProblem(f"'{pattern}' is not a pattern (regular expression) that can be read") from None
    whole = pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$")
    # The forms match the whole text; ODK's regex() finds the pattern anywhere in it.
    return {"pattern": pattern if whole and "|" not in pattern else f"(?s).*(?:{pattern}).*"}


def _choice_condition(node: Node, positive: bool) -> tuple[str, str] | None:
    """(field, choice) of ``${f} = 'v'`` / ``selected(${f}, 'v')`` (``positive``) or of their
    negation (``${f} != 'v'``, ``not(...)``); None for anything else."""
    if node[0] == "call" and node[1] == "not" and len(node[2]) == 1:
        return _choice_condition(node[2][0], not positive)
    if node[0] == "cmp" and node[1] == ("=" if positive else "!="):
        left, right = node[2], node[3]
        if right[0] == "ref":
            left, right = right, left
        if left[0] == "ref" and right[0] == "str":
            return left[1], right[1]
    if positive and node[0] == "call" and node[1] == "selected" and len(node[2]) == 2:
        ref, value = node[2]
        if ref[0] == "ref" and value[0] == "str":
            return ref[1], value[1]
    return None


def _conditional(term: Node) -> tuple[tuple[str, str], Node] | None:
    """(the condition's field and choice, the limit) of a lower limit for one choice."""
    if term[0] == "or" and len(term[1]) == 2:
        for cond, limit in (term[1], term[1][::-1]):
            found = _choice_condition(cond, positive=False)
            if found is not None and _has_self(limit):
                return found, limit
    if term[0] == "call" and term[1] == "if" and len(term[2]) == 3 and term[2][2] == ("call", "true", []):
        found = _choice_condition(term[2][0], positive=True)
        if found is not None:
            return found, term[2][1]
    return None


def _has_self(node: Node) -> bool:
    return node[0] == "cmp" and ("self",) in (node[2], node[3])


def _self_compare(term: Node) -> tuple[str, Node] | None:
    """(operator, other side) of a comparison with the field itself, written with ``.`` first."""
    if term[0] != "cmp":
        return None
    if term[2] == ("self",):
        return term[1], term[3]
    if term[3] == ("self",):
        return _FLIP[term[1]], term[2]
    return None


def translate(
    text: str, kind: str, type_text: str, fields: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any], list[tuple[str, str, int]]]:
    """A constraint as (the field's own limits, [(condition field, choice, lower limit)]).
    ``fields`` are the form's fields by name (JSON). Raises RuleProblem."""
    own: dict[str, Any] = {}
    conditional: list[tuple[str, str, int]] = []

    def put(found: Mapping[str, Any]) -> None:
        for key, value in found.items():
            if key in own and own[key] != value:
                raise RuleProblem(f"the constraint says {key} twice ({own[key]} and {value})")
            own[key] = value

    for term in _conjuncts(_Parser(text).parse()):
        compared = _self_compare(term)
        if term == ("call", "true", []):
            continue
        if compared is not None:
            put(_limit(kind, type_text, *compared, term))
        elif (
            term[0] == "cmp"
            and term[2][0] == "call"
            and term[2][1] == "string-length"
            and term[2][2] == [("self",)]
        ):
            put(_length(kind, term[1], term[3], term))
        elif term[0] == "call" and term[1] == "regex":
            put(_pattern(kind, term[2], term))
        elif (found := _conditional(term)) is not None:
            (name, choice), limit = found
            other = fields.get(name)
            if other is None:
                raise RuleProblem(f"'{_source(term)}': there is no field '{name}' in this form")
            if other.get("type") != "choice":
                raise RuleProblem(
                    f"'{_source(term)}': the condition's field {name} is not a select_one field"
                )
            if choice not in [c["value"] for c in other.get("choices") or []]:
                raise RuleProblem(f"'{_source(term)}': '{choice}' is not a choice of {name}")
            compared = _self_compare(limit)
            lower = _limit(kind, type_text, *compared, limit) if compared else {}
            if kind not in ("int", "money") or set(lower) != {"min"}:
                raise RuleProblem(
                    f"'{_source(term)}': only a lower limit of a number (. >= 0) can hold for one choice"
                )
            conditional.append((name, choice, int(lower["min"])))
        elif _has_ref(term):
            raise RuleProblem(f"'{_source(term)}' compares with another field: {WHAT_IT_TAKES}")
        else:
            raise RuleProblem(f"'{_source(term)}' is beyond what the forms check: {WHAT_IT_TAKES}")
    return own, conditional


def check_relevant(text: str) -> None:
    """Raises RuleProblem unless ``text`` asks the field always (empty or ``true()``)."""
    if text.replace(" ", "") not in _TRUE:
        raise RuleProblem(
            "skip conditions are not something these forms can say: they ask every field of every "
            "record. Leave relevant empty; make the field not required and say in the hint when to "
            "fill it in"
        )


def min_when_rule(
    field: Mapping[str, Any], other: Mapping[str, Any], choice: str, minimum: int, message: Any
) -> dict[str, Any]:
    """The form's rule for a lower limit that holds for one choice, with its message (the
    workbook's, or one made from the labels)."""
    if message is None:
        label = next(c["label"] for c in other["choices"] if c["value"] == choice)
        amount = yuan(minimum, grouping=False)
        shown = pair("form.min_when_money", amount=amount) if field["type"] == "money" else None
        made = pair(
            "form.min_when",
            other=Both(other["label"]["zh_CN"], other["label"]["en"]),
            choice=Both(label["zh_CN"], label["en"]),
            label=Both(field["label"]["zh_CN"], field["label"]["en"]),
            min=shown if shown is not None else str(minimum),
        )
        message = {"zh_CN": made.zh_CN, "en": made.en}
    return {"rule": "min_when", "field": field["name"], "min": minimum, "when": {other["name"]: choice},
            "code": "too_small", "message": message}  # fmt: skip
