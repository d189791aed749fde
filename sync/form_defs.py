"""The shapes of a form definition: fields, their choices, the forms, and the ``Lookup`` the
uniqueness rules count with. Plain data with no checks of their own: ``sync.schema`` reads them from
the JSON (``resources/forms/*.json``) and ``sync.form_rules`` compiles the checks from them, so
both import this module and neither imports the other's definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class Lookup(Protocol):
    """Counts live (not deleted) records of the same village; used by the uniqueness rules."""

    def count(self, entity: str, where: Mapping[str, Any], exclude_id: str | None) -> int: ...


def _zh(lang: str) -> bool:
    return lang.lower().startswith("zh")


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    zh: str
    en: str

    def label(self, lang: str = "zh_CN") -> str:
        return self.zh if _zh(lang) else self.en


@dataclass(frozen=True, slots=True, eq=False)
class FieldDef:
    name: str
    type: str
    label_zh: str
    label_en: str
    required: bool = False
    choices: list[Choice] = field(default_factory=list)
    min: int | str | None = None
    """Smallest int/money value, or earliest ISO date."""
    max: int | str | None = None
    """Largest int/money value, or latest ISO date. For ``"max": "current_year"`` this is the year at load."""
    max_length: int | None = None
    pattern: str | None = None
    ref: str | None = None
    """Target entity of a ``ref`` field."""
    hint_zh: str | None = None
    hint_en: str | None = None
    min_length: int | None = None
    not_future: bool = False
    """Dates: not after today."""
    max_current_year: bool = False
    """Ints: not after the current year (checked against ``today`` at validation)."""
    multiline: bool = False
    hidden: bool = False
    """Removed by a newer form version: not shown or asked for, but its values are kept and sync."""
    constraint_message: tuple[str, str] | None = None
    """(zh, en) said instead of the forms' own message when a limit, length or pattern fails."""
    required_message: tuple[str, str] | None = None
    """(zh, en) said instead of the forms' own message when the field is left empty."""
    indicator: str | None = None
    """``count`` (a choice field) or ``sum`` (int or money): counted in the indicators
    (:mod:`sync.indicator_fields`)."""

    def label(self, lang: str = "zh_CN") -> str:
        return self.label_zh if _zh(lang) else self.label_en

    def hint(self, lang: str = "zh_CN") -> str | None:
        return self.hint_zh if _zh(lang) else self.hint_en

    def choice_label(self, value: str | None, lang: str = "zh_CN") -> str:
        """Label of a choice value; ``""`` for ``None`` or a value not in the list."""
        for choice in self.choices:
            if choice.value == value:
                return choice.label(lang)
        return ""


@dataclass(frozen=True, slots=True, eq=False)
class FormDef:
    entity: str
    label_zh: str
    label_en: str
    fields: list[FieldDef]
    rules: list[dict[str, Any]] = field(default_factory=list)

    def label(self, lang: str = "zh_CN") -> str:
        return self.label_zh if _zh(lang) else self.label_en

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldDef:
        """The field called ``name``; ``KeyError`` if the form has none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)
