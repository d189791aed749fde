"""What a sync run says: the laptop's and the staff client's sync errors, the status line, enrollment,
new county forms refused, and what the county server's command needs installed."""

from sync.messages.message import Message

MESSAGES = (
    Message("sync_run.sync_error", zh_CN="同步失败。", en="Synchronisation failed."),
    Message(
        "sync_run.offline",
        zh_CN="无法连接县级服务器。您的修改已保存，稍后会自动发送。",
        en="The county server cannot be reached. Your changes are kept and will be sent later.",
    ),
    Message(
        "sync_run.timeout",
        zh_CN="县级服务器响应超时。您的修改已保存，稍后会自动发送。",
        en="The county server did not answer in time. Your changes are kept and will be sent later.",
    ),
    Message(
        "sync_run.certificate",
        zh_CN="服务器的安全证书不是县里颁发的，未发送任何数据。网络可能被劫持，请联系县信息中心。",
        en=(
            "The server's security certificate is not the county's. Nothing was sent. The network may be "
            "redirected: please contact county IT."
        ),
    ),
    Message(
        "sync_run.auth",
        zh_CN="县级服务器不再接受这台电脑，请使用新的注册码重新注册。",
        en="The county server no longer accepts this laptop. Please enroll it again with a new code.",
    ),
    Message(
        "sync_run.rejected",
        zh_CN="县级服务器拒绝了该请求。",
        en="The county server refused the request.",
    ),
    Message(
        "sync_run.stale_request",
        zh_CN="这台电脑的日期或时间不正确，请校准时间后再同步。",
        en="This laptop's date or time is wrong. Please correct the clock and sync again.",
    ),
    Message(
        "sync_run.protocol_version",
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
        "sync_run.too_large",
        zh_CN="本批数据超过服务器的上限。",
        en="The batch was too large for the server.",
    ),
    Message(
        "sync_run.server",
        zh_CN="县级服务器出现故障。您的修改已保存，请稍后再试。",
        en="The county server had a problem. Your changes are kept; please try again later.",
    ),
    Message("sync_run.cancelled", zh_CN="同步已停止。", en="Synchronisation was stopped."),
    Message(
        "sync_run.server_older",
        zh_CN=(
            "县级服务器的版本比这台电脑上的程序旧，暂时无法同步。数据仍保存在电脑上，请联系县信息中心升级服"
            "务器。"
        ),
        en=(
            "The county server is older than this laptop's program and cannot sync with it yet. Your "
            "records are kept on the laptop; please ask county IT to update the county server."
        ),
    ),
    Message(
        "sync_run.insecure_url",
        zh_CN="服务器地址必须以 https:// 开头（http 仅限本机使用）。",
        en="The server address must start with https:// (plain http is only allowed on this machine).",
    ),
    Message(
        "sync_run.ca_missing",
        zh_CN="缺少县级证书文件，请重新导入配置文件。",
        en="The county certificate file is missing. Please reinstall the provisioning file.",
    ),
    Message("sync_run.bad_url", zh_CN="服务器地址无效。", en="The server address is not valid."),
    Message(
        "sync_run.unreadable_answer",
        zh_CN="服务器返回的内容无法读取。",
        en="The server sent an answer that cannot be read.",
    ),
    Message(
        "sync_run.answer_too_new",
        zh_CN="服务器返回的数据本版本无法读取，请升级软件。",
        en="The server sent an answer this version of the app cannot read. Please update the app.",
    ),
    Message(
        "sync_run.unauthorized",
        zh_CN="请（重新）登录县级服务器。",
        en="Please sign in (again) to the county server.",
    ),
    Message("sync_run.bad_login", zh_CN="用户名或密码错误。", en="Wrong user name or password."),
    Message(
        "sync_run.too_many_attempts",
        zh_CN="该用户名登录失败次数过多，请15分钟后再试。",
        en="Too many failed sign-ins with this user name; try again in 15 minutes.",
    ),
    Message(
        "forms_version.unsigned",
        zh_CN="县里发布的表单没有签名，本机不采用，继续使用现有表单",
        en="The county's new forms are not signed: this laptop keeps the forms it has",
    ),
    Message(
        "forms_version.signature",
        zh_CN="县里发布的表单签名不符（文件被改动或损坏），本机不采用，继续使用现有表单",
        en=(
            "The signature of the county's new forms does not match (changed or damaged): this laptop "
            "keeps the forms it has"
        ),
    ),
    Message(
        "forms_version.signer",
        zh_CN="县里发布的表单不是用本县的密钥签名的，本机不采用，继续使用现有表单",
        en=(
            "The county's new forms are signed with another key than your county's: this laptop keeps the "
            "forms it has"
        ),
    ),
    Message(
        "forms_version.no_key",
        zh_CN="本机的配置文件没有县里的签名密钥，无法核对新表单，继续使用现有表单",
        en=(
            "This laptop has no county signing key (its provisioning file was not signed), so it cannot "
            "check new forms and keeps the forms it has"
        ),
    ),
    Message(
        "forms_version.invalid",
        zh_CN="县里发布的表单无法使用，本机继续使用现有表单",
        en="The county's new forms cannot be used: this laptop keeps the forms it has",
    ),
    Message(
        "install.demo_needs_server",
        zh_CN="演示模式会在本机运行一个县级服务器，需要安装服务器组件（缺少：{names}）。请运行：{cmd}",
        en=(
            "The demo runs a county server on this computer and needs the server extra (missing: {names}). "
            "Run: {cmd}"
        ),
    ),
    Message(
        "install.server_needs_extra",
        zh_CN="县级服务器需要安装服务器组件（缺少：{names}）。请运行：{cmd}",
        en="The county server needs the server extra (missing: {names}). Run: {cmd}",
    ),
    Message(
        "sync_run.not_configured",
        zh_CN="这台电脑还没有设置县级服务器。",
        en="No county server is set up on this laptop yet.",
    ),
    Message(
        "sync_run.not_enrolled",
        zh_CN="这台电脑尚未注册，请输入县信息中心提供的注册码。",
        en="This laptop is not enrolled yet. Enter the enrollment code from county IT.",
    ),
    Message(
        "sync_run.wrong_village",
        zh_CN="该注册码属于其他村，未做任何更改。",
        en="This enrollment code is for another village. Nothing was changed.",
    ),
    Message("sync_run.connected", zh_CN="已连接县级服务器", en="Connected to the county server"),
    Message(
        "sync_run.connected_clock",
        zh_CN="已连接县级服务器。{clock}",
        en="Connected to the county server. {clock}",
    ),
    Message(
        "sync_run.clock_behind",
        zh_CN=(
            "这台电脑的时间比县级服务器慢了约 {amount}。同步照常进行（使用服务器时间），请尽快校准电脑的日"
            "期和时间。"
        ),
        en=(
            "This laptop's clock is about {amount} behind the county server's. Sync goes on (it uses the "
            "server's time); please have the date and time corrected."
        ),
    ),
    Message(
        "sync_run.clock_ahead",
        zh_CN=(
            "这台电脑的时间比县级服务器快了约 {amount}。同步照常进行（使用服务器时间），请尽快校准电脑的日"
            "期和时间。"
        ),
        en=(
            "This laptop's clock is about {amount} ahead of the county server's. Sync goes on (it uses the "
            "server's time); please have the date and time corrected."
        ),
    ),
    Message("sync_run.days", zh_CN="{n} 天", en="{n} days"),
    Message("sync_run.hours", zh_CN="{n} 小时", en="{n} hours"),
    Message("sync_run.minutes", zh_CN="{n} 分钟", en="{n} minutes"),
    Message(
        "sync_run.report_counts",
        zh_CN="已上传 {pushed} 条记录，已下载 {pulled} 条记录",
        en="Sent {pushed} records, received {pulled} records",
    ),
    Message(
        "sync_run.report_conflicts",
        zh_CN="{n} 条有冲突（保留县里数据，待乡镇处理）",
        en="{n} in conflict (county value kept, for the township to resolve)",
    ),
    Message("sync_run.report_rejected", zh_CN="{n} 条被退回，请修改", en="{n} refused, please correct them"),
    Message(
        "sync_run.report_quarantined",
        zh_CN="{n} 条县里的记录含无法保存的内容，已另行保管，请联系县信息中心",
        en=(
            "{n} from the county held values this laptop cannot keep; they are kept aside, please tell "
            "county IT"
        ),
    ),
    Message(
        "sync_run.report_forms_taken",
        zh_CN="已启用县里发布的第 {version} 版表单",
        en="now using the county's forms, version {version}",
    ),
    Message("sync_run.report_separator", zh_CN="；", en="; "),
    Message("sync_run.report_line", zh_CN="{parts}。", en="{parts}."),
    Message("sync_run.report_line_clock", zh_CN="{parts}。{clock}", en="{parts}. {clock}"),
    Message(
        "sync_run.quarantined_malformed",
        zh_CN="县里发来的这条记录格式不对，无法保存",
        en="This record from the county is malformed and cannot be stored",
    ),
)
