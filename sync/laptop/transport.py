"""The laptop's HTTP transport: a pinned-TLS ``requests`` session that signs, retries and maps errors.
No sync logic (``sync.laptop.client`` holds the routes; the staff desk's ``sync.staff.client`` uses it too).

* TLS is pinned to the county CA: every request passes ``verify=<bundle>`` and the session has
  ``trust_env=False``, so neither ``REQUESTS_CA_BUNDLE`` nor a proxy variable can redirect trust.
  Plain ``http://`` is accepted only for loopback addresses (tests, a server on the same machine).
* Every sync request is signed with the device key (``sync.signing.sign_headers``); a retry is signed
  afresh (new time and nonce) but carries the very same body.
* Errors come out as the ``sync.errors`` tree. Retries follow a ``RetryPolicy``.
* Signing time is this laptop's clock plus ``clock_offset``, learned from the server: a request
  refused as stale carries the server's time (``server_time``, else the HTTP ``Date``), the offset
  is set from it and the request is signed again once. A laptop whose clock is hours off still
  syncs; the offset tells the official how far off it is.
"""

from __future__ import annotations

import email.utils
import ipaddress
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol
from sync.errors import (
    AuthError,
    CertificateError,
    ClockError,
    OfflineError,
    RejectedError,
    ServerError,
    SyncError,
    SyncTimeout,
    TooLargeError,
    VersionError,
)
from sync.retry import RetryPolicy
from sync.signing import HEADER_PROTOCOL, sign_headers

API = "/api/v1"
CLOCK_LEARN_SECONDS = 5.0
"""A stale answer whose server time is within this of ours teaches nothing: the error stands."""
_AUTH_CODES = frozenset({"unsigned", "bad_signature", "device_revoked", "unknown_device", "unauthorized"})


def _is_loopback(host: str | None) -> bool:
    if host in (None, ""):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(server_url: str, ca_bundle: str | os.PathLike[str] | None) -> tuple[str, str | bool]:
    parts = urlsplit(server_url)
    if parts.scheme == "http":
        if not _is_loopback(parts.hostname):
            raise CertificateError(code="insecure_url", message="sync_run.insecure_url")
        verify: str | bool = True
    elif parts.scheme == "https":
        if ca_bundle is None or not Path(ca_bundle).is_file():
            raise CertificateError(code="ca_missing", message="sync_run.ca_missing")
        verify = str(ca_bundle)
    else:
        raise RejectedError(code="bad_url", message="sync_run.bad_url", status=0)
    return server_url.rstrip("/"), verify


