"""The indicators as labelled figures (zh_CN and en), for screens, the printed report and Excel.

:func:`figures` turns a :func:`sync.indicators.compute` result into rows of (section, label, value,
kind); :func:`format_value` writes a value for people (money in yuan, shares in per cent), rounded by
the one rule of :mod:`sync.rounding` (decimal, halves away from zero). Choice
labels (household category, income source, service type) come from the form definitions, so they read
the same as on the forms. No personal data is in a result, so none is in a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync import messages
from sync.indicators import LEFT_OUT
from sync.money import yuan
from sync.rounding import number_text, percent
from sync.schema import Forms, load_forms


def text(key: str, lang: str = "zh_CN", **params: Any) -> str:
    """The label ``key`` (message ``indicator.<key>`` in :mod:`sync.messages`) in ``lang``."""
    return messages.text(f"indicator.{key}", lang, **params)


def choice_label(forms: Forms, entity: str, name: str, value: str, lang: str = "zh_CN") -> str:
    """A choice's label from the forms; the value itself when the form does not know it."""
    return forms[entity].field(name).choice_label(value, lang) or value


def age_label(group: str, lang: str = "zh_CN") -> str:
    if group == "unknown":
        return text("unknown", lang)
    return text("age_group", lang, group=group)


@dataclass(frozen=True, slots=True)
class Figure:
    section: str
    label: str
    value: int | float | None
    kind: str
    """``count``, ``fen`` (money in fen), ``share`` (0..1), ``ratio`` or ``index`` (Gini)."""
    key: str = ""
    """``section.name`` of the figure (e.g. ``income.gini``), the same in every language."""


def format_value(figure: Figure | tuple[Any, str], lang: str = "zh_CN") -> str:
    """A value for people: ``44,659.00 元``, ``12.5%``, ``1,234``; ``—`` when there is none."""
    value, kind = (figure.value, figure.kind) if isinstance(figure, Figure) else figure
    if value is None:
        return text("none", lang)
    if kind == "fen":
        return f"{yuan(int(value))} {text('yuan', lang)}"
    if kind == "share":
        return percent(value)
    if kind == "ratio":
        return number_text(value, 2)
    if kind == "index":
        return number_text(value, 4, grouping=False)
    return f"{value:,}"


def coverage_warning(result: dict[str, Any], lang: str = "zh_CN") -> str | None:
    """The sentence shown above the figures when the income coverage is low; ``None`` when it is not."""
    from sync.indicators import LOW_COVERAGE

    cov = result["income"].get("coverage") or {}
    if not cov.get("low"):
        return None
    return text(
        "low_warning", lang, n=cov["households"], m=cov["active_households"],
        share=percent(cov["share"] or 0), limit=percent(LOW_COVERAGE, 0),
    )  # fmt: skip


def reconciliation(result: dict[str, Any], lang: str = "zh_CN") -> str:
    """Every income record of the year: how many and how much are in the figures and left out."""
    records = result["income"]["records"]
    left = result["quality"]["income_left_out"].values()

    def money(value: int) -> str:
        return format_value((value, "fen"), lang)

    return text(
        "reconcile", lang, year=result["year"],
        records=records["of_year"], total=money(records["of_year_fen"]),
        in_records=records["in_figures"], in_total=money(records["in_figures_fen"]),
        out_records=sum(v["records"] for v in left), out_total=money(sum(v["amount_fen"] for v in left)),
    )  # fmt: skip


def reference_period(result: dict[str, Any], lang: str = "zh_CN") -> str:
    """Which date the register figures are taken at and which year the records are of."""
    return text("reference", lang, day=result["date"], year=result["year"])


