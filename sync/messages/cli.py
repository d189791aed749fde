"""What the ``county-server`` command line says to county IT: results, refusals and --help texts.

The command chooses the language from the environment (``sync.server.cli_words.environment_lang``).
Output scripts read (the enrollment code alone on stdout, ``list-devices``' columns, exit codes) is
not here: it stays as it is in every language.
"""

from sync.messages.message import Message

_RESULTS = (
    Message(
        "cli.db_ready",
        zh_CN="数据库已就绪：{url}（结构版本 {revision}）",
        en="database ready: {url} (schema {revision})",
    ),
    Message(
        "cli.new_epoch",
        zh_CN="新纪元 {epoch}：各台电脑将从这份数据库重新同步，并补发其中缺少的数据",
        en="new epoch {epoch}: laptops re-sync from this copy and send again what it lacks",
    ),
    Message("cli.village_added", zh_CN="已添加村 {village}", en="village {village} added"),
    Message("cli.user_added", zh_CN="已添加用户 {username}", en="user {username} added"),
    Message(
        "cli.code_issued",
        zh_CN="村 {village} 的一次性注册码，{hours} 小时内有效",
        en="one-time enrollment code for village {village}, valid {hours} hours",
    ),
    Message(
        "cli.villages_added",
        zh_CN="已添加 {added} 个村，{existing} 个村已存在",
        en="{added} villages added, {existing} already there",
    ),
    Message("cli.codes_revoked", zh_CN="已作废 {count} 个未使用的注册码", en="{count} unused codes revoked"),
    Message("cli.device_revoked", zh_CN="已停用设备 {device}", en="device {device} revoked"),
    Message("cli.pruned", zh_CN="已清理 {count} 条保存的推送应答", en="{count} stored push answers pruned"),
    Message("cli.written", zh_CN="已写入 {path}", en="written {path}"),
    Message("cli.written_what", zh_CN="已写入 {path}：{what}", en="written {path}: {what}"),
    Message("cli.history_rows", zh_CN="历史记录 {rows} 条", en="history {rows}"),
    Message(
        "cli.retention",
        zh_CN="县 {county}：记录历史保留 {days} 天",
        en="county {county}: record history kept {days} days",
    ),
    Message(
        "cli.recovery_keys_written",
        zh_CN="私钥 {private}（请离线保存），公钥 {public}",
        en="private key {private} (keep it offline), public key {public}",
    ),
    Message(
        "cli.signing_keys_written",
        zh_CN="签名私钥 {private}（请离线保存），公钥 {public}",
        en="signing key {private} (keep it offline), public key {public}",
    ),
)

