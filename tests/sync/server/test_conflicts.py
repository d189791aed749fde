"""Staff: sign-in and tokens, listing raw conflict rows by scope (items and decisions: test_review)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sync.ids import uuid7
from sync.server import admin, auth
from sync.server.embedded import EmbeddedServer

from .conftest import COUNTY, V1, V2, V3, Laptop, household_fields

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(server: EmbeddedServer) -> EmbeddedServer:
    admin.add_user(server.store, "township1", PASSWORD, "township", V1[:9])
    admin.add_user(server.store, "county", PASSWORD, "county", COUNTY)
    admin.add_user(server.store, "township2", PASSWORD, "township", V3[:9])
    return server


def _login(server: EmbeddedServer, username: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(
        server.url + "/api/v1/staff/login", json={"username": username, "password": password}, timeout=30
    )


def _token(server: EmbeddedServer, username: str) -> str:
    reply = _login(server, username)
    assert reply.status_code == 200, reply.text
    return reply.json()["token"]


def _get(server: EmbeddedServer, token: str, path: str) -> requests.Response:
    return requests.get(server.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _make_conflict(laptop: Laptop, laptop_b: Laptop) -> tuple[str, int]:
    hid = uuid7()
    laptop.push([laptop.change("household", hid, household_fields())])
    laptop.push([laptop.change("household", hid, {"address": "县里的地址"}, base={"address": 1})])
    result = laptop_b.push(
        [laptop_b.change("household", hid, {"address": "村里的地址"}, base={"address": 1})]
    )
    assert result.results[0].conflicts == ["address"]
    return hid, result.server_seq


def test_login_gives_a_token_and_the_villages(staff: EmbeddedServer) -> None:
    reply = _login(staff, "township1")
    assert reply.status_code == 200
    body = reply.json()
    assert body["villages"] == [V1, V2] and body["village_names"][V1] == "东村"
    assert body["expires_at"] > 0 and len(body["token"]) >= 40
    county = _login(staff, "county").json()
    assert county["villages"] == [V1, V2, V3]


@pytest.mark.parametrize(("username", "password"), [("township1", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_login_is_refused_without_saying_which(
    staff: EmbeddedServer, username: str, password: str
) -> None:
    reply = _login(staff, username, password)
    assert reply.status_code == 401 and reply.json()["error"] == "bad_login"
    assert password not in reply.text and username not in reply.text


def test_tokens_expire_and_are_stored_hashed(staff: EmbeddedServer, clock) -> None:
    token = _token(staff, "township1")
    assert _get(staff, token, "/api/v1/staff/conflicts").status_code == 200
    from sqlalchemy import select

    from sync.server.tables import staff_tokens, users

    with staff.store.read() as conn:
        assert token not in conn.execute(select(staff_tokens.c.token_hash)).scalars().all()
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    clock.advance(auth.TOKEN_TTL_SECONDS + 1)
    expired = _get(staff, token, "/api/v1/staff/conflicts")
    assert expired.status_code == 401 and expired.json()["error"] == "unauthorized"


def test_staff_endpoints_need_a_token(staff: EmbeddedServer) -> None:
    for path in ("/api/v1/staff/conflicts", "/api/v1/staff/duplicates"):
        assert requests.get(staff.url + path, timeout=30).json()["error"] == "unauthorized"
        assert _get(staff, "made-up", path).status_code == 401


def test_logout_ends_the_token(staff: EmbeddedServer) -> None:
    token = _token(staff, "county")
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.post(staff.url + "/api/v1/staff/logout", headers=headers, timeout=30).status_code == 200
    assert _get(staff, token, "/api/v1/staff/conflicts").status_code == 401


def test_conflicts_are_listed_by_scope(staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop) -> None:
    hid, _ = _make_conflict(laptop, laptop_b)
    (conflict,) = _get(staff, _token(staff, "township1"), "/api/v1/staff/conflicts?status=open").json()[
        "conflicts"
    ]
    assert conflict["record_id"] == hid and conflict["village_code"] == V1 and conflict["field"] == "address"
    assert conflict["base_version"] == 1 and conflict["county_value"] == "县里的地址"
    assert conflict["village_value"] == "村里的地址" and conflict["user"] == laptop_b.user
    assert conflict["device_id"] == laptop_b.device_id and conflict["status"] == "open"
    assert len(_get(staff, _token(staff, "county"), "/api/v1/staff/conflicts").json()["conflicts"]) == 1
    assert _get(staff, _token(staff, "township2"), "/api/v1/staff/conflicts").json()["conflicts"] == []
    forbidden = _get(staff, _token(staff, "township2"), f"/api/v1/staff/conflicts?village={V1}")
    assert forbidden.status_code == 403


def test_repeated_wrong_passwords_lock_the_name_for_a_while(staff: EmbeddedServer, clock) -> None:
    for _ in range(5):
        assert _login(staff, "township1", "wrong password").status_code == 401
    locked = _login(staff, "township1")  # even the right password
    assert locked.status_code == 429 and locked.json()["error"] == "too_many_attempts"
    assert _login(staff, "county").status_code == 200  # other names are not affected
    clock.advance(15 * 60 + 1)
    assert _login(staff, "township1").status_code == 200


def test_conflicts_are_paged_in_the_database(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw list comes a page at a time (oldest first), the database doing the sorting and the
    cutting: pages of 2 cover every open conflict once; no page is longer than MAX_LIST."""
    from sync.server import conflicts

    made = {_make_conflict(laptop, laptop_b)[0] for _ in range(5)}
    token = _token(staff, "township1")
    every = [c["id"] for c in _get(staff, token, "/api/v1/staff/conflicts").json()["conflicts"]]
    assert len(every) >= 5 and len(set(every)) == len(every)
    seen: list[dict[str, Any]] = []
    for offset in range(0, len(every) + 2, 2):
        page = _get(staff, token, f"/api/v1/staff/conflicts?offset={offset}&limit=2").json()["conflicts"]
        assert len(page) == min(2, max(0, len(every) - offset))
        seen.extend(page)
    assert [c["id"] for c in seen] == every and {c["record_id"] for c in seen} == made
    assert [(c["created_at"], c["id"]) for c in seen] == sorted((c["created_at"], c["id"]) for c in seen)
    monkeypatch.setattr(conflicts, "MAX_LIST", 3)
    capped = _get(staff, token, "/api/v1/staff/conflicts").json()["conflicts"]
    assert [c["id"] for c in capped] == every[:3]
    county = _get(staff, _token(staff, "county"), "/api/v1/staff/conflicts?offset=4").json()["conflicts"]
    assert [c["id"] for c in county] == every[4:7]
    assert _get(staff, token, "/api/v1/staff/conflicts?limit=0").status_code == 400
