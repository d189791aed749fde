"""The laptop's side of the HTTP API: the ``Remote`` over HTTPS with ``requests``.

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

import base64
import email.utils
import ipaddress
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol, protocol_decode, stamps
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
from sync.retry import NO_RETRY, RetryPolicy
from sync.signing import HEADER_PROTOCOL, public_key_b64, sign_headers

T = TypeVar("T")

API = "/api/v1"
CLOCK_LEARN_SECONDS = 5.0
"""A stale answer whose server time is within this of ours teaches nothing: the error stands."""
_AUTH_CODES = frozenset({"unsigned", "bad_signature", "device_revoked", "unknown_device", "unauthorized"})
__all__ = ["HttpClient", "HttpRemote", "enroll"]


# --------------------------------------------------------------------------------------------------
# Transport


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


# --------------------------------------------------------------------------------------------------
# The Remote


class HttpRemote:
    """``sync.laptop.interfaces.Remote`` over HTTPS. Create one per sync run (or reuse; it holds a
    session)."""

    def __init__(
        self,
        server_url: str,
        ca_bundle: str | os.PathLike[str] | None,
        device_id: str,
        key: Ed25519PrivateKey,
        *,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (5.0, 60.0),
        clock: Callable[[], float] = time.time,
        clock_offset: float = 0.0,
    ) -> None:
        self.http = HttpClient(
            server_url,
            ca_bundle,
            device_id=device_id,
            key=key,
            retry=retry,
            timeout=timeout,
            clock=clock,
            clock_offset=clock_offset,
        )

    @property
    def stats(self) -> WireStats:
        return self.http.stats

    @property
    def clock_offset(self) -> float:
        """Server time minus this laptop's time, as learned (0 until the server said otherwise)."""
        return self.http.clock_offset

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> HttpRemote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def push(self, body: bytes) -> protocol.PushResponse:
        """Send an encoded ``PushRequest`` (exactly these bytes, also on retries)."""
        # Safe to retry: the server stores its answer under (device, batch id) and replays it.
        resp = self.http.request(
            "POST",
            "/push",
            body=body,
            content_type=protocol.MEDIA_TYPE,
            idempotent=True,
            retry_timeouts=False,
        )
        return _decode(lambda answer: protocol_decode.decode_push_response(answer, body), resp)

    def pull(
        self,
        cursor: int,
        limit: int,
        *,
        since: int | None = None,
        own: int = 0,
        epoch: str = "",
        known: int = 0,
        seen: Sequence[stamps.Pair] = (),
    ) -> protocol.PullResponse:
        query = f"cursor={int(cursor)}&limit={int(limit)}"
        query += "" if since is None else f"&since={int(since)}"
        query += f"&own={int(own)}" if own > 0 else ""
        query += f"&epoch={quote(epoch, safe='')}" if epoch else ""
        query += f"&known={int(known)}" if known > 0 else ""
        query += f"&seen={stamps.query_text(seen)}" if seen else ""
        resp = self.http.request("GET", f"/pull?{query}", retry_timeouts=False)
        return _decode(protocol_decode.decode_pull_response, resp)

    def status(self) -> dict[str, Any]:
        """``{"village_code", "server_seq", "open_conflicts", "epoch", "epoch_seq"}`` for this village."""
        data = self.http.json("GET", "/status")
        if not isinstance(data, dict):
            raise ServerError(code="bad_response")
        return data

    def forms(self) -> dict[str, Any]:
        """The county's latest published form version, as signed (``GET /forms``); the caller checks
        the signature (``sync.form_versions.verify``)."""
        data = self.http.json("GET", "/forms")
        if not isinstance(data, dict):
            raise ServerError(code="bad_response")
        return data

    def review(self, record_ids: list[str]) -> list[dict[str, Any]]:
        """Township review state of these records' items (``GET /review``, at most 100 ids)."""
        data = self.http.json("GET", "/review?records=" + ",".join(record_ids))
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ServerError(code="bad_response")
        return list(data["items"])

    def history(self, record_id: str, field: str | None = None) -> list[dict[str, Any]]:
        """A record's history in this laptop's village (``GET /history``), oldest first."""
        query = {"record": record_id, **({"field": field} if field else {})}
        data = self.http.json("GET", "/history?" + urlencode(query))
        if not isinstance(data, dict) or not isinstance(data.get("history"), list):
            raise ServerError(code="bad_response")
        return list(data["history"])


def _decode(decoder: Callable[[bytes], T], resp: requests.Response) -> T:
    try:
        return decoder(resp.content)
    except protocol.ProtocolError as exc:
        raise ServerError(code="bad_response", message="sync_run.answer_too_new") from exc


# --------------------------------------------------------------------------------------------------
# Enrollment and reachability


@dataclass(frozen=True)
class Enrollment:
    device_id: str
    village_code: str
    private_key: Ed25519PrivateKey
    county_code: str = ""

    def __iter__(self):  # type: ignore[no-untyped-def]
        # Lets callers unpack ``device_id, village_code, key = enroll(...)``.
        return iter((self.device_id, self.village_code, self.private_key))


def enroll(
    server_url: str,
    ca_bundle: str | os.PathLike[str] | None,
    code: str,
    name: str,
    *,
    retry: RetryPolicy | None = None,
    timeout: tuple[float, float] = (5.0, 30.0),
) -> Enrollment:
    """Register a new device key with a one-time code. Unpacks as ``(device_id, village_code, key)``.

    Not retried once the request may have reached the server: the code is single-use, so a lost
    answer means asking county IT for a new code (the server refuses the used one: RejectedError).
    """
    key = Ed25519PrivateKey.generate()
    with HttpClient(server_url, ca_bundle, retry=retry, timeout=timeout) as http:
        data = http.json(
            "POST",
            "/enroll",
            {"code": code.strip(), "public_key": public_key_b64(key), "name": name},
            signed=False,
            idempotent=False,
        )
    try:
        return Enrollment(
            device_id=str(data["device_id"]),
            village_code=str(data["village_code"]),
            private_key=key,
            county_code=str(data.get("county_code", "")),
        )
    except (KeyError, TypeError) as exc:
        raise ServerError(code="bad_response") from exc


def check_health(
    server_url: str, ca_bundle: str | os.PathLike[str] | None, *, timeout: float = 3.0
) -> dict[str, Any]:
    """GET /health once, with a short timeout and no retries. Raises a ``SyncError`` when unreachable."""
    with HttpClient(server_url, ca_bundle, retry=NO_RETRY, timeout=(timeout, timeout)) as http:
        data = http.json("GET", "/health", signed=False)
    if not isinstance(data, dict) or data.get("status") != "ok":
        raise ServerError(code="unhealthy")
    # A server from before protocol 2 names only its one version in ``protocol``.
    spoken = data.get("protocols", [data.get("protocol")])
    if not isinstance(spoken, list) or protocol.PROTOCOL_VERSION not in spoken:
        theirs = [v for v in spoken if type(v) is int] if isinstance(spoken, list) else []
        raise VersionError.between(protocol.PROTOCOL_VERSION, theirs)
    return data


def private_key_to_b64(key: Ed25519PrivateKey) -> str:
    """Raw 32-byte private key in base64, for keeping inside the encrypted store."""
    from cryptography.hazmat.primitives import serialization

    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii")


def private_key_from_b64(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
