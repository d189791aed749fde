"""API errors: one code per thing a client does differently, each with an English and a Chinese message.

Messages are fixed texts. They never carry a value from the request (no names, resident IDs or
secrets), so they are safe to show, to log and to return.
"""

from __future__ import annotations

from typing import Any

_CATALOGUE: dict[str, tuple[int, str, str]] = {
    "unsigned": (401, "The request is not signed.", "请求未签名。"),
    "bad_signature": (401, "The request signature is not valid.", "请求签名无效。"),
    "stale_request": (
        401,
        "The request time is too far from the server clock; check the laptop's date and time.",
        "请求时间与服务器时间相差太大，请检查电脑的日期和时间。",
    ),
    "replayed_nonce": (401, "This request was already received once (replay).", "该请求已经收到过（重放）。"),
    "unknown_device": (
        401,
        "This laptop is not enrolled with the county server.",
        "此电脑尚未在县服务器登记。",
    ),
    "device_revoked": (403, "This laptop's access has been revoked.", "此电脑的访问权限已被撤销。"),
    "out_of_village": (
        403,
        "The data belongs to another village than the one this laptop is enrolled for.",
        "数据不属于此电脑登记的村。",
    ),
    "malformed": (400, "The request body is malformed.", "请求内容格式错误。"),
    "protocol_version": (
        400,
        "The laptop and the county server speak different protocol versions; one of them needs updating.",
        "电脑与县级服务器的协议版本不一致，需要更新其中一方的程序。",
    ),
    "too_large": (413, "The request body is too large; send smaller batches.", "请求内容过大，请分批发送。"),
    "bad_code": (
        403,
        "The enrollment code is not valid, already used, expired or for another village.",
        "登记码无效、已使用、已过期或不属于该村。",
    ),
    "key_in_use": (
        409,
        "This device key is already enrolled for a laptop. Each laptop makes its own key: start the "
        "enrollment again on this laptop with a new code.",
        "该设备密钥已登记在另一台电脑上。每台电脑应生成自己的密钥，请在本机使用新的登记码重新登记。",
    ),
    "epoch_changed": (
        409,
        "The county server was restored from a backup; this laptop syncs again from its copy.",
        "县级服务器已从备份恢复，本机将重新同步。",
    ),
    "unknown_village": (404, "No such village on this server.", "服务器上没有该村。"),
    "batch_mismatch": (
        409,
        "This batch id was already used for a different batch.",
        "该批次编号已用于另一批数据。",
    ),
    "batch_pruned": (
        409,
        "This batch was applied long ago and its answer is no longer kept; send its records again.",
        "该批数据早已处理，服务器不再保留其答复，请重新发送这些记录。",
    ),
    "unauthorized": (401, "Sign in first, or sign in again.", "请先登录或重新登录。"),
    "bad_login": (401, "Wrong user name or password.", "用户名或密码错误。"),
    "too_many_attempts": (
        429,
        "Too many failed sign-ins; try again later.",
        "登录失败次数过多，请稍后再试。",
    ),
    "forbidden": (403, "You may not see or change this.", "您无权查看或修改此内容。"),
    "not_found": (404, "Not found.", "未找到。"),
    "already_resolved": (409, "This conflict is already resolved.", "该冲突已处理。"),
    "already_decided": (
        409,
        "This item has already been decided; nothing was changed.",
        "该事项已经处理过，未做任何更改。",
    ),
    "stale": (
        409,
        "The value changed since you opened this item; nothing was changed. Look at the current values "
        "and decide again.",
        "打开此项后数据已发生变化，未做任何更改。请查看最新数值后重新处理。",
    ),
    "note_required": (422, "Write a note saying why.", "请填写处理说明。"),
    "invalid": (422, "The value is not valid.", "数值无效。"),
    "method_not_allowed": (405, "Method not allowed.", "不支持该请求方法。"),
    "busy": (
        503,
        "The county server is busy; the laptop tries again shortly. Nothing was changed.",
        "县级服务器繁忙，电脑稍后会自动重试。本次未做任何更改。",
    ),
    "internal": (500, "Internal server error.", "服务器内部错误。"),
}


class ApiError(Exception):
    """An error answered as ``{"error", "message", "message_zh"}`` with the code's HTTP status."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        message_zh: str | None = None,
        *,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        default_status, default_en, default_zh = _CATALOGUE.get(code, (400, code, code))
        self.code = code
        self.status = status or default_status
        self.message = message or default_en
        self.message_zh = message_zh or default_zh
        self.extra = extra or {}
        super().__init__(f"{code}: {self.message}")

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "message_zh": self.message_zh, **self.extra}


def protocol_version_error(version: object) -> ApiError:
    """The answer to a request in a protocol version this server does not speak, in plain words.

    A laptop shows the server's message as it is (laptops in the field that are too old for any
    newer wording too), so the message itself says which side is out of date and what to do.
    """
    from sync.protocol import PROTOCOL_VERSION, SUPPORTED_VERSIONS

    extra = {"supported": list(SUPPORTED_VERSIONS), "version": PROTOCOL_VERSION}
    if type(version) is int and version > PROTOCOL_VERSION:
        return ApiError(
            "protocol_version",
            "This laptop's program is newer than the county server. Your records are kept on the "
            "laptop; please ask county IT to update the county server.",
            "这台电脑上的程序比县级服务器新。数据仍保存在电脑上，请联系县信息中心升级服务器。",
            extra=extra,
        )
    return ApiError(
        "protocol_version",
        "This laptop's program is too old for the county server. Your records are kept on the "
        "laptop; please ask county IT for the new version of Village Data Desk and install it.",
        "这台电脑上的程序版本太旧，县级服务器已不再支持。数据仍保存在电脑上，请向县信息中心索取新版"
        "村级数据台并安装。",
        extra=extra,
    )
