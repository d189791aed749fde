"""What an official may type into a money or a date field: the parse lives in :mod:`sync.parse`
(the roster import and the county server read typed text the same way); kept here for the editors."""

from __future__ import annotations

from sync.parse import format_yuan, impossible_date, parse_date, parse_yuan

__all__ = ["format_yuan", "impossible_date", "parse_date", "parse_yuan"]
