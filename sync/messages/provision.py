"""What is said about a provisioning file that cannot be used, and about the server it set."""

from sync.messages.message import Message

MESSAGES = (
    Message("provision.unreadable", zh_CN="无法读取配置文件。", en="The provisioning file cannot be read."),
    Message(
        "provision.too_large",
        zh_CN="配置文件过大（超过 256 KB），不是有效的配置文件。",
        en="The provisioning file is too large (over 256 KB): it is not a provisioning file.",
    ),
    Message(
        "provision.too_deep",
        zh_CN="配置文件中的嵌套层数过多，不是有效的配置文件。",
        en="The provisioning file nests lists or objects too deeply: it is not a provisioning file.",
    ),
    Message(
        "provision.not_json",
        zh_CN="这不是配置文件（不是 JSON 格式）。",
        en="This is not a provisioning file (it is not JSON).",
    ),
    Message(
        "provision.fields",
        zh_CN="配置文件中有未知的项或缺少必需的项。",
        en="The provisioning file has unknown or missing fields.",
    ),
    Message(
        "provision.server_url",
        zh_CN="服务器地址必须以 https:// 开头（http:// 仅限本机），且不能包含用户名、空格或反斜杠。",
        en=(
            "The server address must start with https:// (http:// only for this computer) and hold no user "
            "name, spaces or backslashes."
        ),
    ),
    Message(
        "provision.ca_bundle",
        zh_CN="配置文件中的县级证书已损坏。",
        en="The county certificate in the provisioning file is damaged.",
    ),
    Message(
        "provision.recovery_key",
        zh_CN="配置文件中的县级恢复密钥已损坏。",
        en="The county recovery key in the provisioning file is damaged.",
    ),
    Message(
        "provision.village_code",
        zh_CN="村代码必须是 12 位数字。",
        en="The village code must have 12 digits.",
    ),
    Message(
        "provision.signature",
        zh_CN="县级签名与文件内容不符：文件在签名后被改动或已损坏。",
        en="The county signature does not match the file: it was changed after signing, or is damaged.",
    ),
    Message(
        "provision.unsigned",
        zh_CN="这台电脑只接受县里签名的配置文件，此文件没有签名。",
        en="This laptop accepts only provisioning files signed by the county, and this one is not signed.",
    ),
    Message(
        "provision.signer",
        zh_CN="此配置文件的签名密钥不是本县的密钥。",
        en="This provisioning file is signed with another key than your county's.",
    ),
    Message(
        "provision.other_village",
        zh_CN="此配置文件属于其他村。",
        en="This provisioning file is for another village.",
    ),
    Message(
        "provision.unusable",
        zh_CN="配置文件无法使用。",
        en="The provisioning file cannot be used ({reason}).",
    ),
    Message(
        "provision.server_pinned",
        zh_CN=(
            "这台电脑的服务器由县信息中心签名的配置文件设置。如需更改，请在“设置”中导入县信息中心的新配置文"
            "件。"
        ),
        en=(
            "County IT set this laptop's server with a signed provisioning file. To change it, import a "
            "new file from county IT in Settings."
        ),
    ),
)
