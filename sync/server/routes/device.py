"""A laptop's sync routes: health, enroll, push, pull and status.

Sync bodies are ``sync.protocol`` messages (compressed JSON, ``MEDIA_TYPE``), signed by the device
(``deps.SignedRequest``); enroll and health are plain JSON and unsigned.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sync import stamps
from sync.protocol import (
    MEDIA_TYPE,
    SUPPORTED_VERSIONS,
    BodyTooLarge,
    ProtocolError,
    ProtocolVersionError,
    TooDeep,
    body_digest,
    encode,
)
from sync.protocol_decode import decode_push_request
from sync.server import auth, conflicts, enroll, form_store, pull, push
from sync.server.auth import Device
from sync.server.deps import API, SIGNED, SignedRequest, StoreDep, county_today
from sync.server.errors import ApiError, protocol_version_error
from sync.server.store import village_epoch

router = APIRouter(prefix=API)

_BINARY = {"schema": {"type": "string", "format": "binary"}}


def too_deep() -> ApiError:
    return ApiError("malformed", "api.too_deep")


def protocol_error(exc: ProtocolError) -> ApiError:
    if isinstance(exc, ProtocolVersionError):
        return protocol_version_error(exc.version)
    if isinstance(exc, BodyTooLarge):
        return ApiError("too_large")
    if isinstance(exc, TooDeep):
        return too_deep()
    return ApiError("malformed", "api.malformed_detail", params={"detail": exc})


class EnrollRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    public_key: str = Field(min_length=1, max_length=100, description="Raw Ed25519 public key, base64")
    name: str = Field(default="", max_length=100, description="Laptop name shown to county IT")
    village_code: str | None = Field(
        default=None, max_length=12, description="Refuse a code of another village"
    )


@router.get("/health")
async def health(request: Request, store: StoreDep) -> dict[str, Any]:
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


@router.post("/enroll")
def enroll_device(body: EnrollRequest, store: StoreDep) -> dict[str, str]:
    device = enroll.redeem_code(store, body.code, body.public_key, body.name, body.village_code)
    return {
        "device_id": device.device_id,
        "village_code": device.village_code,
        "county_code": device.county_code,
    }


@router.post(
    "/push",
    response_class=Response,
    openapi_extra={
        "requestBody": {"required": True, "content": {MEDIA_TYPE: _BINARY}, "description": SIGNED},
        "responses": {"200": {"description": "PushResponse", "content": {MEDIA_TYPE: _BINARY}}},
    },
)
async def push_batch(signed: SignedRequest) -> Response:
    def work(device: Device) -> bytes:
        body = signed.body
        try:
            message = decode_push_request(body)
        except ProtocolError as exc:
            raise protocol_error(exc) from None
        if message.v != device.protocol:
            raise ApiError("malformed", "api.protocol_mismatch")
        server = signed.server
        return push.apply_batch(
            server.store, server.rules, device, message, body_digest(body), today=county_today(server.store)
        )

    return Response(await signed.run(work), media_type=MEDIA_TYPE)


@router.get(
    "/pull",
    response_class=Response,
    openapi_extra={"responses": {"200": {"description": "PullResponse", "content": {MEDIA_TYPE: _BINARY}}}},
    description=SIGNED,
)
async def pull_records(
    signed: SignedRequest,
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
    known: Annotated[
        int,
        Query(
            ge=0,
            le=push.MAX_NUMBER,
            description="The highest counter value this device saw from this server (0: not said)",
        ),
    ] = 0,
    seen: Annotated[
        str,
        Query(
            max_length=stamps.MAX_SEEN_TEXT,
            description="Counter values this device saw and their stamps, newest first: "
            "seq.stamp,seq.stamp (another stamp here means the server went back)",
        ),
    ] = "",
) -> Response:
    store = signed.server.store

    pairs = stamps.from_query(seen)
    if pairs is None:
        raise ApiError("malformed", "api.seen_invalid")

    def work(device: Device) -> bytes:
        page = pull.pull(
            store, device, cursor, limit, since=since, own=own, epoch=epoch, known=known, seen=pairs
        )
        page["v"] = device.protocol  # answered in the version asked in
        return encode(page)

    return Response(await signed.run(work), media_type=MEDIA_TYPE)


@router.get("/status", description=SIGNED)
async def device_status(signed: SignedRequest) -> dict[str, Any]:
    store = signed.server.store

    def work(device: Device) -> dict[str, Any]:
        with store.read() as conn:
            epoch, seq, started = village_epoch(conn, device.county_code, device.village_code)
            forms_version = form_store.latest_number(conn, device.county_code)
        return {
            "forms_version": forms_version,
            "village_code": device.village_code,
            "server_seq": seq,
            "epoch": epoch,
            "epoch_seq": started,
            "open_conflicts": conflicts.open_conflict_count(store, device.county_code, device.village_code),
        }

    return await signed.run(work)
