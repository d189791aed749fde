"""One message of the catalogue (:mod:`sync.messages`), and a text in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


class Both(NamedTuple):
    """A text in both languages: what :func:`pair` returns, and a parameter that differs by language
    (a form label: ``text("form.required", lang, label=Both(f.label_zh, f.label_en))``)."""

    zh_CN: str
    en: str


@dataclass(frozen=True)
class Message:
    code: str
    zh_CN: str
    en: str

    def text(self, lang: str = "zh_CN", **params: Any) -> str:
        zh = lang.startswith("zh")
        template = self.zh_CN if zh else self.en
        if not params:
            return template
        return template.format(
            **{k: (v[0] if zh else v[1]) if isinstance(v, Both) else v for k, v in params.items()}
        )
