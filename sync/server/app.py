"""The county server's HTTP API (FastAPI). Routes only: the work is done in the modules they call.

Sync bodies are ``sync.protocol`` messages (compressed JSON, ``MEDIA_TYPE``), signed by the device;
everything else is plain JSON. Every error is ``{"error", "message", "message_zh"}``.
"""

from __future__ import annotations

import gc
import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.protocol import (
    MAX_BODY_BYTES,
    MEDIA_TYPE,
    PROTOCOL_VERSION,
    BodyTooLarge,
    ProtocolError,
    ProtocolVersionError,
    body_digest,
    decode_push_request,
    encode,
)
from sync.schema import Forms, load_forms
from sync.server import auth, conflicts, enroll, indicators, pull, push
from sync.server.auth import DeviceAuth, StaffUser
from sync.server.errors import ApiError
from sync.server.store import Store, village_seq

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
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("internal error %s\n%s", type(exc).__name__, frames)
            if not started:
                await _send_error(send, ApiError("internal"))


async def _send_error(send: Any, error: ApiError) -> None:
    response = JSONResponse(error.body(), status_code=error.status)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - a JSONResponse never reads
    return {"type": "http.disconnect"}


def signed_path(request: Request) -> str:
    """The path and query exactly as the client sent (and signed) them."""
    path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    text = path.decode("latin-1")
    return text + "?" + query.decode("latin-1") if query else text


def _protocol_error(exc: ProtocolError) -> ApiError:
    if isinstance(exc, ProtocolVersionError):
        return ApiError("protocol_version")
    if isinstance(exc, BodyTooLarge):
        return ApiError("too_large")
    return ApiError("malformed", f"The request body is malformed: {exc}.", "请求内容格式错误。")


_BINARY = {"schema": {"type": "string", "format": "binary"}}
_SIGNED = {
    "description": "Signed by the device key: X-Device-Id, X-Timestamp, X-Nonce, X-Signature (sync.signing).",
}


_bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _staff_user(request: Request, credentials: Credentials) -> StaffUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError("unauthorized")
    return auth.staff_from_token(request.app.state.store, credentials.credentials)


Staff = Annotated[StaffUser, Depends(_staff_user)]


class EnrollRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    public_key: str = Field(min_length=1, max_length=100, description="Raw Ed25519 public key, base64")
    name: str = Field(default="", max_length=100, description="Laptop name shown to county IT")
    village_code: str | None = Field(
        default=None, max_length=12, description="Refuse a code of another village"
    )


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class ResolveRequest(BaseModel):
    value: Any = Field(description="The value to keep (any JSON; for _deleted true or false)")
    note: str = Field(min_length=1, max_length=1000, description="Why; kept with the resolution")


def freeze_startup_heap() -> None:
    """Put every object made so far (modules, routes, tables, forms) out of the garbage collector's
    way: they live as long as the process, and each full collection walked them all (~50 ms, once
    or twice per 10,000 records pushed). Call once after ``create_app``, in a process that is only
    the server (``county-server serve``); not in one whose early objects may later become garbage
    (the desktop app's demo server), as frozen garbage is never collected."""
    gc.collect()
    gc.freeze()


def create_app(
    store: Store, *, forms: Forms | None = None, token_ttl: int = auth.TOKEN_TTL_SECONDS
) -> FastAPI:
    """The ASGI app over a migrated store."""
    rules = push.Rules.from_forms(forms or load_forms())
    device_auth = DeviceAuth(store)
    throttle = auth.LoginThrottle()

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
    app.add_middleware(Guard)  # outermost of ours: sees what every handler let through

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Name the places that are wrong, never the values sent.
        where = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        error = ApiError("malformed", f"The request is malformed at: {where}.", f"请求格式错误：{where}。")
        return JSONResponse(error.body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "malformed")
        error = ApiError(code, status=exc.status_code)
        return JSONResponse(error.body(), status_code=exc.status_code)

    # ---------------------------------------------------------------------------------------------
    # Devices

    @app.get(f"{API}/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": PROTOCOL_VERSION, "server_time": store.now()}

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
    ) -> Response:
        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> bytes:
            device = device_auth.authenticate("GET", path, headers, body)
            return encode(pull.pull(store, device, cursor, limit))

        return Response(await run_in_threadpool(work), media_type=MEDIA_TYPE)

    @app.get(f"{API}/status", description=_SIGNED["description"])
    async def device_status(request: Request) -> dict[str, Any]:
        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> dict[str, Any]:
            device = device_auth.authenticate("GET", path, headers, body)
            return {
                "village_code": device.village_code,
                "server_seq": village_seq(store, device.county_code, device.village_code),
                "open_conflicts": conflicts.open_conflict_count(
                    store, device.county_code, device.village_code
                ),
            }

        return await run_in_threadpool(work)

    # ---------------------------------------------------------------------------------------------
    # Staff

    @app.post(f"{API}/staff/login")
    def staff_login(body: LoginRequest) -> dict[str, Any]:
        token, expires, user = auth.sign_in(store, body.username, body.password, token_ttl, throttle)
        names = auth.staff_villages(store, user)
        return {
            "token": token,
            "expires_at": expires,
            "username": user.username,
            "scope": user.scope,
            "scope_code": user.scope_code,
            "villages": list(names),
            "village_names": names,
        }

    @app.post(f"{API}/staff/logout")
    def staff_logout(user: Staff, credentials: Credentials) -> dict[str, str]:
        assert credentials is not None
        auth.sign_out(store, credentials.credentials)
        return {"status": "ok"}

    @app.get(f"{API}/staff/conflicts")
    def staff_conflicts(
        user: Staff,
        status: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
        village: Annotated[str | None, Query(pattern=r"^\d{12}$")] = None,
    ) -> dict[str, Any]:
        return {"conflicts": conflicts.list_conflicts(store, user, status, village)}

    @app.post(f"{API}/staff/conflicts/{{conflict_id}}/resolve")
    def staff_resolve(conflict_id: str, body: ResolveRequest, user: Staff) -> dict[str, Any]:
        conflict, seq = conflicts.resolve(
            store, rules, user, conflict_id, body.value, body.note, today=today()
        )
        return {"conflict": conflict, "seq": seq}

    @app.get(f"{API}/staff/indicators")
    def staff_indicators(
        user: Staff,
        village: Annotated[
            str | None, Query(pattern=r"^\d{12}$", description="One village; all of yours if absent")
        ] = None,
        year: Annotated[
            int | None, Query(ge=1990, le=2100, description="Income/service year; last year if absent")
        ] = None,
        threshold_fen: Annotated[int, Query(ge=0, le=10_000_000_000)] = indicators.DEFAULT_THRESHOLD_FEN,
    ) -> dict[str, Any]:
        allowed = list(auth.staff_villages(store, user))
        if village is not None and village not in allowed:
            raise ApiError("forbidden")
        day = today()
        return indicators.for_villages(
            store,
            user.county_code,
            [village] if village else allowed,
            year=year or day.year - 1,
            today=day,
            threshold_fen=threshold_fen,
        )

    @app.get(f"{API}/staff/duplicates")
    def staff_duplicates(user: Staff) -> dict[str, Any]:
        return {"duplicates": conflicts.duplicates(store, user)}

    return app
