"""The ``county-server`` command's language, and the refusals it prints in it.

County IT run the command on a server whose locale says which language they read: Chinese when it
is a ``zh`` locale, English otherwise. The words are in :mod:`sync.messages.cli`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sync.messages import text


def environment_lang(environ: Mapping[str, str] = os.environ) -> str:
    """ "zh_CN" when the locale (LC_ALL, else LC_MESSAGES, else LANG; the first one set) is Chinese,
    else "en"."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh_CN" if value.startswith("zh") else "en"
    return "en"


def say(code: str, /, **params: Any) -> str:
    """The message ``code`` in the environment's language."""
    return text(code, environment_lang(), **params)


class Refusal(Exception):
    """A command that cannot be carried out, by message code: printed in the environment's language;
    ``str()`` is the English text (logs, tests)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def words(self, lang: str) -> str:
        return text(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.words("en")
