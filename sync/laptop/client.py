"""The laptop's side of the HTTP API: the ``Remote`` over HTTPS (push, pull, and what the official's
screens ask the county), enrolling a device, the health check, and the device key as text.

Every request goes through ``sync.laptop.transport.HttpClient``: pinned TLS, signed with the device
key, retried, errors as the ``sync.errors`` tree, signing time corrected by the server's clock.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol, protocol_decode, stamps
from sync.errors import ServerError, VersionError
from sync.laptop.transport import HttpClient, WireStats
from sync.retry import NO_RETRY, RetryPolicy
from sync.signing import public_key_b64

T = TypeVar("T")

__all__ = ["HttpRemote", "enroll"]


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
        seen: stamps.Seen = (),
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
