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

from sync.indicators import LEFT_OUT
from sync.money import yuan
from sync.rounding import number_text, percent
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
    "coverage_share": (
        "收入覆盖率（{n}/{m} 户有当年收入）",
        "Income coverage ({n} of {m} households with income)",
    ),
    "reconcile": (
        "{year} 年收入记录 {records} 条，合计 {total}：计入收入数字 {in_records} 条 {in_total}，"
        "未计入 {out_records} 条 {out_total}（原因见“数据质量”）。",
        "Income records of {year}: {records}, {total} in all; in the figures {in_records}, {in_total}; "
        "left out {out_records}, {out_total} (reasons under Data quality).",
    ),
    "low_mark": ("（覆盖率低）", " (low coverage)"),
    "low_warning": (
        "收入数字只含 {n} / {m} 户（{share}），低于 {limit}：这些数字不代表全村。",
        "The income figures cover only {n} of {m} households ({share}), under {limit}: "
        "they do not stand for the whole village.",
    ),
    "records_of_year": ("当年收入记录（条）", "Income records of the year"),
    "records_of_year_fen": ("当年收入记录金额", "Amount of the year's income records"),
    "records_in": ("计入收入数字的记录（条）", "Records in the income figures"),
    "records_in_fen": ("计入收入数字的金额", "Amount in the income figures"),
    "left_out_records": ("未计入收入：{reason}（条）", "Income left out: {reason} (records)"),
    "left_out_fen": ("未计入收入：{reason}（金额）", "Income left out: {reason} (amount)"),
    "no_present_member": ("家庭户无在册成员", "household has no member present"),
    "household_moved_out": ("家庭户已迁出", "household moved out"),
    "household_dissolved": ("家庭户已销户", "household dissolved"),
    "household_not_active": ("家庭户状态非正常", "household not active"),
    "household_deleted": ("家庭户已删除或不存在", "household deleted or not on record"),
    "amount_missing": ("金额未填写", "no amount"),
    "reference": (
        "人口、年龄、参保资格和户人口按 {day} 的登记计算；收入和服务为 {year} 年度的记录。",
        "Persons, ages, pension eligibility and household size are the register on {day}; "
        "income and services are the records of {year}.",
    ),
    "form_fields": ("县定统计项", "County's own items"),
    "ff_choice": ("{label}：{choice}", "{label}: {choice}"),
    "ff_unanswered": ("{label}：未填写", "{label}: not filled in"),
    "ff_sum": ("{label}（合计）", "{label} (total)"),
    "ff_mean_household": ("{label}（平均，{n} 户填写）", "{label} (mean of {n} households answering)"),
    "ff_mean_person": ("{label}（平均，{n} 人填写）", "{label} (mean of {n} persons answering)"),
    "ff_left_out_household": (
        "{label}：非正常户的记录（未计入，{n} 户）",
        "{label}: households not active (left out, {n})",
    ),
    "ff_left_out_person": (
        "{label}：不在册人员的记录（未计入，{n} 人）",
        "{label}: persons not present (left out, {n})",
    ),
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
        add("form_fields", f"ff_mean_{item['entity']}", item["mean"], "fen" if money else "ratio",
            name=f"{name}.mean", label=label, n=item["answered"])  # fmt: skip
        left = item["left_out"]
        if left["records"]:
            add("form_fields", f"ff_left_out_{item['entity']}", left["sum"], "fen" if money else "count",
                name=f"{name}.left_out", label=label, n=left["records"])  # fmt: skip