_REFUSALS = (
    Message("cli.detail", zh_CN="{detail}", en="{detail}"),
    Message(
        "cli.key_exists",
        zh_CN="{path} 已存在，不会覆盖密钥",
        en="{path} exists already; not overwriting a key",
    ),
    Message(
        "cli.file_exists", zh_CN="{path} 已存在，不会覆盖", en="{path} exists already; not overwriting it"
    ),
    Message(
        "cli.recovery_passphrase_short",
        zh_CN="私钥口令至少需要 12 个字符",
        en="the private key passphrase needs at least 12 characters",
    ),
    Message(
        "cli.signing_passphrase_short",
        zh_CN="签名密钥口令至少需要 12 个字符",
        en="the signing key passphrase needs at least 12 characters",
    ),
    Message(
        "cli.password_env_empty", zh_CN="环境变量 {name} 为空", en="environment variable {name} is empty"
    ),
    Message(
        "cli.password_no_terminal",
        zh_CN="没有可输入密码的终端：请把密码放入一个环境变量，并用 --password-env VAR 指定该变量名",
        en=(
            "no terminal to type the password in: put it in an environment variable and name that "
            "variable with --password-env VAR"
        ),
    ),
    Message(
        "cli.passphrase_no_terminal",
        zh_CN="没有可输入口令的终端：请把口令放入一个环境变量，并用 --passphrase-env VAR 指定该变量名",
        en=(
            "no terminal to type the passphrase in: put it in an environment variable and name "
            "that variable with --passphrase-env VAR"
        ),
    ),
    Message("cli.passwords_differ", zh_CN="两次输入的密码不一致", en="the two passwords differ"),
    Message("cli.passphrases_differ", zh_CN="两次输入的口令不一致", en="the two passphrases differ"),
    Message("cli.cert_key_together", zh_CN="--cert 和 --key 必须同时给出", en="--cert and --key go together"),
    Message(
        "cli.tls_unreadable",
        zh_CN="无法读取 {path}（TLS 证书或私钥）",
        en="cannot read {path} (TLS certificate or key)",
    ),
    Message(
        "cli.pool_size_range",
        zh_CN="--pool-size 必须在 1 到 100 之间",
        en="--pool-size must be from 1 to 100",
    ),
    Message("cli.log_unwritable", zh_CN="无法写入日志文件 {path}", en="cannot write the log file {path}"),
    Message("cli.no_villages_to_export", zh_CN="没有可导出的村", en="no villages to export"),
    Message("cli.unknown_villages", zh_CN="没有这些村：{codes}", en="no such village: {codes}"),
    Message("cli.one_county", zh_CN="一次只能导出一个县", en="export one county at a time"),
    Message(
        "cli.since_needs_history", zh_CN="--since 只能与 --history 一起使用", en="--since goes with --history"
    ),
    Message("cli.bad_date", zh_CN="不是日期（YYYY-MM-DD）：{value}", en="not a date (YYYY-MM-DD): {value}"),
    Message(
        "cli.retention_no_villages",
        zh_CN="还没有村：请用 --county 指定县",
        en="no villages yet: give --county",
    ),
    Message("cli.retention_county", zh_CN="县 {county}：{reason}", en="county {county}: {reason}"),
    Message(
        "cli.retention_range", zh_CN="保留天数必须在 1 到 {max} 之间", en="retention must be 1 to {max} days"
    ),
    Message(
        "cli.retention_shorter",
        zh_CN="记录历史现保留 {now} 天，只能延长（要求 {days} 天）",
        en="history is kept {now} days; it can only be lengthened (asked {days})",
    ),
    Message(
        "cli.prune_days",
        zh_CN="--days 必须在 0 到 {max} 之间（一百年）",
        en="--days must be between 0 and {max} (a hundred years)",
    ),
    Message(
        "cli.workers_range",
        zh_CN="{source} 必须是 1 到 {max} 之间的整数，而不是 {value}",
        en="{source} must be a whole number from 1 to {max}, not {value}",
    ),
    Message(
        "cli.too_many_connections",
        zh_CN=(
            "{workers} 个进程、--pool-size {pool_size} 可能打开 {needed} 个数据库连接；"
            "PostgreSQL 只允许 {allowed} 个（其中 {reserved} 个留作他用）。"
            "请减小 --workers 或 --pool-size，或调高 max_connections。"
        ),
        en=(
            "{workers} workers with --pool-size {pool_size} may open {needed} database connections;"
            " PostgreSQL allows {allowed} (keep {reserved} for other use)."
            " Lower --workers or --pool-size, or raise max_connections."
        ),
    ),
    Message("cli.village_code_digits", zh_CN="村代码是 12 位数字", en="a village code is 12 digits"),
    Message("cli.village_name_missing", zh_CN="村需要一个名称", en="a village needs a name"),
    Message(
        "cli.village_name_chars",
        zh_CN="村名不能包含控制字符、零宽字符或文字方向字符",
        en="a village name cannot hold control, zero-width or text-direction characters",
    ),
    Message("cli.village_exists", zh_CN="该村已存在", en="that village already exists"),
    Message("cli.county_code_digits", zh_CN="县代码是 6 位数字", en="a county code is 6 digits"),
    Message("cli.township_code_digits", zh_CN="乡镇代码是 9 位数字", en="a township code is 9 digits"),
    Message("cli.township_name", zh_CN="乡镇需要一个普通的名称", en="a township needs a plain name"),
    Message(
        "cli.username_shape",
        zh_CN="用户名由 1 到 64 个字母、数字或 _ . @ - 组成",
        en="user names are 1-64 letters, digits or _ . @ -",
    ),
    Message("cli.password_short", zh_CN="密码至少需要 8 个字符", en="a password needs at least 8 characters"),
    Message(
        "cli.scope_choice",
        zh_CN="范围只能是 county（县）或 township（乡镇）",
        en="scope is county or township",
    ),
    Message("cli.user_exists", zh_CN="该用户已存在", en="that user already exists"),
    Message("cli.no_active_device", zh_CN="没有这个使用中的设备", en="no such active device"),
    Message(
        "cli.table_code_digits",
        zh_CN="第 {line} 行：区划代码只能是数字",
        en="line {line}: a division code is digits only",
    ),
    Message(
        "cli.table_village_name",
        zh_CN="第 {line} 行：村需要一个名称",
        en="line {line}: a village needs a name",
    ),
    Message("cli.code_hours", zh_CN="注册码的有效时间必须大于零", en="a code must be valid for some time"),
    Message("cli.enroll_no_village", zh_CN="没有这个村，请先添加", en="no such village; add it first"),
    Message(
        "cli.key_unreadable", zh_CN="无法读取签名密钥 {path}", en="the signing key {path} cannot be read"
    ),
    Message(
        "cli.ca_unreadable",
        zh_CN="无法把 CA 文件 {path} 读作 PEM 文件",
        en="the CA file {path} cannot be read as a PEM file",
    ),
    Message(
        "cli.recovery_key_unreadable",
        zh_CN="无法把恢复密钥 {path} 读作 PEM 文件",
        en="the recovery key {path} cannot be read as a PEM file",
    ),
)

