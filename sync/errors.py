"""What can go wrong in a sync run, grouped by what the app does about it.

::

    SyncError                 base; .code, .message_en, .message_zh, .retryable; str() is English
    ├── OfflineError          environment: no route to the county server (no network, refused, DNS,
    │   │                     timed out). Show "offline", keep working, try again later.
    │   └── SyncTimeout       the server did not answer in time (the engine also shrinks its batches)
    ├── CertificateError      the server's certificate is not from the county CA (or the CA file is
    │                         missing). Nothing was sent. Tell the user to call county IT.
    ├── AuthError             the server does not accept this laptop (revoked, unknown, bad signature).
    │                         Enroll again with a new code.
    ├── RejectedError         the server refused the request (4xx) and said why: show its message.
    │   ├── ClockError        the laptop's clock is too far from the server's: fix date and time.
    │   ├── VersionError      laptop and server speak protocol versions that do not meet: the
    │   │                     message says which side is too old and that county IT updates it.
    │   └── TooLargeError     body over the server's limit (the engine splits the batch and goes on)
    ├── ServerError           the server failed (5xx, overloaded, or an answer that makes no sense).
    │                         Retry later; it is not the user's fault.
    └── Cancelled             the user stopped the run. Stay quiet.

Messages are plain sentences in Chinese and English, and never contain record data: no names,
resident IDs, phone numbers, keys or codes. A server's own message is passed on (it follows the
same rule) but cut to a sane length.
"""

from __future__ import annotations

from typing import Any

_MAX_SERVER_MESSAGE = 300


class SyncError(Exception):
    """Base of every error a sync run raises on purpose."""

    code = "sync_error"
    retryable = False
    default_en = "Synchronisation failed."
    default_zh = "同步失败。"

    def __init__(
        self, message_en: str | None = None, message_zh: str | None = None, *, code: str = ""
    ) -> None:
        self.message_en = (message_en or self.default_en)[:_MAX_SERVER_MESSAGE]
        self.message_zh = (message_zh or self.default_zh)[:_MAX_SERVER_MESSAGE]
        if code:
            self.code = code
        super().__init__(self.message_en)

    def message(self, lang: str = "zh") -> str:
        """The message in the user's language ("zh" or "en")."""
        return self.message_zh if lang.startswith("zh") else self.message_en


class OfflineError(SyncError):
    code = "offline"
    retryable = True
    default_en = "The county server cannot be reached. Your changes are kept and will be sent later."
    default_zh = "无法连接县级服务器。您的修改已保存，稍后会自动发送。"


class SyncTimeout(OfflineError):
    code = "timeout"
    default_en = "The county server did not answer in time. Your changes are kept and will be sent later."
    default_zh = "县级服务器响应超时。您的修改已保存，稍后会自动发送。"


class CertificateError(SyncError):
    code = "certificate"
    default_en = (
        "The server's security certificate is not the county's. Nothing was sent. "
        "The network may be redirected: please contact county IT."
    )
    default_zh = "服务器的安全证书不是县里颁发的，未发送任何数据。网络可能被劫持，请联系县信息中心。"


class AuthError(SyncError):
    code = "auth"
    default_en = "The county server no longer accepts this laptop. Please enroll it again with a new code."
    default_zh = "县级服务器不再接受这台电脑，请使用新的注册码重新注册。"


class _AnsweredError(SyncError):
    """The server answered with an error status (kept in ``status``)."""

    default_status = 400

    def __init__(
        self,
        message_en: str | None = None,
        message_zh: str | None = None,
        *,
        code: str = "",
        status: int | None = None,
    ) -> None:
        super().__init__(message_en, message_zh, code=code)
        self.status = self.default_status if status is None else status
        self.payload: dict[str, Any] = {}
        """The server's JSON error body (e.g. the current item of a ``stale`` decision)."""


class RejectedError(_AnsweredError):
    code = "rejected"
    default_en = "The county server refused the request."
    default_zh = "县级服务器拒绝了该请求。"


class ClockError(RejectedError):
    code = "stale_request"
    default_en = "This laptop's date or time is wrong. Please correct the clock and sync again."
    default_zh = "这台电脑的日期或时间不正确，请校准时间后再同步。"


class VersionError(RejectedError):
    code = "protocol_version"
    default_en = (
        "This laptop's program is too old for the county server. Your records are kept on the laptop; "
        "please ask county IT for the new version of Village Data Desk and install it."
    )
    default_zh = (
        "这台电脑上的程序版本太旧，县级服务器已不再支持。数据仍保存在电脑上，"
        "请向县信息中心索取新版村级数据台并安装。"
    )
    server_older_en = (
        "The county server is older than this laptop's program and cannot sync with it yet. Your "
        "records are kept on the laptop; please ask county IT to update the county server."
    )
    server_older_zh = (
        "县级服务器的版本比这台电脑上的程序旧，暂时无法同步。数据仍保存在电脑上，请联系县信息中心升级服务器。"
    )

    @classmethod
    def between(cls, ours: int, theirs: list[int], status: int = 0) -> VersionError:
        """The error for a laptop speaking ``ours`` and a server speaking the versions ``theirs``."""
        if theirs and ours > max(theirs):
            return cls(cls.server_older_en, cls.server_older_zh, status=status)
        return cls(status=status)


class TooLargeError(RejectedError):
    code = "too_large"
    default_en = "The batch was too large for the server."
    default_zh = "本批数据超过服务器的上限。"


class ServerError(_AnsweredError):
    code = "server"
    retryable = True
    default_status = 500
    default_en = "The county server had a problem. Your changes are kept; please try again later."
    default_zh = "县级服务器出现故障。您的修改已保存，请稍后再试。"


class Cancelled(SyncError):
    code = "cancelled"
    default_en = "Synchronisation was stopped."
    default_zh = "同步已停止。"
