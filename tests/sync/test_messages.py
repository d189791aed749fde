"""The one message catalogue (:mod:`sync.messages`): complete in zh_CN and en, and the only place
user-facing Chinese text is written in Python.

* every message has both languages, the English one without Chinese, and the same placeholders;
* every code the code names is defined, and every defined code is named somewhere;
* no module of ``sync/`` or ``desktop/`` outside ``sync/messages/`` holds a Chinese string literal,
  except the data listed in ``DATA`` (each with its reason). Docstrings and comments are not text
  users see, so they are not looked at.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from sync import messages
from sync.messages import Both, Message, pair, text

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "sync" / "messages"
CJK = re.compile(r"[\u4e00-\u9fff]")
FILE_NAME = re.compile(r"\.(?:xlsx|json|csv|pdf|log|pem|py|txt|qm|ts|vddbak)$")  # "roster.xlsx" is no code

# A placeholder in one language only, by message: a technical detail English readers get as it is.
_PARSER = "the JSON parser's own English words; Chinese says only that it is malformed"
_REASON = "a reason key for county IT, not a sentence; Chinese says only that the file cannot be used"
ONE_LANGUAGE_PLACEHOLDERS = {
    ("api.malformed_detail", "detail"): _PARSER,
    ("provision.unusable", "reason"): _REASON,
}

# Modules whose Chinese literals are data, not messages: path -> (reason, the literals, or None for all).
DATA: dict[str, tuple[str, frozenset[str] | None]] = {
    "sync/parse.py": ("what people type: 元, 年/月/日 and the full stop 。 are read, not shown", None),
    "sync/sample_data.py": ("made-up names, occupations and addresses of the sample village", None),
    "desktop/services/demo.py": ("the demo village's made-up names", None),
    "desktop/services/demo_review.py": ("the demo review's made-up villages, laptops and values", None),
    "desktop/services/selftest.py": ("the self-test's made-up records", None),
    "desktop/ui/screenshots.py": ("what the screenshot script types and waits for", None),
    "desktop/ui/official/column_widths.py": ("sample glyphs that measure a column's width", None),
    "desktop/ui/official/wizard.py": (
        "the language's own name, shown as it is in every language",
        frozenset({"中文（简体）"}),
    ),
    "desktop/ui/official/settings_page.py": (
        "the language's own name, shown as it is in every language",
        frozenset({"中文（简体）"}),
    ),
    "desktop/services/roster_template.py": (
        "the template's made-up example row",
        frozenset({"张三", "一组1号", "一般户", "户主", "女", "汉族", "城乡居民医保", "在册"}),
    ),
    "desktop/services/roster_import.py": (
        "header spellings the importer reads and drops",
        frozenset({"（必填）"}),
    ),
}


def _modules() -> list[Path]:
    return sorted(
        p for d in ("sync", "desktop") for p in (ROOT / d).rglob("*.py") if CATALOGUE not in p.parents
    )


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _literals(path: Path) -> tuple[list[str], list[str]]:
    """(string constants that are values, the constant start of each f-string), docstrings left out."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    bare = {
        id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
    }
    in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    constants, prefixes = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            prefixes.append(str(node.values[0].value))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare:
            (prefixes if id(node) in in_fstring else constants).append(node.value)
    return constants, prefixes


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


CODES = messages.catalogue()
NAMESPACES = {code.split(".")[0] for code in CODES}
CODE_SHAPE = re.compile(rf"(?:{'|'.join(sorted(NAMESPACES))})\.[a-z0-9_.]+")


def _uses() -> tuple[set[str], set[str]]:
    constants: set[str] = set()
    prefixes: set[str] = set()
    for path in _modules():
        c, p = _literals(path)
        constants.update(c)
        prefixes.update(x for x in p if re.fullmatch(rf"(?:{'|'.join(sorted(NAMESPACES))})\.[a-z0-9_.]*", x))
    return constants, prefixes


def test_the_catalogue_is_there() -> None:
    assert len(CODES) > 100 and len(_modules()) > 50


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_message_has_both_languages(code: str) -> None:
    m = CODES[code]
    assert m.code == code
    assert m.zh_CN.strip() and m.en.strip(), f"{code} lacks a language"
    assert not CJK.search(m.en), f"{code}: the English text holds Chinese"
    only = _placeholders(m.zh_CN) ^ _placeholders(m.en)
    assert all((code, name) in ONE_LANGUAGE_PLACEHOLDERS for name in only), f"{code}: placeholders {only}"


def test_every_code_named_in_the_code_is_defined() -> None:
    constants, prefixes = _uses()
    undefined = sorted(
        c for c in constants if CODE_SHAPE.fullmatch(c) and not FILE_NAME.search(c) and c not in CODES
    )
    assert undefined == []
    assert sorted(p for p in prefixes if not any(code.startswith(p) for code in CODES)) == []


def test_every_defined_code_is_used() -> None:
    constants, prefixes = _uses()
    # A code built from a key (f"indicator.{key}") is used when its key is a literal somewhere.
    unused = sorted(
        c
        for c in CODES
        if c not in constants and not any(c.startswith(p) and c[len(p) :] in constants for p in prefixes)
    )
    assert unused == []


def test_no_chinese_literal_outside_the_catalogue() -> None:
    found = []
    for path in _modules():
        rel = _rel(path)
        allowed = DATA.get(rel)
        constants, prefixes = _literals(path)
        for literal in constants + prefixes:
            if CJK.search(literal) and not (allowed and (allowed[1] is None or literal in allowed[1])):
                found.append(f"{rel}: {literal[:40]!r}")
    assert found == []


def test_the_data_exceptions_still_hold_data() -> None:
    # An exception nobody needs any more is removed, so the list stays a list of real exceptions.
    for rel, (_reason, literals) in DATA.items():
        constants, prefixes = _literals(ROOT / rel)
        chinese = {x for x in constants + prefixes if CJK.search(x)}
        assert chinese, f"{rel} holds no Chinese literal any more"
        assert literals is None or literals <= chinese, f"{rel}: {literals - chinese}"


def test_text_fills_placeholders_per_language() -> None:
    label = Both("姓名", "Name")
    assert text("form.required", "zh_CN", label=label) == "请填写姓名"
    assert text("form.required", "en", label=label) == "Name is required"
    assert text("form.too_long", "zh", label=label, max=20) == "姓名不能超过20个字"
    assert pair("form.unknown_field") == ("表单中没有这一项", "This form has no such field")


def test_an_unknown_code_is_an_error() -> None:
    with pytest.raises(KeyError):
        text("form.no_such_message")


def test_a_code_is_defined_once() -> None:
    all_codes = [m.code for area in messages.AREAS for m in area.MESSAGES]
    assert len(all_codes) == len(set(all_codes)) == len(CODES)
    assert all(isinstance(m, Message) for area in messages.AREAS for m in area.MESSAGES)
