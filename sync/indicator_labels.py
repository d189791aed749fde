"""The indicators as labelled figures (zh_CN and en), for screens, the printed report and Excel.

:func:`figures` turns a :func:`sync.indicators.compute` result into rows of (section, label, value,
kind); :func:`format_value` writes a value for people (money in yuan, shares in per cent). Choice
labels (household category, income source, service type) come from the form definitions, so they read
the same as on the forms. No personal data is in a result, so none is in a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.schema import Forms, load_forms

_ZH_EN: dict[str, tuple[str, str]] = {
    "population": ("人口", "Population"),
    "households": ("家庭户", "Households"),
    "income": ("收入", "Income"),
    "coverage": ("保险覆盖", "Insurance coverage"),
    "services": ("公共服务", "Services"),
    "quality": ("数据质量", "Data quality"),
    "persons": ("在册人口", "Persons present"),
    "male": ("男", "Male"),
    "female": ("女", "Female"),
    "unknown": ("未知", "Unknown"),
    "hh_total": ("正常户数", "Active households"),
    "inc_households": ("有收入记录的户数", "Households with income recorded"),
    "inc_persons": ("其人口", "Their members"),
    "mean": ("人均可支配收入（均值）", "Per-capita disposable income (mean)"),
    "median": ("人均可支配收入（中位数）", "Per-capita disposable income (median)"),
    "quintile": ("五等份第{n}组均值", "Quintile {n} mean"),
    "ratio": ("高低收入组倍数（五等份）", "Top / bottom quintile ratio"),
    "gini": ("基尼系数", "Gini coefficient"),
    "source": ("{label}", "{label}"),
    "line": ("收入线（人均每年）", "Income line (per person per year)"),
    "under_hh": ("低于收入线的户占比", "Households under the line"),
    "under_persons": ("低于收入线的人口占比", "Persons under the line"),
    "medical": ("医疗保险参保率（全部人口）", "Medical insurance coverage (everyone)"),
    "pension": ("养老保险参保率（{age}岁及以上）", "Pension insurance coverage (aged {age}+)"),
    "medical_unknown": ("医疗保险未填写人数", "Medical insurance not filled in"),
    "pension_unknown": ("养老保险未填写人数", "Pension insurance not filled in"),
    "svc_total": ("服务次数", "Services given"),
    "svc_type": ("{label}（次）", "{label} (times)"),
    "required_missing": ("{label}缺必填项的记录", "{label} records missing a required field"),
    "unknown_age": ("出生日期无效的人数", "Persons without a valid birth date"),
    "no_income": ("有成员但无当年收入记录的户数", "Households with members but no income of the year"),
    "never_synced": ("从未同步的记录", "Records never synced"),
    "open_conflicts": ("待处理的冲突", "Open conflicts"),
    "yuan": ("元", "yuan"),
    "none": ("—", "—"),
}


def text(key: str, lang: str = "zh_CN", **params: Any) -> str:
    zh, en = _ZH_EN[key]
    return (zh if lang.lower().startswith("zh") else en).format(**params)


def choice_label(forms: Forms, entity: str, name: str, value: str, lang: str = "zh_CN") -> str:
    """A choice's label from the forms; the value itself when the form does not know it."""
    return forms[entity].field(name).choice_label(value, lang) or value


def age_label(group: str, lang: str = "zh_CN") -> str:
    if group == "unknown":
        return text("unknown", lang)
    return f"{group}岁" if lang.lower().startswith("zh") else group


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
        return f"{value / 100:,.2f} {text('yuan', lang)}"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "index":
        return f"{value:.4f}"
    return f"{value:,}"


def figures(result: dict[str, Any], lang: str = "zh_CN", forms: Forms | None = None) -> list[Figure]:
    """Every figure of a result, in reading order, labelled in ``lang``."""
    forms = forms or load_forms()
    out: list[Figure] = []

    def add(section: str, key: str, value: Any, kind: str, **params: Any) -> None:
        out.append(Figure(text(section, lang), text(key, lang, **params), value, kind, f"{section}.{key}"))

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
    cov = result["coverage"]
    add("coverage", "medical", cov["medical"]["share"], "share")
    add("coverage", "pension", cov["pension"]["share"], "share", age=cov["pension_age"])
    add("coverage", "medical_unknown", cov["medical"]["unknown"], "count")
    add("coverage", "pension_unknown", cov["pension"]["unknown"], "count")
    svc = result["services"]
    add("services", "svc_total", svc["total"], "count")
    for kind, n in svc["by_type"].items():
        add("services", "svc_type", n, "count", label=choice_label(forms, "service", "type", kind, lang))
    q = result["quality"]
    for entity, n in q["required_missing"].items():
        add("quality", "required_missing", n, "count", label=forms[entity].label(lang))
    add("quality", "unknown_age", q["unknown_age"], "count")
    add("quality", "no_income", q["households_without_income"], "count")
    add("quality", "never_synced", q["never_synced"], "count")
    add("quality", "open_conflicts", q["open_conflicts"], "count")
    return out
