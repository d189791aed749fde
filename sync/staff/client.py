"""Township and county staff's side of the HTTP API: sign-in, review items, decisions, duplicates.

Same transport as the laptops (``sync.laptop.transport.HttpClient``: pinned county CA, ``trust_env=False``,
retry policy, ``sync.errors`` tree), but requests carry a bearer token instead of a device
signature. Only GETs are retried after the request may have reached the server; a decision is sent
once (the server refuses a second one as ``already_decided``).

Answers are the server's plain JSON (raw values, codes); ``desktop.services.township.desk`` turns them
into labelled items.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlencode

from sync.errors import AuthError, RejectedError, ServerError
from sync.laptop.transport import HttpClient
from sync.retry import RetryPolicy

__all__ = ["SignInRequired", "StaffClient"]


class SignInRequired(AuthError):
    """The staff token is missing, expired or was signed out: sign in again."""

    code = "unauthorized"
    message_code = "sync_run.unauthorized"


class StaffClient:
    """Thin JSON client; every method returns the decoded answer or raises ``sync.errors``."""

    def __init__(
        self,
        server_url: str,
        ca_bundle: str | os.PathLike[str] | None,
        *,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
    ) -> None:
        self.http = HttpClient(server_url, ca_bundle, retry=retry, timeout=timeout)
        self.token: str | None = None

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, payload: Any = None, *, auth: bool = True) -> dict[str, Any]:
        if auth:
            if not self.token:
                raise SignInRequired()
            self.http.session.headers["Authorization"] = f"Bearer {self.token}"
        try:
            data = self.http.json(method, path, payload, signed=False, idempotent=method == "GET")
        except AuthError as exc:
            if exc.code in ("bad_login",):
                raise AuthError(code="bad_login", message="sync_run.bad_login") from None
            raise SignInRequired() from None
        except ServerError as exc:
            if exc.code == "too_many_attempts":
                raise RejectedError(
                    code="too_many_attempts", message="sync_run.too_many_attempts", status=429
                ) from None
            raise
        if not isinstance(data, dict):
            raise ServerError(code="bad_response")
        return data

    # ------------------------------------------------------------------------------ sign-in

    def login(self, username: str, password: str) -> dict[str, Any]:
        self.http.session.headers.pop("Authorization", None)
        data = self._call("POST", "/staff/login", {"username": username, "password": password}, auth=False)
        self.token = str(data["token"])
        return data

    def logout(self) -> None:
        if self.token:
            try:
                self._call("POST", "/staff/logout")
            finally:
                self.token = None
                self.http.session.headers.pop("Authorization", None)

    def forms(self) -> dict[str, Any]:
        """The county's form versions, oldest first: ``{"documents": [...]}`` (GET /staff/forms)."""
        return self._call("GET", "/staff/forms")

    # ------------------------------------------------------------------------------ review items

    def items(self, **query: Any) -> dict[str, Any]:
        params = {k: v for k, v in query.items() if v is not None}
        return self._call("GET", "/staff/items" + ("?" + urlencode(params) if params else ""))

    def item(self, item_id: str) -> dict[str, Any]:
        return self._call("GET", f"/staff/items/{quote(item_id, safe='')}")

    def decide(self, item_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/staff/items/{quote(item_id, safe='')}/decide", body)

    def history(
        self, *, item_id: str | None = None, record_id: str | None = None, offset: int = 0, limit: int = 200
    ) -> dict[str, Any]:
        params: dict[str, Any] = {k: v for k, v in (("item", item_id), ("record", record_id)) if v}
        if not params:
            params = {"offset": offset, "limit": limit}
        return self._call("GET", "/staff/history?" + urlencode(params))

    def record_history(self, record_id: str, field: str | None = None) -> dict[str, Any]:
        """A record's change log (every field, or one): ``{"history": [...]}``, oldest first."""
        query = "?" + urlencode({"field": field}) if field else ""
        return self._call("GET", f"/staff/records/{quote(record_id, safe='')}/history{query}")

    # ------------------------------------------------------------------------------ duplicates

    def duplicates(self, status: str = "open") -> dict[str, Any]:
        return self._call("GET", "/staff/duplicates?" + urlencode({"status": status}))

    def decide_duplicate(self, group_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/staff/duplicates/{quote(group_id, safe='')}/decide", body)

    # ------------------------------------------------------------------------------ indicators

    def indicators(self, *, year: int, threshold_fen: int, village: str | None = None) -> dict[str, Any]:
        """The rolled-up figures of the staff member's villages (``sync.indicators``), by village too."""
        params: dict[str, Any] = {"year": year, "threshold_fen": threshold_fen}
        if village:
            params["village"] = village
        return self._call("GET", "/staff/indicators?" + urlencode(params))
