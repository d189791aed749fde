"""Record history routes (``sync.server.changelog``): staff read a record's history (every field, or
one), within their scope; a laptop reads a field's history of its own village, signed by its key.

These are new endpoints: a laptop that does not know them never calls them, so older laptops keep
syncing as before (push and pull, in the current and the previous protocol version, are unchanged).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from sync.server import auth, changelog
from sync.server.auth import DeviceAuth
from sync.server.errors import ApiError
from sync.server.routes_staff import Staff
from sync.server.store import Store

RecordId = Annotated[str, Query(min_length=1, max_length=36)]
Field = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


def history_router(store: Store, device_auth: DeviceAuth) -> APIRouter:
    router = APIRouter(prefix="/api/v1")

    @router.get("/staff/records/{record_id}/history")
    def staff_record_history(record_id: str, user: Staff, field: Field = None) -> dict[str, Any]:
        """Oldest first, one entry per field written; 403 ``forbidden`` for a record outside scope."""
        if len(record_id) > 36:
            raise ApiError("not_found")
        allowed = auth.staff_villages(store, user)
        with store.read() as conn:
            village, entries = changelog.record_history(conn, user.county_code, record_id, field)
        if village is not None and village not in allowed:
            raise ApiError("forbidden")
        return {"record_id": record_id, "village_code": village, "history": entries}

    @router.get("/history", description="Signed by the device key: a record's history in its village.")
    async def device_record_history(
        request: Request, record: RecordId, field: Field = None
    ) -> dict[str, Any]:
        from sync.server.app import signed_path

        body = await request.body()
        headers, path = request.headers, signed_path(request)

        def work() -> dict[str, Any]:
            device = device_auth.authenticate("GET", path, headers, body)
            with store.read() as conn:
                village, entries = changelog.record_history(conn, device.county_code, record, field)
            if village is not None and village != device.village_code:
                raise ApiError("out_of_village")
            return {"record_id": record, "history": entries}

        return await run_in_threadpool(work)

    return router
