"""Staff routes: sign-in, review items and decisions, history, duplicates, indicators.

Every route but sign-in takes the signed-in staff member from the bearer token (``Staff``). Scope:
township staff reach only their township's villages, county staff the whole county; an item of
another village is answered 403 ``forbidden`` whether it is read or decided.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
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
from sync.server.auth import StaffUser
from sync.server.errors import ApiError
from sync.server.login_limits import LoginLimiter
from sync.server.push import Rules
from sync.server.store import Store
from sync.textsafety import clean_note

API = "/api/v1"

_bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _staff_user(request: Request, credentials: Credentials) -> StaffUser:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError("unauthorized")
    return auth.staff_from_token(request.app.state.store, credentials.credentials)


Staff = Annotated[StaffUser, Depends(_staff_user)]
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


def staff_router(
    store: Store, rules: Rules, *, today: Callable[[], date], token_ttl: int, limiter: LoginLimiter
) -> APIRouter:
    router = APIRouter(prefix=f"{API}/staff")

    def scope(user: StaffUser) -> dict[str, str]:
        return auth.staff_villages(store, user)

    @router.post("/login")
    def staff_login(body: LoginRequest, request: Request) -> dict[str, Any]:
        address = request.client.host if request.client else "unknown"
        token, expires, user = auth.sign_in(store, body.username, body.password, token_ttl, limiter, address)
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
    def staff_logout(user: Staff, credentials: Credentials) -> dict[str, str]:
        assert credentials is not None
        auth.sign_out(store, credentials.credentials)
        return {"status": "ok"}

    @router.get("/forms")
    def staff_forms(user: Staff) -> dict[str, Any]:
        """Every version of the county's forms, the built-in one first (issue 17): the desk labels
        and shows fields with the latest, keeping the fields earlier versions had (hidden)."""
        with store.read() as conn:
            return {"documents": form_store.documents(conn, user.county_code)}

    @router.get("/conflicts", description="Raw conflict rows (one per laptop value); see /items.")
    def staff_conflicts(
        user: Staff,
        status: Annotated[str, Query(pattern="^(open|resolved|all)$")] = "open",
        village: VillageCode = None,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=conflicts.MAX_LIST)] = conflicts.MAX_LIST,
    ) -> dict[str, Any]:
        return {
            "conflicts": conflicts.list_conflicts(store, user, status, village, offset=offset, limit=limit)
        }

    @router.get("/items", response_class=JSONResponse)
    async def staff_items(
        user: Staff,
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
            allowed = scope(user)
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
    def staff_item(item_id: str, user: Staff) -> dict[str, Any]:
        allowed = scope(user)
        with store.read() as conn:
            if len(item_id) < 36:
                item_id = review_search.find_by_number(conn, user.county_code, item_id, list(allowed))
            return {"item": review.one_item(conn, user.county_code, item_id, allowed)}

    @router.post("/items/{item_id}/decide")
    def staff_decide(item_id: str, body: DecideRequest, user: Staff) -> dict[str, Any]:
        item = decisions.decide(
            store, rules, user, set(scope(user)), item_id, body.model_dump(), today=today()
        )
        return {"item": item}

    @router.get("/history")
    def staff_history(
        user: Staff,
        item: Annotated[str | None, Query(max_length=36)] = None,
        record: Annotated[str | None, Query(max_length=36)] = None,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=review.MAX_PAGE)] = 200,
    ) -> dict[str, Any]:
        rows = decisions.history(
            store, user, set(scope(user)), item_id=item, record_id=record, offset=offset, limit=limit
        )
        return {"history": rows}

    @router.get("/duplicates")
    def staff_duplicates(
        user: Staff, status: Annotated[str, Query(pattern="^(open|decided|all)$")] = "open"
    ) -> dict[str, Any]:
        return {"duplicates": duplicates.groups(store, user, set(scope(user)), status)}

    @router.post("/duplicates/{group_id}/decide")
    def staff_decide_duplicate(group_id: str, body: DuplicateDecision, user: Staff) -> dict[str, Any]:
        group = duplicates.decide(
            store,
            rules,
            user,
            set(scope(user)),
            group_id,
            body.keep,
            body.not_same,
            body.note,
            today=today(),
            seen=body.holders,
        )
        return {"group": group}

    @router.get("/indicators")
    def staff_indicators(
        user: Staff,
        village: Annotated[
            str | None, Query(pattern=r"^[0-9]{12}$", description="One village; all of yours if absent")
        ] = None,
        year: Annotated[
            int | None, Query(ge=1990, le=2100, description="Income/service year; last year if absent")
        ] = None,
        threshold_fen: Annotated[int, Query(ge=0, le=10_000_000_000)] = indicators.DEFAULT_THRESHOLD_FEN,
    ) -> dict[str, Any]:
        names = auth.staff_villages(store, user)
        allowed = list(names)
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
            names=names,
        )

    return router
