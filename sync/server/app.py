"""The county server's ASGI app: ``create_app`` puts the routers of each area under ``/api/v1``
(``routes.device``, ``routes.forms``, ``routes.staff``, ``routes.review``, ``routes.history``; what
they take is in ``deps``) and wraps them in the body limit, the thread cap and the 500 guard.

Sync bodies are ``sync.protocol`` messages (compressed JSON, ``MEDIA_TYPE``), signed by the device;
everything else is plain JSON. Every error is ``{"error", "message", "message_zh"}``.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from sync.protocol import MAX_BODY_BYTES, PROTOCOL_VERSION
from sync.schema import Forms, load_forms
from sync.server import auth, push
from sync.server.auth import DeviceAuth
from sync.server.deps import Server
from sync.server.errors import ApiError
from sync.server.login_limits import Limits, LoginLimiter
from sync.server.routes import device as routes_device
from sync.server.routes import forms as routes_forms
from sync.server.routes import history as routes_history
from sync.server.routes import review as routes_review
from sync.server.routes import staff as routes_staff
from sync.server.routes.device import too_deep
from sync.server.store import Store, busy

log = logging.getLogger(__name__)

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
                await _send_error(send, too_deep())
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
    app = FastAPI(
        title="Village Data Desk county server",
        version=str(PROTOCOL_VERSION),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.server = Server(
        store=store,
        rules=push.Rules.from_forms(forms or load_forms()),
        device_auth=DeviceAuth(store),
        limiter=LoginLimiter(store, login_limits),
        token_ttl=token_ttl,
    )
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

    # The routes, in the order they were always listed (/openapi.json keeps its order).
    for routes in (routes_device, routes_forms, routes_staff, routes_review, routes_history):
        app.include_router(routes.router)
    return app
