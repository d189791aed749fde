"""The indicators' section names, figure labels and notes (screens, the printed report, Excel),
by the key :mod:`sync.indicator_labels` gives each figure."""

from sync.messages.message import Message

MESSAGES = (
    Message("indicator.population", zh_CN="人口", en="Population"),
    Message("indicator.households", zh_CN="家庭户", en="Households"),
    Message("indicator.income", zh_CN="收入", en="Income"),
    Message("indicator.coverage", zh_CN="保险覆盖", en="Insurance coverage"),
    Message("indicator.services", zh_CN="公共服务", en="Services"),
    Message("indicator.quality", zh_CN="数据质量", en="Data quality"),
    Message("indicator.persons", zh_CN="在册人口", en="Persons present"),
    Message("indicator.male", zh_CN="男", en="Male"),
    Message("indicator.female", zh_CN="女", en="Female"),
    Message("indicator.unknown", zh_CN="未知", en="Unknown"),
    Message("indicator.hh_total", zh_CN="正常户数", en="Active households"),
    Message("indicator.inc_households", zh_CN="有收入记录的户数", en="Households with income recorded"),
    Message("indicator.inc_persons", zh_CN="其人口", en="Their members"),
    Message("indicator.mean", zh_CN="人均可支配收入（均值）", en="Per-capita disposable income (mean)"),
    Message("indicator.median", zh_CN="人均可支配收入（中位数）", en="Per-capita disposable income (median)"),
    Message("indicator.quintile", zh_CN="五等份第{n}组均值", en="Quintile {n} mean"),
    Message("indicator.ratio", zh_CN="高低收入组倍数（五等份）", en="Top / bottom quintile ratio"),
    Message("indicator.gini", zh_CN="基尼系数", en="Gini coefficient"),
    Message("indicator.source", zh_CN="{label}", en="{label}"),
    Message("indicator.line", zh_CN="收入线（人均每年）", en="Income line (per person per year)"),
    Message("indicator.under_hh", zh_CN="低于收入线的户占比", en="Households under the line"),
    Message("indicator.under_persons", zh_CN="低于收入线的人口占比", en="Persons under the line"),
    Message(
        "indicator.medical",
        zh_CN="医疗保险参保率（全部人口）",
        en="Medical insurance coverage (everyone)",
    ),
    Message(
        "indicator.pension",
        zh_CN="养老保险参保率（{age}岁及以上）",
        en="Pension insurance coverage (aged {age}+)",
    ),
    Message("indicator.medical_unknown", zh_CN="医疗保险未填写人数", en="Medical insurance not filled in"),
    Message("indicator.pension_unknown", zh_CN="养老保险未填写人数", en="Pension insurance not filled in"),
    Message("indicator.svc_total", zh_CN="服务次数", en="Services given"),
    Message("indicator.svc_type", zh_CN="{label}（次）", en="{label} (times)"),
    Message(
        "indicator.required_missing",
        zh_CN="{label}缺必填项的记录",
        en="{label} records missing a required field",
    ),
    Message("indicator.unknown_age", zh_CN="出生日期无效的人数", en="Persons without a valid birth date"),
    Message(
        "indicator.no_income",
        zh_CN="有成员但无当年收入记录的户数",
        en="Households with members but no income of the year",
    ),
    Message("indicator.never_synced", zh_CN="从未同步的记录", en="Records never synced"),
    Message("indicator.open_conflicts", zh_CN="待处理的冲突", en="Open conflicts"),
    Message(
        "indicator.coverage_share",
        zh_CN="收入覆盖率（{n}/{m} 户有当年收入）",
        en="Income coverage ({n} of {m} households with income)",
    ),
    Message(
        "indicator.reconcile",
        zh_CN=(
            "{year} 年收入记录 {records} 条，合计 {total}：计入收入数字 {in_records} 条 {in_total}，未计入 "
            "{out_records} 条 {out_total}（原因见“数据质量”）。"
        ),
        en=(
            "Income records of {year}: {records}, {total} in all; in the figures {in_records}, {in_total}; "
            "left out {out_records}, {out_total} (reasons under Data quality)."
        ),
    ),
    Message("indicator.low_mark", zh_CN="（覆盖率低）", en=" (low coverage)"),
    Message(
        "indicator.low_warning",
        zh_CN="收入数字只含 {n} / {m} 户（{share}），低于 {limit}：这些数字不代表全村。",
        en=(
            "The income figures cover only {n} of {m} households ({share}), under {limit}: they do not "
            "stand for the whole village."
        ),
    ),
    Message("indicator.records_of_year", zh_CN="当年收入记录（条）", en="Income records of the year"),
    Message(
        "indicator.records_of_year_fen",
        zh_CN="当年收入记录金额",
        en="Amount of the year's income records",
    ),
    Message("indicator.records_in", zh_CN="计入收入数字的记录（条）", en="Records in the income figures"),
    Message("indicator.records_in_fen", zh_CN="计入收入数字的金额", en="Amount in the income figures"),
    Message(
        "indicator.left_out_records",
        zh_CN="未计入收入：{reason}（条）",
        en="Income left out: {reason} (records)",
    ),
    Message(
        "indicator.left_out_fen",
        zh_CN="未计入收入：{reason}（金额）",
        en="Income left out: {reason} (amount)",
    ),
    Message("indicator.no_present_member", zh_CN="家庭户无在册成员", en="household has no member present"),
    Message("indicator.household_moved_out", zh_CN="家庭户已迁出", en="household moved out"),
    Message("indicator.household_dissolved", zh_CN="家庭户已销户", en="household dissolved"),
    Message("indicator.household_not_active", zh_CN="家庭户状态非正常", en="household not active"),
    Message(
        "indicator.household_deleted",
        zh_CN="家庭户已删除或不存在",
        en="household deleted or not on record",
    ),
    Message("indicator.amount_missing", zh_CN="金额未填写", en="no amount"),
    Message(
        "indicator.reference",
        zh_CN="人口、年龄、参保资格和户人口按 {day} 的登记计算；收入和服务为 {year} 年度的记录。",
        en=(
            "Persons, ages, pension eligibility and household size are the register on {day}; income and "
            "services are the records of {year}."
        ),
    ),
    Message("indicator.yuan", zh_CN="元", en="yuan"),
    Message("indicator.none", zh_CN="—", en="—"),
    Message("indicator.age_group", zh_CN="{group}岁", en="{group}"),
    Message("indicator.form_fields", zh_CN="县定统计项", en="County's own items"),
    Message("indicator.ff_choice", zh_CN="{label}：{choice}", en="{label}: {choice}"),
    Message("indicator.ff_unanswered", zh_CN="{label}：未填写", en="{label}: not filled in"),
    Message("indicator.ff_sum", zh_CN="{label}（合计）", en="{label} (total)"),
    Message(
        "indicator.ff_mean_household",
        zh_CN="{label}（平均，{n} 户填写）",
        en="{label} (mean of {n} households answering)",
    ),
    Message(
        "indicator.ff_mean_person",
        zh_CN="{label}（平均，{n} 人填写）",
        en="{label} (mean of {n} persons answering)",
    ),
    Message(
        "indicator.ff_left_out_household",
        zh_CN="{label}：非正常户的记录（未计入，{n} 户）",
        en="{label}: households not active (left out, {n})",
    ),
    Message(
        "indicator.ff_left_out_person",
        zh_CN="{label}：不在册人员的记录（未计入，{n} 人）",
        en="{label}: persons not present (left out, {n})",
    ),
)
