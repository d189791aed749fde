"""Characters that hide or disguise text: refused in form fields, removed from labels, escaped on a
terminal.

* C0/C1 control characters (a terminal obeys escape sequences: ``ESC [ 2 J`` clears county IT's
  screen, others retitle the window or fake earlier output);
* Unicode format characters (category Cf): right-to-left overrides and isolates, which make
  ``王五‮321`` display reversed, and zero-width spaces and joiners, which make two names that look
  the same compare different (a duplicate resident slips past a search);
* line and paragraph separators (U+2028/2029), which break a single-line field as a newline would.

Private-use characters stay allowed: older household registers encode rare characters of Chinese
names there. The ranges are written out (from Unicode 15.1) rather than built by scanning every
code point at import; ``tests/sync/test_textsafety.py`` checks them against ``unicodedata``.
"""

from __future__ import annotations

import re

_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # every C0 and C1 control but tab and newline
_SEPARATORS = "\u2028\u2029"

HIDDEN_MULTILINE = re.compile(f"[{_CONTROL}{_FORMAT}{_SEPARATORS}]")
"""Hidden characters in text that may hold tabs and line breaks (a note)."""
HIDDEN = re.compile(f"[\t\n{_CONTROL}{_FORMAT}{_SEPARATORS}]")
"""Hidden characters in a single line of text (a name, an address)."""


def has_hidden(text: str, *, multiline: bool = False) -> bool:
    return (HIDDEN_MULTILINE if multiline else HIDDEN).search(text) is not None


def clean_label(text: str, max_length: int = 100) -> str:
    """A one-line label (a laptop's name) with hidden characters removed and spaces collapsed."""
    return " ".join(HIDDEN.sub(" ", text).split())[:max_length]


def clean_note(text: str, max_length: int = 1000) -> str:
    """Free text that may span lines (a decision's note) with hidden characters removed."""
    return HIDDEN_MULTILINE.sub("", text).strip()[:max_length]


def for_terminal(text: str) -> str:
    """``text`` safe to print on a terminal: each hidden character shown as ``\\uXXXX``."""
    return HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
