"""The county's forms for a laptop: ``GET /api/v1/forms`` (signed by the device). Staff read every
version at ``/api/v1/staff/forms`` (``routes.staff``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sync.server import form_store
from sync.server.auth import Device
from sync.server.deps import API, SIGNED, SignedRequest

router = APIRouter(prefix=API)


@router.get("/forms", description=SIGNED)
async def county_forms(signed: SignedRequest) -> dict[str, Any]:
    """The county's latest published form version, as signed by the county (issue 17); the
    laptop checks the signature against its provisioning file's county key."""
    store = signed.server.store

    def work(device: Device) -> dict[str, Any]:
        with store.read() as conn:
            return form_store.latest(conn, device.county_code)

    return await signed.run(work)
