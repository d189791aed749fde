"""The ``county-server`` command's language.

County IT run the command on a server whose locale says which language they read: Chinese when it
is a ``zh`` locale, English otherwise. The words are in :mod:`sync.messages.cli`; a command refused
raises ``sync.server.errors.Refusal``, printed in this language.
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
