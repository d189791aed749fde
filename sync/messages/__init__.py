"""Every user-facing text that is not Qt widget text, keyed by code, in zh_CN and en: one catalogue.

A message is defined once, as ``Message(code, zh_CN=..., en=...)`` in the module of this package named
for its area (the code's first part: ``api.unsigned`` is in :mod:`sync.messages.api`). Code asks for
it by code: :func:`text` gives one language, :func:`pair` gives both where the text travels to a
reader whose language is not known yet (a server answer, a :class:`sync.protocol.Problem`, a sync
error). Parameters are named ``{placeholders}``, the same in both languages, and never carry record
data (names, resident IDs, secrets). Widget text stays in Qt's ``.ts`` catalogue; form labels stay in
the form JSON (they are data the county publishes). ``tests/sync/test_messages.py`` fails on a message
missing in either language, a placeholder in one language only, a code used but not defined or
defined but not used, and a Chinese literal anywhere else in the code.
"""

from __future__ import annotations

from typing import Any

from sync.messages import (
    api,
    cli,
    forms,
    indicators,
    labels,
    provision,
    review,
    sheets,
    sync_run,
    workbook,
)
from sync.messages.message import Both, Message

__all__ = ["AREAS", "Both", "Message", "catalogue", "defined", "pair", "text"]


def text(code: str, lang: str = "zh_CN", **params: Any) -> str:
    """The message ``code`` in ``lang`` ("zh_CN"/"zh" or "en"), its placeholders filled from ``params``.

    Raises:
        KeyError: when no message has that code (a bug: the catalogue test finds it first).
    """
    return _CATALOGUE[code].text(lang, **params)


def pair(code: str, **params: Any) -> Both:
    """The message ``code`` in both languages (a (zh_CN, en) tuple), for texts that carry both."""
    message = _CATALOGUE[code]
    return Both(message.text("zh_CN", **params), message.text("en", **params))


def defined(code: str) -> bool:
    """Whether a message has the code ``code``."""
    return code in _CATALOGUE


def catalogue() -> dict[str, Message]:
    """Every message by code."""
    return dict(_CATALOGUE)


AREAS = (api, cli, forms, indicators, labels, provision, review, sheets, sync_run, workbook)
_CATALOGUE: dict[str, Message] = {}
for _area in AREAS:
    for _message in _area.MESSAGES:
        if _message.code in _CATALOGUE:
            raise ValueError(f"message {_message.code} is defined twice")
        _CATALOGUE[_message.code] = _message