_FORMS = (
    Message("cli.forms_too_large", zh_CN="{name}：大于 2 MB", en="{name}: larger than 2 MB"),
    Message("cli.forms_not_json", zh_CN="{name}：无法按 JSON 读取", en="{name}: cannot be read as JSON"),
    Message(
        "cli.forms_not_object",
        zh_CN="{name}：不是表单版本（JSON 对象）",
        en="{name}: not a form version (a JSON object)",
    ),
    Message("cli.forms_county_code", zh_CN="--county 是 6 位县代码", en="--county is a 6-digit county code"),
    Message(
        "cli.forms_which_county",
        zh_CN="请用 --county 指定县（现有的村属于 {counties}）",
        en="name the county with --county (the villages are of {counties})",
    ),
    Message(
        "cli.forms_no_county",
        zh_CN="请用 --county 指定县（还没有村）",
        en="name the county with --county (the villages are of no county)",
    ),
    Message(
        "cli.forms_problems",
        zh_CN="{name}：{count} 个问题，未发布任何内容\n{problems}",
        en="{name}: {count} problem(s), nothing published\n{problems}",
    ),
    Message(
        "cli.forms_no_version",
        zh_CN="没有第 {number} 版表单（见 forms list）",
        en="no form version {number} (see forms list)",
    ),
    Message(
        "cli.forms_can_publish",
        zh_CN="{name}：第 {version} 版可以发布",
        en="{name}: version {version} can be published",
    ),
    Message(
        "cli.forms_published",
        zh_CN="第 {number} 版已发布：各台电脑在下次同步时接收",
        en="version {number} published: laptops take it on their next sync",
    ),
    Message("cli.forms_built_in", zh_CN="内置", en="built in"),
    Message("cli.forms_published_at", zh_CN="发布于 {at}", en="published at {at}"),
    Message("cli.forms_no_change", zh_CN="没有变化", en="no change"),
)

_PROVISION = (
    Message(
        "cli.provision_usable", zh_CN="{file}：可以使用；{description}", en="{file}: usable; {description}"
    ),
    Message(
        "cli.provision_made",
        zh_CN="已写入 {path}：{description}；请用 provision-sign 签名",
        en="written {path}: {description}; sign it with provision-sign",
    ),
    Message("cli.describe_server", zh_CN="服务器 {url}", en="server {url}"),
    Message("cli.describe_ca", zh_CN="含县级 CA 证书", en="county CA included"),
    Message(
        "cli.describe_no_ca",
        zh_CN="不含县级 CA 证书（仅限本机 http）",
        en="NO county CA (only for loopback http)",
    ),
    Message("cli.describe_recovery", zh_CN="含恢复密钥", en="recovery key included"),
    Message("cli.describe_no_recovery", zh_CN="不含恢复密钥", en="NO recovery key"),
    Message("cli.describe_village", zh_CN="村 {village}", en="village {village}"),
    Message("cli.describe_any_village", zh_CN="任何村", en="any village"),
    Message("cli.describe_signed", zh_CN="签名密钥 {key}", en="signed by key {key}"),
    Message("cli.describe_unsigned", zh_CN="未签名", en="unsigned"),
)

_PROMPTS = (
    Message("cli.prompt_password", zh_CN="密码：", en="Password: "),
    Message("cli.prompt_again", zh_CN="再输入一次：", en="Again: "),
    Message("cli.prompt_private_passphrase", zh_CN="私钥口令：", en="Passphrase for the private key: "),
    Message("cli.prompt_signing_passphrase", zh_CN="签名密钥口令：", en="Passphrase for the signing key: "),
)

