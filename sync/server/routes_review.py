"""The laptop's view of township review: ``GET /api/v1/review`` (signed by the device).

A laptop asks about the records whose values wait on the township; it gets, per (record, field),
the newest item of its own village holding a value it sent: the county value while open, the
decision once decided. Village and device come from the signature, never from the request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from sync.server import review
from sync.server.auth import DeviceAuth
from sync.server.errors import ApiError
from sync.server.store import Store

MAX_RECORDS = 100


def review_router(store: Store, device_auth: DeviceAuth) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.get(
        "/review",
        description="Signed by the device key. records: comma-separated record ids (at most 100).",
    )
    async def device_review(
        request: Request, records: Annotated[str, Query(max_length=MAX_RECORDS * 37)] = ""
    ) -> dict[str, Any]:
        from sync.server.app import signed_path

        body = await request.body()
        headers, path = request.headers, signed_path(request)
        ids = [r for r in records.split(",") if r]
        if len(ids) > MAX_RECORDS or any(len(r) > 36 for r in ids):
            raise ApiError("malformed", "api.too_many_records")

        def work() -> dict[str, Any]:
            device = device_auth.authenticate("GET", path, headers, body)
            with store.read() as conn:
                items = review.device_states(
                    conn, device.county_code, device.village_code, device.device_id, ids
                )
            return {"items": items}

        return await run_in_threadpool(work)

    return router
