"""The laptop's view of township review: ``GET /api/v1/review`` (signed by the device).

A laptop asks about the records whose values wait on the township; it gets, per (record, field),
the newest item of its own village holding a value it sent: the county value while open, the
decision once decided. Village and device come from the signature, never from the request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sync.server import review
from sync.server.auth import Device
from sync.server.deps import API, SignedRequest
from sync.server.errors import ApiError

MAX_RECORDS = 100

router = APIRouter(prefix=API)


@router.get(
    "/review",
    description="Signed by the device key. records: comma-separated record ids (at most 100).",
)
async def device_review(
    signed: SignedRequest, records: Annotated[str, Query(max_length=MAX_RECORDS * 37)] = ""
) -> dict[str, Any]:
    ids = [r for r in records.split(",") if r]
    if len(ids) > MAX_RECORDS or any(len(r) > 36 for r in ids):
        raise ApiError("malformed", "api.too_many_records")

    store = signed.server.store

    def work(device: Device) -> dict[str, Any]:
        with store.read() as conn:
            items = review.device_states(conn, device.county_code, device.village_code, device.device_id, ids)
        return {"items": items}

    return await signed.run(work)