def figures(result: dict[str, Any], lang: str = "zh_CN", forms: Forms | None = None) -> list[Figure]:
    """Every figure of a result, in reading order, labelled in ``lang``."""
    forms = forms or load_forms()
    out: list[Figure] = []

    def add(section: str, key: str, value: Any, kind: str, *, name: str = "", **params: Any) -> None:
        label = text(key, lang, **params)
        out.append(Figure(text(section, lang), label, value, kind, f"{section}.{name or key}"))

    pop = result["population"]
    add("population", "persons", pop["total"], "count")
    for sex, n in pop["by_sex"].items():
        add("population", sex if sex in ("male", "female") else "unknown", n, "count")
    hh = result["households"]
    add("households", "hh_total", hh["total"], "count")
    for category, n in hh["by_category"].items():
        label = choice_label(forms, "household", "category", category, lang)
        add("households", "source", n, "count", label=label)
    inc = result["income"]
    cov = inc["coverage"]
    low = text("low_mark", lang) if cov["low"] else ""
    first_income = len(out)
    add("income", "coverage_share", cov["share"], "share", n=cov["households"], m=cov["active_households"])
    add("income", "inc_households", inc["households"], "count")
    add("income", "inc_persons", inc["persons"], "count")
    add("income", "mean", inc["mean_fen"], "fen")
    add("income", "median", inc["median_fen"], "fen")
    for n, value in enumerate(inc["quintile_means_fen"] or [None] * 5, start=1):
        add("income", "quintile", value, "fen", n=n)
    add("income", "ratio", inc["quintile_ratio"], "ratio")
    add("income", "gini", inc["gini"], "index")
    for source, value in inc["by_source_fen"].items():
        label = choice_label(forms, "income", "source", source, lang)
        add("income", "source", value, "fen", label=label)
    add("income", "line", inc["line_fen"], "fen")
    add("income", "under_hh", inc["under_line_household_share"], "share")
    add("income", "under_persons", inc["under_line_person_share"], "share")
    if low:  # the mark beside every income figure (the line is a setting, not a figure)
        out[first_income:] = [
            Figure(f.section, f.label + low, f.value, f.kind, f.key) if f.key != "income.line" else f
            for f in out[first_income:]
        ]
    records = inc["records"]
    add("income", "records_of_year", records["of_year"], "count")
    add("income", "records_of_year_fen", records["of_year_fen"], "fen")
    add("income", "records_in", records["in_figures"], "count")
    add("income", "records_in_fen", records["in_figures_fen"], "fen")
    cov = result["coverage"]  # insurance
    add("coverage", "medical", cov["medical"]["share"], "share")
    add("coverage", "pension", cov["pension"]["share"], "share", age=cov["pension_age"])
    add("coverage", "medical_unknown", cov["medical"]["unknown"], "count")
    add("coverage", "pension_unknown", cov["pension"]["unknown"], "count")
    svc = result["services"]
    add("services", "svc_total", svc["total"], "count")
    for kind, n in svc["by_type"].items():
        add("services", "svc_type", n, "count", label=choice_label(forms, "service", "type", kind, lang))
    _form_field_figures(result.get("form_fields") or [], lang, add)
    q = result["quality"]
    for entity, n in q["required_missing"].items():
        add("quality", "required_missing", n, "count", label=forms[entity].label(lang))
    add("quality", "unknown_age", q["unknown_age"], "count")
    add("quality", "no_income", q["households_without_income"], "count")
    for reason in LEFT_OUT:
        part = q["income_left_out"][reason]
        if part["records"]:
            label = text(reason, lang)
            add(
                "quality",
                "left_out_records",
                part["records"],
                "count",
                name=f"{reason}.records",
                reason=label,
            )
            add("quality", "left_out_fen", part["amount_fen"], "fen", name=f"{reason}.fen", reason=label)
    add("quality", "never_synced", q["never_synced"], "count")
    add("quality", "open_conflicts", q["open_conflicts"], "count")
    return out


_MEAN = {"household": "ff_mean_household", "person": "ff_mean_person"}
_LEFT_OUT = {"household": "ff_left_out_household", "person": "ff_left_out_person"}
"""The label of a marked field's mean and of what was left out, by the form it is on."""


def _form_field_figures(marked: list[dict[str, Any]], lang: str, add: Any) -> None:
    """The figures of fields the county's forms mark (:mod:`sync.indicator_fields`), labelled from
    the result itself: a desk holding older forms shows them too."""
    zh = lang.lower().startswith("zh")
    for item in marked:
        label, name = item["label"]["zh_CN" if zh else "en"], f"{item['entity']}.{item['field']}"
        if item["kind"] == "count":
            labels = item.get("choice_labels") or {}
            for value, n in item["by_choice"].items():
                choice = (labels.get(value) or {}).get("zh_CN" if zh else "en") or value
                add(
                    "form_fields", "ff_choice", n, "count", name=f"{name}.{value}", label=label, choice=choice
                )
            add("form_fields", "ff_unanswered", item["unanswered"], "count", name=f"{name}.unanswered",
                label=label)  # fmt: skip
            continue
        money = item.get("type") == "money"
        add(
            "form_fields", "ff_sum", item["sum"], "fen" if money else "count", name=f"{name}.sum", label=label
        )
        add("form_fields", _MEAN[item['entity']], item["mean"], "fen" if money else "ratio",
            name=f"{name}.mean", label=label, n=item["answered"])  # fmt: skip
        left = item["left_out"]
        if left["records"]:
            add("form_fields", _LEFT_OUT[item['entity']], left["sum"], "fen" if money else "count",
                name=f"{name}.left_out", label=label, n=left["records"])  # fmt: skip
