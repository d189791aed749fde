"""The county server's HTTP API (FastAPI). Routes only: the work is done in the modules they call.

Sync bodies are ``sync.protocol`` messages (compressed JSON, ``MEDIA_TYPE``), signed by the device;
everything else is plain JSON. Every error is ``{"error", "message", "message_zh"}``.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any

import anyio.to_thread
import sqlalchemy.exc
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from sync.protocol import (
    MAX_BODY_BYTES,
    MEDIA_TYPE,
    PROTOCOL_VERSION,
    SUPPORTED_VERSIONS,
    BodyTooLarge,
    ProtocolError,
    ProtocolVersionError,
    TooDeep,
    body_digest,
    decode_push_request,
    encode,
)
from sync.schema import Forms, load_forms
from sync.server import (
    auth,
    conflicts,
    enroll,
    form_store,
    pull,
    push,
    routes_history,
    routes_review,
    routes_staff,
)
from sync.server.auth import DeviceAuth
from sync.server.errors import ApiError, protocol_version_error
from sync.server.login_limits import Limits, LoginLimiter
from sync.server.store import Store, busy, village_epoch

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8))
API = "/api/v1"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]


class BodyLimit:
    """Refuse a request body over ``limit`` bytes before reading more of it (413 ``too_large``)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await _send_error(send, ApiError("too_large"))
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise ApiError("too_large")
            return message

        await self.app(scope, limited, send)


class ThreadCap:
    """As many request threads as the store has connections. A thread without one would wait for it
    and fail after the pool's timeout (a 500 to a laptop that did nothing wrong); capped, a request
    waits for a thread instead, however long the database is busy."""

    def __init__(self, app: ASGIApp, threads: int | None) -> None:
        self.app = app
        self.threads = threads
        self._set = False

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if not self._set and self.threads:
            # The limiter belongs to the running event loop: set it from inside it, once.
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
            self._set = True
        await self.app(scope, receive, send)


class Guard:
    """Answer an unexpected exception with a plain 500 and log only its type and where it happened.

    Exception texts may hold request data (names, resident IDs); uvicorn would log them in full if
    the exception reached it, so it never does.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except ClientDisconnect:
            # A laptop whose link dropped mid-upload: nobody is left to answer, and nothing is
            # wrong with the server. A flaky village link does this daily; no traceback, no alarm.
            log.info("client disconnected mid-request: %s %s", scope.get("method"), scope.get("path"))
        except RecursionError:
            # Nesting deeper than a check before it caught (sync.protocol refuses deep sync bodies).
            log.warning("request nested too deeply: %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await _send_error(send, _too_deep())
        except Exception as exc:
            if _busy(exc):
                # The database stayed locked, or the pool full, past the timeout: a laptop that did
                # nothing wrong tries again after Retry-After (sync.retry honours it).
                log.warning("database busy: %s %s", scope.get("method"), scope.get("path"))
                if not started:
                    await _send_error(send, busy())
                return
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("internal error %s\n%s", type(exc).__name__, frames)
            if not started:
                await _send_error(send, ApiError("internal"))


_RETRY_STATES = {"40001", "40P01", "55P03"}
"""PostgreSQL: serialization failure, deadlock detected, lock not available (lock timeout)."""


def _busy(exc: BaseException) -> bool:
    """A pool timeout, SQLite's "database is locked" after its busy timeout, or a PostgreSQL error
    that ended the transaction only for being in another's way (rolled back: trying again is safe)."""
    if isinstance(exc, sqlalchemy.exc.TimeoutError):
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and getattr(exc.orig, "sqlstate", None) in _RETRY_STATES:
        return True
    if isinstance(exc, sqlalchemy.exc.OperationalError) and isinstance(exc.orig, sqlite3.OperationalError):
        text = str(exc.orig).lower()
        return "locked" in text or "busy" in text
    return False


