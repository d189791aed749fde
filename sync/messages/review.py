"""What the township desk says: its errors and the names of the decisions."""

from sync.messages.message import Message

MESSAGES = (
    Message(
        "review.forbidden",
        zh_CN="您无权查看或处理此项：它属于您所在乡镇以外的村。",
        en="You may not see or change this: it belongs to a village outside your township.",
    ),
    Message("review.not_found", zh_CN="该事项不存在。", en="This item no longer exists."),
    Message(
        "review.stale",
        zh_CN="打开此项后数据已发生变化，请查看最新数值后重新处理。",
        en="The value changed since you opened this item. Look at the current values and decide again.",
    ),
    Message("review.already_decided", zh_CN="该事项已处理。", en="This item has already been decided."),
    Message("review.invalid", zh_CN="数值无效。", en="The value is not valid."),
    Message("review.choice.county", zh_CN="保留县里的数值", en="County value kept"),
    Message("review.choice.village", zh_CN="采用村里的数值", en="Village value taken"),
    Message("review.choice.typed", zh_CN="乡镇录入了新数值", en="New value typed by the township"),
    Message("review.choice.stay_deleted", zh_CN="维持删除", en="Stays deleted"),
    Message("review.choice.restore", zh_CN="恢复记录", en="Record restored"),
)
