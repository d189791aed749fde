"""What the form rules say about a value (labels and limits come from the form, never the value),
and what a resident ID check says."""

from sync.messages.message import Message

MESSAGES = (
    Message("form.required", zh_CN="请填写{label}", en="{label} is required"),
    Message("form.required_choice", zh_CN="请选择{label}", en="{label} is required"),
    Message("form.not_text", zh_CN="{label}应为文字", en="{label} must be text"),
    Message("form.too_long", zh_CN="{label}不能超过{max}个字", en="{label} must be at most {max} characters"),
    Message(
        "form.too_short",
        zh_CN="{label}至少需要{min}个字",
        en="{label} must be at least {min} characters",
    ),
    Message(
        "form.control_chars",
        zh_CN="{label}含有看不见的字符（控制字符、零宽字符或改变文字方向的字符），请删除后重新输入",
        en=(
            "{label} contains invisible characters (control, zero-width or text-direction characters); "
            "please delete them and type it again"
        ),
    ),
    Message("form.pattern", zh_CN="{label}格式不正确", en="{label} is not in the expected format"),
    Message(
        "form.pattern_hint",
        zh_CN="{label}格式不正确（{hint}）",
        en="{label} is not in the expected format ({hint})",
    ),
    Message("form.not_int", zh_CN="{label}应为整数", en="{label} must be a whole number"),
    Message(
        "form.not_date",
        zh_CN="{label}应为有效日期，格式为年-月-日",
        en="{label} must be a real date written YYYY-MM-DD",
    ),
    Message("form.future", zh_CN="{label}不能晚于今天", en="{label} cannot be in the future"),
    Message("form.choice", zh_CN="请从可选项中选择{label}", en="{label} must be one of the listed options"),
    Message("form.ref", zh_CN="{label}不是有效的记录编号", en="{label} must refer to a record by its id"),
    Message(
        "form.phone",
        zh_CN="{label}格式不正确（手机号为1开头的11位数字，座机如 0371-12345678）",
        en="{label} is not a valid number (mobile: 11 digits starting with 1; landline e.g. 0371-12345678)",
    ),
    Message(
        "form.after_current_year",
        zh_CN="{label}不能晚于今年",
        en="{label} cannot be later than this year",
    ),
    Message(
        "form.money_decimals",
        zh_CN="{label}最多只能有两位小数",
        en="{label} can have at most two decimal places",
    ),
    Message("form.money_too_small", zh_CN="{label}不能少于{min}元", en="{label} must be at least {min} yuan"),
    Message("form.money_too_large", zh_CN="{label}不能超过{max}元", en="{label} must be at most {max} yuan"),
    Message("form.date_too_small", zh_CN="{label}不能早于{min}", en="{label} cannot be before {min}"),
    Message("form.date_too_large", zh_CN="{label}不能晚于{max}", en="{label} cannot be after {max}"),
    Message("form.too_small", zh_CN="{label}不能小于{min}", en="{label} must be at least {min}"),
    Message("form.too_large", zh_CN="{label}不能大于{max}", en="{label} must be at most {max}"),
    Message("form.bad_id", zh_CN="记录编号无效", en="The record id is not a valid UUID"),
    Message("form.bad_village_code", zh_CN="村代码应为12位数字", en="The village code must be 12 digits"),
    Message("form.unknown_field", zh_CN="表单中没有这一项", en="This form has no such field"),
    Message(
        "form.entity_mismatch",
        zh_CN="记录编号已被另一类记录使用",
        en="The record id belongs to another kind of record",
    ),
    Message(
        "form.one_of_required",
        zh_CN="请至少填写{labels}中的一项",
        en="Fill in at least one of {labels}",
    ),
    Message("form.or", zh_CN="或", en=" or "),
    Message(
        "form.duplicate",
        zh_CN="本村已有相同的{labels}",
        en="Another record in this village has the same {labels}",
    ),
    Message("form.and", zh_CN="、", en=", "),
    Message(
        "form.birth_date_mismatch",
        zh_CN="出生日期与公民身份号码中的出生日期不一致",
        en="The date of birth does not match the one in the resident ID",
    ),
    Message("form.sex_mismatch", zh_CN="性别与公民身份号码不一致", en="Sex does not match the resident ID"),
    Message("resident_id.length", zh_CN="公民身份号码应为18位", en="A resident ID must have 18 characters"),
    Message(
        "resident_id.format",
        zh_CN="公民身份号码前17位应为数字，最后一位为数字或X",
        en="A resident ID must be 17 digits followed by a digit or X",
    ),
    Message(
        "resident_id.region",
        zh_CN="公民身份号码前6位地址码无效",
        en="The address code (first 6 digits) of the resident ID is not valid",
    ),
    Message(
        "resident_id.birth_date",
        zh_CN="公民身份号码中的出生日期不是有效日期",
        en="The birth date inside the resident ID is not a real date",
    ),
    Message(
        "resident_id.future",
        zh_CN="公民身份号码中的出生日期晚于今天",
        en="The birth date inside the resident ID is in the future",
    ),
    Message(
        "resident_id.too_old",
        zh_CN="公民身份号码中的出生日期早于1900年",
        en="The birth date inside the resident ID is before 1900",
    ),
    Message(
        "resident_id.check",
        zh_CN="公民身份号码校验位不正确，请核对是否录入有误",
        en="The check character of the resident ID is wrong; please look for a typing error",
    ),
    Message(
        "form.min_when",
        zh_CN="{other}为“{choice}”时，{label}不能小于{min}",
        en="{label} must be at least {min} when {other} is {choice}",
    ),
    Message("form.min_when_money", zh_CN="{amount}元", en="{amount} yuan"),
)
