"""Answers of the county server (an error body's ``message`` and ``message_zh``), by error code."""

from sync.messages.message import Message

MESSAGES = (
    Message("api.unsigned", zh_CN="请求未签名。", en="The request is not signed."),
    Message("api.bad_signature", zh_CN="请求签名无效。", en="The request signature is not valid."),
    Message(
        "api.stale_request",
        zh_CN="请求时间与服务器时间相差太大，请检查电脑的日期和时间。",
        en="The request time is too far from the server clock; check the laptop's date and time.",
    ),
    Message(
        "api.replayed_nonce",
        zh_CN="该请求已经收到过（重放）。",
        en="This request was already received once (replay).",
    ),
    Message(
        "api.unknown_device",
        zh_CN="此电脑尚未在县服务器登记。",
        en="This laptop is not enrolled with the county server.",
    ),
    Message(
        "api.device_revoked",
        zh_CN="此电脑的访问权限已被撤销。",
        en="This laptop's access has been revoked.",
    ),
    Message(
        "api.out_of_village",
        zh_CN="数据不属于此电脑登记的村。",
        en="The data belongs to another village than the one this laptop is enrolled for.",
    ),
    Message("api.malformed", zh_CN="请求内容格式错误。", en="The request body is malformed."),
    Message(
        "api.protocol_version",
        zh_CN="电脑与县级服务器的协议版本不一致，需要更新其中一方的程序。",
        en="The laptop and the county server speak different protocol versions; one of them needs updating.",
    ),
    Message(
        "api.too_large",
        zh_CN="请求内容过大，请分批发送。",
        en="The request body is too large; send smaller batches.",
    ),
    Message(
        "api.bad_code",
        zh_CN="登记码无效、已使用、已过期或不属于该村。",
        en="The enrollment code is not valid, already used, expired or for another village.",
    ),
    Message(
        "api.key_in_use",
        zh_CN="该设备密钥已登记在另一台电脑上。每台电脑应生成自己的密钥，请在本机使用新的登记码重新登记。",
        en=(
            "This device key is already enrolled for a laptop. Each laptop makes its own key: start the "
            "enrollment again on this laptop with a new code."
        ),
    ),
    Message(
        "api.epoch_changed",
        zh_CN="县级服务器已从备份恢复，本机将重新同步。",
        en="The county server was restored from a backup; this laptop syncs again from its copy.",
    ),
    Message("api.unknown_village", zh_CN="服务器上没有该村。", en="No such village on this server."),
    Message(
        "api.batch_mismatch",
        zh_CN="该批次编号已用于另一批数据。",
        en="This batch id was already used for a different batch.",
    ),
    Message(
        "api.batch_pruned",
        zh_CN="该批数据早已处理，服务器不再保留其答复，请重新发送这些记录。",
        en="This batch was applied long ago and its answer is no longer kept; send its records again.",
    ),
    Message("api.unauthorized", zh_CN="请先登录或重新登录。", en="Sign in first, or sign in again."),
    Message("api.bad_login", zh_CN="用户名或密码错误。", en="Wrong user name or password."),
    Message(
        "api.too_many_attempts",
        zh_CN="登录失败次数过多，请稍后再试。",
        en="Too many failed sign-ins; try again later.",
    ),
    Message("api.forbidden", zh_CN="您无权查看或修改此内容。", en="You may not see or change this."),
    Message("api.not_found", zh_CN="未找到。", en="Not found."),
    Message("api.already_resolved", zh_CN="该冲突已处理。", en="This conflict is already resolved."),
    Message(
        "api.already_decided",
        zh_CN="该事项已经处理过，未做任何更改。",
        en="This item has already been decided; nothing was changed.",
    ),
    Message(
        "api.stale",
        zh_CN="打开此项后数据已发生变化，未做任何更改。请查看最新数值后重新处理。",
        en=(
            "The value changed since you opened this item; nothing was changed. Look at the current values "
            "and decide again."
        ),
    ),
    Message("api.note_required", zh_CN="请填写处理说明。", en="Write a note saying why."),
    Message("api.invalid", zh_CN="数值无效。", en="The value is not valid."),
    Message("api.method_not_allowed", zh_CN="不支持该请求方法。", en="Method not allowed."),
    Message(
        "api.busy",
        zh_CN="县级服务器繁忙，电脑稍后会自动重试。本次未做任何更改。",
        en="The county server is busy; the laptop tries again shortly. Nothing was changed.",
    ),
    Message("api.internal", zh_CN="服务器内部错误。", en="Internal server error."),
    # Answers that say more than their error code's own message.
    Message(
        "api.too_many_attempts_minutes",
        zh_CN="登录失败次数过多，请{minutes}分钟后再试。",
        en="Too many failed sign-ins; try again in {minutes} minutes.",
    ),
    Message(
        "api.too_many_attempts_seconds",
        zh_CN="登录失败次数过多，请{seconds}秒后再试。",
        en="Too many failed sign-ins; try again in {seconds} seconds.",
    ),
    Message(
        "api.protocol_server_older",
        zh_CN="这台电脑上的程序比县级服务器新。数据仍保存在电脑上，请联系县信息中心升级服务器。",
        en=(
            "This laptop's program is newer than the county server. Your records are kept on the laptop; "
            "please ask county IT to update the county server."
        ),
    ),
    Message(
        "api.protocol_laptop_older",
        zh_CN=(
            "这台电脑上的程序版本太旧，县级服务器已不再支持。数据仍保存在电脑上，请向县信息中心索取新版村级"
            "数据台并安装。"
        ),
        en=(
            "This laptop's program is too old for the county server. Your records are kept on the laptop; "
            "please ask county IT for the new version of Village Data Desk and install it."
        ),
    ),
    Message(
        "api.malformed_detail",
        zh_CN="请求内容格式错误。",
        en="The request body is malformed: {detail}.",
    ),
    Message("api.malformed_at", zh_CN="请求格式错误：{where}。", en="The request is malformed at: {where}."),
    Message(
        "api.too_deep",
        zh_CN="请求内容的嵌套层数过多。",
        en="The request body nests lists or objects too deeply.",
    ),
    Message(
        "api.protocol_mismatch",
        zh_CN="请求内容的协议版本与请求头不一致。",
        en="The body's protocol version differs from the request's.",
    ),
    Message(
        "api.device_key_invalid",
        zh_CN="设备公钥不是有效的 Ed25519 公钥。",
        en="The device public key is not a base64 Ed25519 key.",
    ),
    Message(
        "api.change_out_of_range",
        zh_CN="版本号或时钟超出范围。",
        en="A change has a version or clock out of range.",
    ),
    Message(
        "api.change_id_not_uuid",
        zh_CN="记录编号不是有效的 UUID。",
        en="A change has a record id that is not a UUID.",
    ),
    Message(
        "api.batch_id_invalid",
        zh_CN="批次编号过长或含有控制字符。",
        en="The batch id is too long or holds control characters.",
    ),
    Message(
        "api.seen_invalid",
        zh_CN="拉取请求所附的计数印记格式不对。",
        en="The pull's seen counter stamps are malformed (seq.stamp pairs, newest first, at most 16).",
    ),
    Message(
        "api.forms_version_unknown",
        zh_CN="推送所用的表单版本县里没有发布过。",
        en="The push names a form version the county has not published.",
    ),
    Message(
        "api.status_filter",
        zh_CN="status 应为 open、resolved 或 all。",
        en="status is open, resolved or all.",
    ),
    Message("api.too_many_records", zh_CN="一次最多查询100条记录。", en="Ask about at most 100 records."),
    Message(
        "api.item_number_ambiguous",
        zh_CN="有多个事项以此编号结尾：请输入清单中显示的完整编号。",
        en="More than one item has this number: type the whole number shown in the list.",
    ),
    Message(
        "api.note_required_kept",
        zh_CN="请填写处理说明（会与处理结果一起保存）。",
        en="Write a note saying why (it is kept with the decision).",
    ),
    Message(
        "api.deleted_choice",
        zh_CN="对于已删除的记录，请选择“维持删除”或“恢复”。",
        en="For a deleted record choose: stay deleted, or restore.",
    ),
    Message(
        "api.restored_field_unknown",
        zh_CN="要恢复的字段不在该表单中。",
        en="A restored field is not on this form.",
    ),
    Message(
        "api.field_choice",
        zh_CN="请选择保留县里的数值、采用村里的数值，或录入新数值。",
        en="Choose the county value, a village value, or type a value.",
    ),
    Message(
        "api.village_value_choice",
        zh_CN="请选择此项中的一个村里的数值。",
        en="Choose one of the village values of this item.",
    ),
    Message(
        "api.duplicate_keep_or_not_same",
        zh_CN="请选择保留其中一条记录，或标记为不是同一个人。",
        en="Either keep one record or mark the records as different people.",
    ),
    Message(
        "api.duplicate_outside_township",
        zh_CN="该组记录涉及您所在乡镇以外的村，请由县级工作人员处理。",
        en="Records of this group belong to villages outside your township; county staff decide it.",
    ),
    Message(
        "api.duplicate_keep_member",
        zh_CN="请保留该组中的一条记录。",
        en="Keep one of the group's records.",
    ),
)
