"""Staff routes: sign-in, review items and decisions, history, duplicates, indicators.

Every route but sign-in takes the signed-in staff member from the bearer token (``Staff``) and the
villages they may see (``StaffVillages``, both in ``deps``). Scope: township staff reach only their
township's villages, county staff the whole county; an item of another village is answered 403
``forbidden`` whether it is read or decided.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from sync.server import (
    admin,
    auth,
    conflicts,
    decisions,
    duplicates,
    form_store,
    indicators,
    review,
    review_search,
)
from sync.server.deps import API, Credentials, ServerDep, Staff, StaffVillages, StoreDep, county_today
from sync.server.errors import ApiError
from sync.textsafety import clean_note

VillageCode = Annotated[str | None, Query(pattern=r"^[0-9]{12}$")]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class DecideRequest(BaseModel):
    choice: str = Field(
        pattern="^(county|village|typed|stay_deleted|restore)$",
        description="county | village (with conflict_id) | typed (with value) | stay_deleted | restore",
    )
    version: int = Field(description="The county version the decision was made on (item.county.version)")
    note: str = Field(default="", max_length=1000, description="Why (required); kept with the decision")
    values_seen: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="How many village values the desk showed (stale if more now)",
    )
    conflict_id: str | None = Field(default=None, max_length=36)

    @field_validator("note")
    @classmethod
    def _clean_note(cls, note: str) -> str:
        return clean_note(note)  # shown to staff as typed: no escapes, overrides, zero-widths, NULs

    value: Any = Field(default=None, description="typed: the value, as the form takes it")
    fields: dict[str, Any] | None = Field(default=None, description="restore: field -> value to restore")


class DuplicateDecision(BaseModel):
    keep: str | None = Field(default=None, max_length=36, description="The person record to keep")
    not_same: bool = Field(default=False, description="Two different people: keep both")
    note: str = Field(default="", max_length=1000, description="Why (required)")
    holders: list[str] | None = Field(
        default=None,
        max_length=1000,
        description="The record ids the desk showed (409 stale if the group changed since)",
    )

    @field_validator("note")
    @classmethod
    def _clean_note(cls, note: str) -> str:
        return clean_note(note)  # shown to staff as typed: no escapes, overrides, zero-widths, NULs


router = APIRouter(prefix=f"{API}/staff")


@router.post("/login")
def staff_login(body: LoginRequest, request: Request, server: ServerDep) -> dict[str, Any]:
    store = server.store
    address = request.client.host if request.client else "unknown"
    token, expires, user = auth.sign_in(
        store, body.username, body.password, server.token_ttl, server.limiter, address
    )
    names = auth.staff_villages(store, user)
    return {
        "token": token,
        "expires_at": expires,
        "username": user.username,
        "scope": user.scope,
        "scope_code": user.scope_code,
        "villages": list(names),
        "village_names": names,
        "scope_name": admin.township_name(store, user.scope_code) if user.scope == "township" else "",
    }


@router.post("/logout")
def staff_logout(user: Staff, credentials: Credentials, store: StoreDep) -> dict[str, str]:
    assert credentials is not None
    auth.sign_out(store, credentials.credentials)
    return {"status": "ok"}


@router.get("/forms")
def staff_forms(user: Staff, store: StoreDep) -> dict[str, Any]:
    """Every version of the county's forms, the built-in one first (issue 17): the desk labels
    and shows fields with the latest, keeping the fields earlier versions had (hidden)."""
    with store.read() as conn:
        return {"documents": form_store.documents(conn, user.county_code)}


@router.get("/conflicts", description="Raw conflict rows (one per laptop value); see /items.")
def staff_conflicts(
    user: Staff,
    store: StoreDep,
    status: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
    village: VillageCode = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=conflicts.MAX_LIST)] = conflicts.MAX_LIST,
) -> dict[str, Any]:
    return {"conflicts": conflicts.list_conflicts(store, user, status, village, offset=offset, limit=limit)}


@router.get("/items", response_class=JSONResponse)
async def staff_items(
    user: Staff,
    allowed: StaffVillages,
    store: StoreDep,
    status: Annotated[str, Query(pattern="^(open|decided|all)$")] = "open",
    village: VillageCode = None,
    entity: Annotated[str | None, Query(pattern="^(household|person|income|service)$")] = None,
    min_age_days: Annotated[int | None, Query(ge=0, le=36500)] = None,
    sort: Annotated[str, Query(pattern="^(age|village|form|household|person)$")] = "age",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=review.MAX_PAGE)] = 200,
    q: Annotated[
        str | None, Query(max_length=64, description="name, household number or resident ID (part)")
    ] = None,
) -> JSONResponse:
    def work() -> dict[str, Any]:
        if village is not None and village not in allowed:
            raise ApiError("forbidden")
        with store.read() as conn:
            return review.list_items(
                conn,
                user.county_code,
                None if user.scope == "county" else list(allowed),
                now=store.now(),
                status=status,
                village=village,
                entity=entity,
                min_age_days=min_age_days,
                sort=sort,
                offset=offset,
                limit=limit,
                query=q.strip() if q and q.strip() else None,
            )

    # Plain JSON of plain values: skip FastAPI's per-value encoder walk (a page holds thousands).
    return JSONResponse(await run_in_threadpool(work))


@router.get("/items/{item_id}", description="item_id: the id, or the item number shown on the desk")
def staff_item(item_id: str, user: Staff, allowed: StaffVillages, store: StoreDep) -> dict[str, Any]:
    with store.read() as conn:
        if len(item_id) < 36:
            item_id = review_search.find_by_number(conn, user.county_code, item_id, list(allowed))
        return {"item": review.one_item(conn, user.county_code, item_id, allowed)}


@router.post("/items/{item_id}/decide")
def staff_decide(
    item_id: str, body: DecideRequest, user: Staff, allowed: StaffVillages, server: ServerDep
) -> dict[str, Any]:
    store = server.store
    item = decisions.decide(
        store, server.rules, user, set(allowed), item_id, body.model_dump(), today=county_today(store)
    )
    return {"item": item}


@router.get("/history")
def staff_history(
    user: Staff,
    allowed: StaffVillages,
    store: StoreDep,
    item: Annotated[str | None, Query(max_length=36)] = None,
    record: Annotated[str | None, Query(max_length=36)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=review.MAX_PAGE)] = 200,
) -> dict[str, Any]:
    rows = decisions.history(
        store, user, set(allowed), item_id=item, record_id=record, offset=offset, limit=limit
    )
    return {"history": rows}


@router.get("/duplicates")
def staff_duplicates(
    user: Staff,
    allowed: StaffVillages,
    store: StoreDep,
    status: Annotated[str, Query(pattern="^(open|decided|all)$")] = "open",
) -> dict[str, Any]:
    return {"duplicates": duplicates.groups(store, user, set(allowed), status)}


@router.post("/duplicates/{group_id}/decide")
def staff_decide_duplicate(
    group_id: str, body: DuplicateDecision, user: Staff, allowed: StaffVillages, server: ServerDep
) -> dict[str, Any]:
    store = server.store
    group = duplicates.decide(
        store,
        server.rules,
        user,
        set(allowed),
        group_id,
        body.keep,
        body.not_same,
        body.note,
        today=county_today(store),
        seen=body.holders,
    )
    return {"group": group}


@router.get("/indicators")
def staff_indicators(
    user: Staff,
    names: StaffVillages,
    store: StoreDep,
    village: Annotated[
        str | None, Query(pattern=r"^[0-9]{12}$", description="One village; all of yours if absent")
    ] = None,
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="Income/service year; last year if absent")
    ] = None,
    threshold_fen: Annotated[int, Query(ge=0, le=10_000_000_000)] = indicators.DEFAULT_THRESHOLD_FEN,
) -> dict[str, Any]:
    allowed = list(names)
    if village is not None and village not in allowed:
        raise ApiError("forbidden")
    day = county_today(store)
    return indicators.for_villages(
        store,
        user.county_code,
        [village] if village else allowed,
        year=year or day.year - 1,
        today=day,
        threshold_fen=threshold_fen,
        names=names,
    )