def _error_headers(error: ApiError) -> dict[str, str] | None:
    wait = error.extra.get("retry_after")
    return {"Retry-After": str(wait)} if isinstance(wait, int) else None


async def _send_error(send: Any, error: ApiError) -> None:
    response = JSONResponse(error.body(), status_code=error.status, headers=_error_headers(error))
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - a JSONResponse never reads
    return {"type": "http.disconnect"}


def signed_path(request: Request) -> str:
    """The path and query exactly as the client sent (and signed) them."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    text = path.decode("latin-1")
    return text + "?" + query.decode("latin-1") if query else text


def _too_deep() -> ApiError:
    return ApiError("malformed", "api.too_deep")


def _protocol_error(exc: ProtocolError) -> ApiError:
    if isinstance(exc, ProtocolVersionError):
        return protocol_version_error(exc.version)
    if isinstance(exc, BodyTooLarge):
        return ApiError("too_large")
    if isinstance(exc, TooDeep):
        return _too_deep()
    return ApiError("malformed", "api.malformed_detail", params={"detail": exc})


_BINARY = {"schema": {"type": "string", "format": "binary"}}
_SIGNED = {
    "description": "Signed by the device key: X-Device-Id, X-Timestamp, X-Nonce, X-Signature (sync.signing).",
}


class EnrollRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    public_key: str = Field(min_length=1, max_length=100, description="Raw Ed25519 public key, base64")
    name: str = Field(default="", max_length=100, description="Laptop name shown to county IT")
    village_code: str | None = Field(
        default=None, max_length=12, description="Refuse a code of another village"
    )


def freeze_startup_heap() -> None:
    """Put every object made so far (modules, routes, tables, forms) out of the garbage collector's
    way: they live as long as the process, and each full collection walked them all (~50 ms, once
    or twice per 10,000 records pushed). Call once after ``create_app``, in a process that is only
    the server (``county-server serve``); not in one whose early objects may later become garbage
    (the desktop app's demo server), as frozen garbage is never collected."""
    gc.collect()
    gc.freeze()


def create_app(
    store: Store,
    *,
    forms: Forms | None = None,
    token_ttl: int = auth.TOKEN_TTL_SECONDS,
    login_limits: Limits | None = None,
) -> FastAPI:
    """The ASGI app over a migrated store. ``login_limits``: staff sign-in limits (defaults in
    ``sync.server.login_limits.Limits``)."""
    rules = push.Rules.from_forms(forms or load_forms())
    device_auth = DeviceAuth(store)
    limiter = LoginLimiter(store, login_limits)

    def today() -> date:
        return datetime.fromtimestamp(store.clock(), CHINA).date()

    app = FastAPI(
        title="Village Data Desk county server",
        version=str(PROTOCOL_VERSION),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(ThreadCap, threads=store.connections)
    app.add_middleware(Guard)  # outermost of ours: sees what every handler let through

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=_error_headers(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Name the places that are wrong, never the values sent.
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        error = ApiError("malformed", "api.malformed_at", params={"where": where})
        return JSONResponse(error.body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "malformed")
        error = ApiError(code, status=exc.status_code)
        return JSONResponse(error.body(), status_code=exc.status_code)

    # ---------------------------------------------------------------------------------------------
    # Devices

    @app.get(f"{API}/health")
    async def health(request: Request) -> dict[str, Any]:
        # On the event loop, touching no database: it answers even while every thread of the pool
        # waits on a push (a load balancer's probe must not time out behind a busy county).
        # ``protocol`` is the version this server speaks with the asker: a laptop from before the
        # version header checks that it equals its own (1), so it gets 1 and keeps working.
        return {
            "status": "ok",
            "protocol": auth.request_version(request.headers),
            "protocols": list(SUPPORTED_VERSIONS),
            # The server's clock, so a laptop whose clock is off can sign with it.
            "server_time": store.now(),
        }

    @app.post(f"{API}/enroll")
    def enroll_device(body: EnrollRequest) -> dict[str, str]:
        device = enroll.redeem_code(store, body.code, body.public_key, body.name, body.village_code)
        return {
            "device_id": device.device_id,
            "village_code": device.village_code,
            "county_code": device.county_code,
        }

    @app.post(
        f"{API}/push",
        response_class=Response,
        openapi_extra={
            "requestBody": {"required": True, "content": {MEDIA_TYPE: _BINARY}, **_SIGNED},
            "responses": {"200": {"description": "PushResponse", "content": {MEDIA_TYPE: _BINARY}}},
        },
    )
    async def push_batch(request: Request) -> Response:
        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> bytes:
            device = device_auth.authenticate("POST", path, headers, body)
            try:
                message = decode_push_request(body)
            except ProtocolError as exc:
                raise _protocol_error(exc) from None
            if message.v != device.protocol:
                raise ApiError("malformed", "api.protocol_mismatch")
            return push.apply_batch(store, rules, device, message, body_digest(body), today=today())

        return Response(await run_in_threadpool(work), media_type=MEDIA_TYPE)

    @app.get(
        f"{API}/pull",
        response_class=Response,
        openapi_extra={
            "responses": {"200": {"description": "PullResponse", "content": {MEDIA_TYPE: _BINARY}}}
        },
        description=_SIGNED["description"],
    )
    async def pull_records(
        request: Request,
        cursor: Annotated[int, Query(ge=0, le=push.MAX_NUMBER)] = 0,
        limit: Annotated[int, Query(ge=1, le=pull.MAX_LIMIT)] = pull.DEFAULT_LIMIT,
        since: Annotated[
            int | None,
            Query(
                ge=0,
                le=push.MAX_NUMBER,
                description="Fields changed after this counter (where the pull began); default: cursor",
            ),
        ] = None,
        own: Annotated[
            int,
            Query(
                ge=0,
                le=push.MAX_NUMBER,
                description="Leave out fields this device wrote in batches answered up to this counter",
            ),
        ] = 0,
        epoch: Annotated[
            str,
            Query(
                max_length=64,
                description="The epoch the cursor belongs to: a cursor of another one is no proof "
                "that the database went back",
            ),
        ] = "",
    ) -> Response:
        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> bytes:
            device = device_auth.authenticate("GET", path, headers, body)
            page = pull.pull(store, device, cursor, limit, since=since, own=own, epoch=epoch)
            page["v"] = device.protocol  # answered in the version asked in
            return encode(page)

        return Response(await run_in_threadpool(work), media_type=MEDIA_TYPE)

    @app.get(f"{API}/status", description=_SIGNED["description"])
    async def device_status(request: Request) -> dict[str, Any]:
        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> dict[str, Any]:
            device = device_auth.authenticate("GET", path, headers, body)
            with store.read() as conn:
                epoch, seq, started = village_epoch(conn, device.county_code, device.village_code)
                forms_version = form_store.latest_number(conn, device.county_code)
            return {
                "forms_version": forms_version,
                "village_code": device.village_code,
                "server_seq": seq,
                "epoch": epoch,
                "epoch_seq": started,
                "open_conflicts": conflicts.open_conflict_count(
                    store, device.county_code, device.village_code
                ),
            }

        return await run_in_threadpool(work)

    @app.get(f"{API}/forms", description=_SIGNED["description"])
    async def county_forms(request: Request) -> dict[str, Any]:
        """The county's latest published form version, as signed by the county (issue 17); the
        laptop checks the signature against its provisioning file's county key."""
        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> dict[str, Any]:
            device = device_auth.authenticate("GET", path, headers, body)
            with store.read() as conn:
                return form_store.latest(conn, device.county_code)

        return await run_in_threadpool(work)

    app.include_router(
        routes_staff.staff_router(store, rules, today=today, token_ttl=token_ttl, limiter=limiter)
    )
    app.include_router(routes_review.review_router(store, device_auth))
    app.include_router(routes_history.history_router(store, device_auth))

    return app
