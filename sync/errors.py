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

Messages are plain sentences in Chinese and English from the catalogue :mod:`sync.messages`
(``sync_run.*``; each class names its own in ``message_code``), and never contain record data: no names,
resident IDs, phone numbers, keys or codes. A server's own message is passed on (it follows the
same rule) but cut to a sane length.
"""

from __future__ import annotations

from typing import Any

from sync.messages import pair

_MAX_SERVER_MESSAGE = 300


class SyncError(Exception):
    """Base of every error a sync run raises on purpose."""

    code = "sync_error"
    retryable = False
    message_code = "sync_run.sync_error"

    def __init__(
        self,
        message_en: str | None = None,
        message_zh: str | None = None,
        *,
        code: str = "",
        message: str | None = None,
    ) -> None:
        """``message_en``/``message_zh`` pass a server's own words on; ``message`` names a catalogue
        code when this error says more than its class's own message."""
        default_zh, default_en = pair(message or self.message_code)
        self.message_en = (message_en or default_en)[:_MAX_SERVER_MESSAGE]
        self.message_zh = (message_zh or default_zh)[:_MAX_SERVER_MESSAGE]
        if code:
            self.code = code
        super().__init__(self.message_en)

    def message(self, lang: str = "zh") -> str:
        """The message in the user's language ("zh" or "en")."""
        return self.message_zh if lang.startswith("zh") else self.message_en


class OfflineError(SyncError):
    code = "offline"
    retryable = True
    message_code = "sync_run.offline"


class SyncTimeout(OfflineError):
    code = "timeout"
    message_code = "sync_run.timeout"


class CertificateError(SyncError):
    code = "certificate"
    message_code = "sync_run.certificate"


class AuthError(SyncError):
    code = "auth"
    message_code = "sync_run.auth"


class _AnsweredError(SyncError):
    """The server answered with an error status (kept in ``status``)."""

    default_status = 400

    def __init__(
        self,
        message_en: str | None = None,
        message_zh: str | None = None,
        *,
        code: str = "",
        message: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message_en, message_zh, code=code, message=message)
        self.status = self.default_status if status is None else status
        self.payload: dict[str, Any] = {}
        """The server's JSON error body (e.g. the current item of a ``stale`` decision)."""


class RejectedError(_AnsweredError):
    code = "rejected"
    message_code = "sync_run.rejected"


class ClockError(RejectedError):
    code = "stale_request"
    message_code = "sync_run.stale_request"


class VersionError(RejectedError):
    code = "protocol_version"
    message_code = "sync_run.protocol_version"

    @classmethod
    def between(cls, ours: int, theirs: list[int], status: int = 0) -> VersionError:
        """The error for a laptop speaking ``ours`` and a server speaking the versions ``theirs``."""
        if theirs and ours > max(theirs):
            return cls(message="sync_run.server_older", status=status)
        return cls(status=status)


class TooLargeError(RejectedError):
    code = "too_large"
    message_code = "sync_run.too_large"


class ServerError(_AnsweredError):
    code = "server"
    retryable = True
    default_status = 500
    message_code = "sync_run.server"


class Cancelled(SyncError):
    code = "cancelled"
    message_code = "sync_run.cancelled"
