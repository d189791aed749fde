"""API errors: one code per thing a client does differently, each with its message (zh_CN and en);
and ``Refusal``, a county IT command refused, by message code.

The messages are in the one catalogue, :mod:`sync.messages` (``api.*``). They never carry a value
from the request (no names, resident IDs or secrets), so they are safe to show, to log and to return.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync import messages

_CATALOGUE: dict[str, tuple[int, str]] = {
    "unsigned": (401, "api.unsigned"),
    "bad_signature": (401, "api.bad_signature"),
    "stale_request": (401, "api.stale_request"),
    "replayed_nonce": (401, "api.replayed_nonce"),
    "unknown_device": (401, "api.unknown_device"),
    "device_revoked": (403, "api.device_revoked"),
    "out_of_village": (403, "api.out_of_village"),
    "malformed": (400, "api.malformed"),
    "protocol_version": (400, "api.protocol_version"),
    "too_large": (413, "api.too_large"),
    "bad_code": (403, "api.bad_code"),
    "key_in_use": (409, "api.key_in_use"),
    "epoch_changed": (409, "api.epoch_changed"),
    "unknown_village": (404, "api.unknown_village"),
    "batch_mismatch": (409, "api.batch_mismatch"),
    "batch_pruned": (409, "api.batch_pruned"),
    "unauthorized": (401, "api.unauthorized"),
    "bad_login": (401, "api.bad_login"),
    "too_many_attempts": (429, "api.too_many_attempts"),
    "forbidden": (403, "api.forbidden"),
    "not_found": (404, "api.not_found"),
    "already_resolved": (409, "api.already_resolved"),
    "already_decided": (409, "api.already_decided"),
    "stale": (409, "api.stale"),
    "note_required": (422, "api.note_required"),
    "invalid": (422, "api.invalid"),
    "method_not_allowed": (405, "api.method_not_allowed"),
    "busy": (503, "api.busy"),
    "internal": (500, "api.internal"),
}
"""Each error code: its HTTP status and its message in :mod:`sync.messages`."""


class ApiError(Exception):
    """An error answered as ``{"error", "message", "message_zh"}`` with the code's HTTP status."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """``message`` is a code in :mod:`sync.messages` when the answer says more than ``code``'s own
        message; ``params`` fill its placeholders."""
        default_status, default_message = _CATALOGUE.get(code, (400, "api.malformed"))
        self.code = code
        self.status = status or default_status
        self.message_zh, self.message = messages.pair(message or default_message, **(params or {}))
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
        return ApiError("protocol_version", "api.protocol_server_older", extra=extra)
    return ApiError("protocol_version", "api.protocol_laptop_older", extra=extra)


class Refusal(Exception):
    """A county IT command that cannot be carried out, by message code (``cli.*``): ``county-server``
    prints it in the locale's language (``sync.server.cli_words``); ``str()`` is the English text
    (logs, tests)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def words(self, lang: str) -> str:
        return messages.text(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.words("en")