_HELP = (
    Message("cli.help_description", zh_CN="村级数据台 县级服务器", en="Village Data Desk county server"),
    Message(
        "cli.help_db",
        zh_CN="SQLite 文件路径或 PostgreSQL 地址（环境变量 COUNTY_SERVER_DB）",
        en="SQLite file path or PostgreSQL URL (env COUNTY_SERVER_DB)",
    ),
    Message("cli.help_env", zh_CN="环境变量 {name}", en="env {name}"),
    Message("cli.help_init", zh_CN="创建或升级数据库结构", en="create or upgrade the database schema"),
    Message(
        "cli.help_restored",
        zh_CN="从备份恢复数据库之后运行：启用新纪元，各台电脑从它重新同步",
        en="after restoring the database from a backup: a new epoch, so laptops re-sync from it",
    ),
    Message("cli.help_serve", zh_CN="运行 HTTP 接口", en="run the HTTP API"),
    Message(
        "cli.help_cert",
        zh_CN="TLS 证书链（PEM）；环境变量 COUNTY_SERVER_CERT",
        en="TLS certificate chain (PEM); env COUNTY_SERVER_CERT",
    ),
    Message(
        "cli.help_key",
        zh_CN="TLS 私钥（PEM）；环境变量 COUNTY_SERVER_KEY",
        en="TLS private key (PEM); env COUNTY_SERVER_KEY",
    ),
    Message(
        "cli.help_log_file",
        zh_CN="把日志追加到此文件而不是标准错误（logrotate 之后重新打开）；环境变量 COUNTY_SERVER_LOG",
        en="append the log here, not stderr (reopened after logrotate); env COUNTY_SERVER_LOG",
    ),
    Message(
        "cli.help_workers",
        zh_CN="共用端口的服务器进程数（默认：环境变量 WEB_CONCURRENCY，否则为 1）",
        en="server processes sharing the port (default: env WEB_CONCURRENCY, else 1)",
    ),
    Message(
        "cli.help_pool_size",
        zh_CN="每个进程保持的数据库连接数（高峰时最多两倍）；环境变量 COUNTY_SERVER_POOL_SIZE",
        en=(
            "database connections each process keeps (up to twice as many at a peak);"
            " env COUNTY_SERVER_POOL_SIZE"
        ),
    ),
    Message(
        "cli.help_add_village",
        zh_CN="按 12 位区划代码登记一个村",
        en="register a village by its 12-digit division code",
    ),
    Message(
        "cli.help_add_villages",
        zh_CN="添加区划代码表中的村（CSV：代码,名称）",
        en="add the villages of a division-code table (CSV: code,name)",
    ),
    Message(
        "cli.help_add_user", zh_CN="添加乡镇或县级工作人员账号", en="add a township or county staff user"
    ),
    Message(
        "cli.help_scope_code",
        zh_CN="县代码（6 位）或乡镇代码（9 位）",
        en="county (6 digits) or township (9 digits) code",
    ),
    Message(
        "cli.help_password_env",
        zh_CN="从此环境变量读取密码",
        en="read the password from this environment variable",
    ),
    Message(
        "cli.help_passphrase_env",
        zh_CN="从此环境变量读取密钥口令",
        en="read the key passphrase from this environment variable",
    ),
    Message(
        "cli.help_enroll_code",
        zh_CN="为一个村发放一次性注册码",
        en="issue a one-time enrollment code for a village",
    ),
    Message("cli.help_hours", zh_CN="有效小时数（默认 72）", en="valid for this many hours (default 72)"),
    Message(
        "cli.help_revoke_codes",
        zh_CN="作废一个村所有未使用的注册码",
        en="expire every unused enrollment code of a village",
    ),
    Message(
        "cli.help_list_devices",
        zh_CN="已注册的设备（用来找到要停用的那台）",
        en="enrolled devices (to find the one to revoke)",
    ),
    Message(
        "cli.help_export",
        zh_CN="把各村的记录和指标写入 Excel 文件",
        en="write villages' records and indicators to an Excel file",
    ),
    Message(
        "cli.help_export_village",
        zh_CN="村代码（可重复）；不给则导出所有村",
        en="village code (repeat); all villages if absent",
    ),
    Message("cli.help_year", zh_CN="指标的收入和服务年度", en="income and service year of the indicators"),
    Message("cli.help_history", zh_CN="改为导出记录历史", en="write the record history instead"),
    Message(
        "cli.help_since",
        zh_CN="从这一天起的历史（YYYY-MM-DD，北京时间）",
        en="history from this day on (YYYY-MM-DD, China time)",
    ),
    Message(
        "cli.help_retention",
        zh_CN="查看或延长记录历史的保留天数",
        en="show, or lengthen, how many days the record history is kept",
    ),
    Message(
        "cli.help_retention_days",
        zh_CN="至少保留这么多天（只能延长）",
        en="keep at least this many days (only longer)",
    ),
    Message(
        "cli.help_retention_county",
        zh_CN="县代码（6 位）；不给则为所有有村的县",
        en="county code (6 digits); every county with villages if absent",
    ),
    Message(
        "cli.help_revoke_device",
        zh_CN="拒绝某台设备今后的所有请求",
        en="refuse every further request from a device",
    ),
    Message(
        "cli.help_prune",
        zh_CN="删除任何电脑都不会再索取的推送应答（每晚或每周运行）",
        en="drop stored push answers no laptop can ask for again (run it nightly or weekly)",
    ),
    Message(
        "cli.help_prune_days",
        zh_CN="保留比这更新的所有应答（90）",
        en="keep every answer younger than this (90)",
    ),
    Message(
        "cli.help_recovery_keygen",
        zh_CN="生成县级恢复密钥对（公钥放入配置文件）",
        en="make the county recovery key pair (public half goes in the provisioning file)",
    ),
    Message("cli.help_private_out", zh_CN="私钥，用口令加密", en="private key, encrypted under a passphrase"),
    Message(
        "cli.help_forms",
        zh_CN="检查、发布和列出本县的表单版本",
        en="check, publish and list the county's form versions",
    ),
    Message(
        "cli.help_forms_county",
        zh_CN="6 位县代码（默认：各村所属的唯一一个县）",
        en="the 6-digit county code (default: the one county of the villages)",
    ),
    Message(
        "cli.help_forms_check",
        zh_CN="列出表单版本（.json）或工作簿（.xlsx）的每个问题",
        en="name every problem of a form version (.json) or workbook (.xlsx)",
    ),
    Message(
        "cli.help_forms_publish",
        zh_CN="检查、用县级密钥签名并发布给各台电脑",
        en="check, sign with the county key and publish to the laptops",
    ),
    Message(
        "cli.help_forms_key",
        zh_CN="县级签名密钥（provision-keygen）",
        en="the county signing key (provision-keygen)",
    ),
    Message(
        "cli.help_forms_by", zh_CN="发布人（与版本一起保存）", en="who publishes (kept with the version)"
    ),
    Message("cli.help_forms_list", zh_CN="已发布的版本", en="the published versions"),
    Message("cli.help_forms_show", zh_CN="某一版本的文档", en="one version's document"),
    Message("cli.help_forms_diff", zh_CN="两个版本之间的变化", en="what changed between two versions"),
    Message(
        "cli.help_provision_keygen",
        zh_CN="生成为配置文件签名的县级密钥（请离线保存）",
        en="make the county key that signs provisioning files (keep it offline)",
    ),
    Message(
        "cli.help_provision_make",
        zh_CN="写出配置文件（之后签名）",
        en="write a provisioning file (then sign it)",
    ),
    Message("cli.help_url", zh_CN="县级服务器地址，https://…", en="the county server's address, https://…"),
    Message(
        "cli.help_ca",
        zh_CN="各台电脑固定使用的县级 CA 证书（PEM）",
        en="the county CA certificate(s) the laptops pin (PEM)",
    ),
    Message(
        "cli.help_recovery_key",
        zh_CN="县级恢复公钥（recovery-keygen）",
        en="the county recovery PUBLIC key (recovery-keygen)",
    ),
    Message(
        "cli.help_village",
        zh_CN="12 位村代码，用于只给一个村的配置文件",
        en="the 12-digit village code, for a file made for one village",
    ),
    Message(
        "cli.help_provision_sign",
        zh_CN="用县级签名密钥为配置文件签名",
        en="sign a provisioning file with the county signing key",
    ),
    Message(
        "cli.help_sign_key", zh_CN="provision-keygen 生成的私钥", en="the private key from provision-keygen"
    ),
    Message(
        "cli.help_provision_check",
        zh_CN="像电脑一样检查配置文件",
        en="check a provisioning file as a laptop would",
    ),
)

MESSAGES = _RESULTS + _REFUSALS + _FORMS + _PROVISION + _PROMPTS + _HELP