def _connect_failure(exc: requests.RequestException) -> bool:
    """True when the request certainly never reached the server (safe to retry any method)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    text = repr(exc)
    return any(
        s in text
        for s in ("NewConnectionError", "NameResolutionError", "Connection refused", "Failed to resolve")
    )


def _payload(resp: requests.Response) -> Mapping[str, Any]:
    try:
        payload = resp.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, Mapping) else {}


def server_time_of(resp: requests.Response, payload: Mapping[str, Any]) -> float | None:
    """The server's clock as its answer tells it: ``server_time`` in the body, else the HTTP
    ``Date`` header (whole seconds, enough against a 5-minute window); None if neither is usable."""
    value = payload.get("server_time")
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    date = resp.headers.get("Date")
    if date:
        try:
            when = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return None
        if when is not None and when.tzinfo is not None:
            return when.timestamp()
    return None


def _error_from_response(
    resp: requests.Response,
    payload: Mapping[str, Any] | None = None,
    ours: int = protocol.PROTOCOL_VERSION,
) -> SyncError:
    status = resp.status_code
    if payload is None:
        payload = _payload(resp)
    code = str(payload.get("error") or "")
    en = payload.get("message") if isinstance(payload.get("message"), str) else None
    zh = payload.get("message_zh") if isinstance(payload.get("message_zh"), str) else None
    if status >= 500 or status == 429:
        return ServerError(code=code or "server", status=status)
    if code == "stale_request":
        return ClockError(code=code, status=status)
    if code == "protocol_version":
        supported = payload.get("supported")
        if isinstance(supported, list) and all(type(v) is int for v in supported):
            return VersionError.between(ours, supported, status)
        return VersionError(status=status)
    if status == 413 or code == "too_large":
        return TooLargeError(en, zh, code="too_large", status=status)
    if code in _AUTH_CODES or status == 401:
        return AuthError(code=code or "unauthorized")
    rejected = RejectedError(en, zh, code=code or f"http_{status}", status=status)
    rejected.payload = dict(payload)
    return rejected


@dataclass
class WireStats:
    """Bytes on the wire (bodies only, after compression) and request count, for benchmarks."""

    requests: int = 0
    sent: int = 0
    received: int = 0


class HttpClient:
    """Pinned-TLS session, optional request signing, retries and error mapping. No sync logic."""

    def __init__(
        self,
        server_url: str,
        ca_bundle: str | os.PathLike[str] | None,
        *,
        device_id: str | None = None,
        key: Ed25519PrivateKey | None = None,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (5.0, 60.0),
        clock: Callable[[], float] = time.time,
        protocol_version: int = protocol.PROTOCOL_VERSION,
        clock_offset: float = 0.0,
    ) -> None:
        self.base_url, self._verify = _check_url(server_url, ca_bundle)
        self.protocol_version = protocol_version
        """Named in every request (and in the signature): the server answers in this version."""
        self.device_id = device_id
        self._key = key
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self._clock = clock
        self.clock_offset = clock_offset
        """Seconds to add to this laptop's clock to get the server's (learned from its answers)."""
        self.stats = WireStats()
        self.session = requests.Session()
        self.session.trust_env = False  # no REQUESTS_CA_BUNDLE, no proxies, no .netrc
        self.session.verify = self._verify

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        content_type: str | None = None,
        signed: bool = True,
        idempotent: bool | None = None,
        timeout: float | tuple[float, float] | None = None,
        retry: RetryPolicy | None = None,
        retry_timeouts: bool = True,
    ) -> requests.Response:
        """Send one request (with retries); returns a 2xx response or raises a ``SyncError``.

        ``retry_timeouts=False`` hands read timeouts straight to the caller as ``SyncTimeout`` (the
        sync engine shrinks its batches on them and decides itself when to try again).
        """
        policy = retry or self.retry
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD", "OPTIONS")
        full_path = API + path
        attempt = 0
        clock_fixed = False
        while True:
            headers = {
                "Accept": f"{protocol.MEDIA_TYPE}, application/json",
                HEADER_PROTOCOL: str(self.protocol_version),
            }
            if content_type:
                headers["Content-Type"] = content_type
            if signed:
                if self._key is None or self.device_id is None:
                    raise AuthError(code="not_enrolled")
                headers.update(
                    sign_headers(
                        self._key,
                        self.device_id,
                        method,
                        full_path,
                        body,
                        now=self.server_now(),
                        version=self.protocol_version,
                    )
                )
            self.stats.requests += 1
            self.stats.sent += len(body)
            try:
                resp = self.session.request(
                    method,
                    self.base_url + full_path,
                    data=body or None,
                    headers=headers,
                    timeout=timeout or self.timeout,
                    verify=self._verify,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise CertificateError() from exc
            except requests.RequestException as exc:
                connect = _connect_failure(exc)
                timed_out = isinstance(exc, requests.Timeout) and not connect
                if timed_out and not retry_timeouts:
                    raise SyncTimeout() from exc
                kind = "connect" if connect else "read"
                if policy.allows(attempt, idempotent=idempotent, kind=kind):
                    policy.sleep(policy.delay(attempt))
                    attempt += 1
                    continue
                raise (SyncTimeout() if timed_out else OfflineError()) from exc
            self.stats.received += len(resp.content)
            if resp.status_code < 300:
                return resp
            payload = _payload(resp)
            error = _error_from_response(resp, payload, self.protocol_version)
            if isinstance(error, ClockError) and signed and not clock_fixed:
                # Refused as stale: sign once more with the server's time. Not a retry of the
                # policy (nothing was stored, no wait helps); a second refusal stands.
                told = server_time_of(resp, payload)
                if told is not None and abs(told - self.server_now()) > CLOCK_LEARN_SECONDS:
                    self.clock_offset = told - self._clock()
                    clock_fixed = True
                    continue
            if policy.allows(attempt, idempotent=idempotent, kind="status", status=resp.status_code):
                policy.sleep(policy.delay(attempt, resp.headers.get("Retry-After")))
                attempt += 1
                continue
            raise error

    def server_now(self) -> float:
        """The server's time as far as this laptop knows: its own clock plus the learned offset."""
        return self._clock() + self.clock_offset

    def json(self, method: str, path: str, payload: Any = None, **kwargs: Any) -> Any:
        body = b"" if payload is None else _json_bytes(payload)
        resp = self.request(
            method, path, body=body, content_type="application/json" if body else None, **kwargs
        )
        try:
            return resp.json()
        except ValueError as exc:
            raise ServerError(code="bad_response", message="sync_run.unreadable_answer") from exc


def _json_bytes(payload: Any) -> bytes:
    import json

    return json.dumps(payload, ensure_ascii=False).encode("utf-8")
