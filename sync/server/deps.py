"""What the county server's routes take as FastAPI dependencies (``Depends``), in one place.

* ``StoreDep`` / ``ServerDep`` - the store and the rest of what ``create_app`` was given
  (``Server``, kept on ``app.state``; never a closure).
* ``SignedRequest`` - a request a laptop signed with its device key. ``run(work)`` checks it (device
  known and not revoked, fresh time, signature, new nonce: ``auth.DeviceAuth``) and runs
  ``work(device)`` in a worker thread; the village comes from the device record, never the request.
  Device routes take only this (``.server.store``: the store).
* ``Staff`` / ``StaffVillages`` - the staff member of the bearer token and the villages they may see
  (code -> name): a whole county, or one township.

Why ``SignedRequest`` checks the signature in ``run`` rather than handing the route a checked
device: FastAPI calls a route's dependencies before it validates the route's own query, so a
dependency that checked the signature would answer an unsigned request with a bad query 401 where it
is answered 400, and would spend the nonce of a request refused for its query. Checking and working
in one thread hop also keeps push and pull at one hop each, as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from sync.server import auth
from sync.server.auth import Device, DeviceAuth, StaffUser
from sync.server.errors import ApiError
from sync.server.login_limits import LoginLimiter
from sync.server.push import Rules
from sync.server.store import Store

API = "/api/v1"
CHINA = timezone(timedelta(hours=8))
SIGNED = "Signed by the device key: X-Device-Id, X-Timestamp, X-Nonce, X-Signature (sync.signing)."

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Server:
    """What every request of one app may need; ``create_app`` puts it on ``app.state.server``."""

    store: Store
    rules: Rules
    device_auth: DeviceAuth
    limiter: LoginLimiter
    token_ttl: int


def county_today(store: Store) -> date:
    """Today in China by the store's clock (tests move it)."""
    return datetime.fromtimestamp(store.clock(), CHINA).date()


# FastAPI calls an ``async`` dependency on the event loop, a plain ``def`` one in a worker thread:
# those that touch no database are ``async`` (health must answer without a thread while every
# thread waits on a push). Each dependency resolved costs some microseconds per request, so a
# device route takes just one, ``SignedRequest``, which carries the store and the rest.


def _server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


async def get_server(request: Request) -> Server:
    return _server(request)


ServerDep = Annotated[Server, Depends(get_server)]


async def get_store(request: Request) -> Store:
    return _server(request).store


StoreDep = Annotated[Store, Depends(get_store)]


# --------------------------------------------------------------------------------------------------
# Devices


def signed_path(request: Request) -> str:
    """The path and query exactly as the client sent (and signed) them."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    text = path.decode("latin-1")
    return text + "?" + query.decode("latin-1") if query else text


class DeviceRequest:
    """A request signed by a laptop's device key, checked when ``run`` is awaited. ``server``: what
    the route works with (a device route takes this one dependency: push and pull are hot)."""

    __slots__ = ("_request", "body", "server")

    def __init__(self, request: Request, server: Server) -> None:
        self._request = request
        self.server = server
        self.body = b""
        """The body exactly as signed; read by ``run`` before ``work`` is called."""

    async def run(self, work: Callable[[Device], T]) -> T:
        """Read the body, then in one worker thread: authenticate the device (ApiError for an
        unsigned, stale, replayed or wrongly signed request) and return ``work(device)``."""
        request = self._request
        self.body = body = await request.body()
        method, path, headers = request.method, signed_path(request), request.headers
        device_auth = self.server.device_auth

        def checked() -> T:
            return work(device_auth.authenticate(method, path, headers, body))

        return await run_in_threadpool(checked)


async def device_request(request: Request) -> DeviceRequest:
    return DeviceRequest(request, _server(request))


SignedRequest = Annotated[DeviceRequest, Depends(device_request)]


# --------------------------------------------------------------------------------------------------
# Staff

_bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def staff_user(store: StoreDep, credentials: Credentials) -> StaffUser:
    """The staff member of the bearer token; ApiError("unauthorized") without a valid one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError("unauthorized")
    return auth.staff_from_token(store, credentials.credentials)


Staff = Annotated[StaffUser, Depends(staff_user)]


def staff_villages(store: StoreDep, user: Staff) -> dict[str, str]:
    """Village code -> name of the villages the signed-in staff member works for."""
    return auth.staff_villages(store, user)


StaffVillages = Annotated[dict[str, str], Depends(staff_villages)]
