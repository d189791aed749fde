"""Hidden characters: the written-out ranges match Unicode, and labels and terminal output are safe."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from sync.textsafety import HIDDEN, HIDDEN_MULTILINE, clean_label, for_terminal, has_hidden


def test_every_format_and_control_character_is_hidden() -> None:
    missed = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("Cf", "Cc", "Zl", "Zp") and not HIDDEN.match(chr(c))
    ]
    assert missed == []


def test_nothing_visible_is_hidden() -> None:
    # Cn: code points this Python's Unicode does not assign yet but a newer one makes format ones.
    wrong = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if HIDDEN.match(chr(c)) and unicodedata.category(chr(c)) not in ("Cf", "Cc", "Zl", "Zp", "Cn")
    ]
    assert wrong == []


def test_multiline_text_keeps_tabs_and_line_breaks() -> None:
    assert not has_hidden("一\n二\t三", multiline=True) and has_hidden("一\n二\t三")
    assert HIDDEN_MULTILINE.search("\r") and HIDDEN_MULTILINE.search("\u2028")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("东村\x1b[2J\x1b]0;pwned\x07电脑", "东村 [2J ]0;pwned 电脑"),
        ("laptop\u202eexe.txt", "laptop exe.txt"),
        ("  王\u200b五  的\n电脑 ", "王 五 的 电脑"),
        ("x" * 300, "x" * 100),
        ("\x00\x1b", ""),
    ],
)
def test_labels_lose_their_hidden_characters(raw: str, clean: str) -> None:
    assert clean_label(raw) == clean


def test_terminal_output_shows_hidden_characters_as_escapes() -> None:
    shown = for_terminal("东村\x1b[2J\u202e电脑\x9b")
    assert shown == "东村\\u001b[2J\\u202e电脑\\u009b"
    assert not HIDDEN.search(shown)


def test_a_note_keeps_its_lines_and_loses_hidden_characters() -> None:
    from sync.textsafety import clean_note

    assert clean_note(" 入户\x1b[2J\x00核实\u202e\n第二行\u200b\t完 ") == "入户[2J核实\n第二行\t完"
    assert clean_note("\x00\u200b\u2028") == ""
    assert len(clean_note("字" * 2000)) == 1000
