"""Record history routes (``sync.server.changelog``): staff read a record's history (every field, or
one), within their scope; a laptop reads a field's history of its own village, signed by its key.

These are new endpoints: a laptop that does not know them never calls them, so older laptops keep
syncing as before (push and pull, in the current and the previous protocol version, are unchanged).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sync.server import changelog
from sync.server.auth import Device
from sync.server.deps import API, SignedRequest, Staff, StaffVillages, StoreDep
from sync.server.errors import ApiError

RecordId = Annotated[str, Query(min_length=1, max_length=36)]
Field = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]

router = APIRouter(prefix=API)


@router.get("/staff/records/{record_id}/history")
def staff_record_history(
    record_id: str, user: Staff, allowed: StaffVillages, store: StoreDep, field: Field = None
) -> dict[str, Any]:
    """Oldest first, one entry per field written; 403 ``forbidden`` for a record outside scope."""
    if len(record_id) > 36:
        raise ApiError("not_found")
    with store.read() as conn:
        village, entries = changelog.record_history(conn, user.county_code, record_id, field)
    if village is not None and village not in allowed:
        raise ApiError("forbidden")
    return {"record_id": record_id, "village_code": village, "history": entries}


@router.get("/history", description="Signed by the device key: a record's history in its village.")
async def device_record_history(
    signed: SignedRequest, record: RecordId, field: Field = None
) -> dict[str, Any]:
    store = signed.server.store

    def work(device: Device) -> dict[str, Any]:
        with store.read() as conn:
            village, entries = changelog.record_history(conn, device.county_code, record, field)
        if village is not None and village != device.village_code:
            raise ApiError("out_of_village")
        return {"record_id": record, "history": entries}

    return await signed.run(work)
