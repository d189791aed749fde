"""Duplicate residents: one resident ID active in person records of two villages (or households)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from sync.ids import uuid7
from sync.server import admin, review
from sync.server.embedded import EmbeddedServer

from .conftest import COUNTY, V1, V2, V3, Laptop, enroll_laptop, household_fields, person_fields

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(server: EmbeddedServer) -> EmbeddedServer:
    admin.add_user(server.store, "township1", PASSWORD, "township", V1[:9])
    admin.add_user(server.store, "county", PASSWORD, "county", COUNTY)
    return server


def _headers(server: EmbeddedServer, username: str) -> dict[str, str]:
    reply = requests.post(
        server.url + "/api/v1/staff/login", json={"username": username, "password": PASSWORD}, timeout=30
    )
    return {"Authorization": f"Bearer {reply.json()['token']}"}


def _groups(server: EmbeddedServer, headers: dict[str, str], status: str = "open") -> list[dict[str, Any]]:
    reply = requests.get(f"{server.url}/api/v1/staff/duplicates?status={status}", headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    return list(reply.json()["duplicates"])


def _decide(server: EmbeddedServer, headers: dict[str, str], gid: str, **body: Any) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/staff/duplicates/{gid}/decide", json=body, headers=headers, timeout=30
    )


def _register(lap: Laptop, person: dict[str, Any]) -> str:
    hid, pid = uuid7(), uuid7()
    result = lap.push(
        [
            lap.change("household", hid, household_fields(head_name="赵六")),
            lap.change("person", pid, {**person, "household_id": hid}),
        ]
    )
    assert [r.status for r in result.results] == ["applied", "applied"]
    return pid


def test_keep_one_moves_the_other_out_as_a_change_that_syncs(staff: EmbeddedServer, laptop: Laptop) -> None:
    west = enroll_laptop(staff, V2, "west")
    person = person_fields("", "child", name="孙七")
    kept, other = _register(laptop, person), _register(west, person)
    _register(laptop, person_fields("", "child"))  # a different resident: no group
    township = _headers(staff, "township1")
    (group,) = _groups(staff, township)
    assert person["resident_id"] not in str(group) and "*" in group["resident_id_masked"]
    assert group["created_at"] > 1_700_000_000  # when its newest record was made
    by_record = {h["record_id"]: h for h in group["holders"]}
    assert set(by_record) == {kept, other}
    assert by_record[kept]["name"] == "孙七" and by_record[kept]["household_no"]
    assert by_record[kept]["head_name"] == "赵六" and by_record[kept]["village_name"] == "东村"
    assert _decide(staff, township, group["id"], keep=kept, note="").status_code == 422
    assert _decide(staff, township, group["id"], keep=uuid7(), note="x").status_code == 422
    assert _decide(staff, township, group["id"], keep=kept, not_same=True, note="x").status_code == 422
    reply = _decide(staff, township, group["id"], keep=kept, note="同一人，已迁入东村")
    assert reply.status_code == 200, reply.text
    done = reply.json()["group"]
    assert done["status"] == "decided" and done["kept_record_id"] == kept and done["decision"] == "keep"
    records, _ = west.pull_all()
    assert records[other]["fields"]["status"] == "moved_out"
    assert _groups(staff, township) == []
    (decided,) = _groups(staff, township, "decided")
    assert decided["id"] == group["id"] and decided["note"] == "同一人，已迁入东村"
    again = _decide(staff, township, group["id"], keep=kept, note="再来")
    assert again.status_code == 409 and again.json()["error"] == "already_decided"
    history = requests.get(
        f"{staff.url}/api/v1/staff/history?record={other}", headers=township, timeout=30
    ).json()["history"]
    assert history[0]["kind"] == "duplicate" and history[0]["set_aside"][0]["kept_record_id"] == kept
    everything = requests.get(f"{staff.url}/api/v1/staff/history", headers=township, timeout=30).json()
    assert [(h["kind"], h["record_id"]) for h in everything["history"]] == [("duplicate", other)]


def test_not_the_same_person_stays_decided_until_a_new_holder_appears(
    staff: EmbeddedServer, laptop: Laptop
) -> None:
    west = enroll_laptop(staff, V2, "west")
    person = person_fields("", "child")
    _register(laptop, person)
    _register(west, person)
    township = _headers(staff, "township1")
    (group,) = _groups(staff, township)
    assert (
        _decide(staff, township, group["id"], not_same=True, note="身份证号录错，另行核实").status_code == 200
    )
    assert _groups(staff, township) == []
    assert [g["decision"] for g in _groups(staff, township, "decided")] == ["not_same"]
    far = enroll_laptop(staff, V3, "far")
    _register(far, person)
    (reopened,) = _groups(staff, township)
    assert len(reopened["holders"]) == 3
    outside = [h for h in reopened["holders"] if h["village_code"] == V3]
    assert outside and "name" not in outside[0] and outside[0]["visible"] is False
    # A group reaching outside the township is decided by county staff.
    assert _decide(staff, township, reopened["id"], not_same=True, note="x").status_code == 403
    county = _headers(staff, "county")
    assert _decide(staff, county, reopened["id"], not_same=True, note="三人不同").status_code == 200


def _decide_at_once(
    server: EmbeddedServer,
    a: tuple[dict[str, str], dict[str, Any]],
    b: tuple[dict[str, str], dict[str, Any]],
    gid: str,
) -> list[requests.Response]:
    """Two decisions of one group sent at the same moment from two threads (two real requests)."""
    start = threading.Barrier(2)

    def send(headers: dict[str, str], body: dict[str, Any]) -> requests.Response:
        start.wait(timeout=30)
        return _decide(server, headers, gid, **body)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(send, *a), pool.submit(send, *b)]
        return [f.result(timeout=120) for f in futures]


def test_two_desks_deciding_one_group_at_once_one_wins_the_other_gets_409(
    staff: EmbeddedServer, laptop: Laptop
) -> None:
    """County staff and the township decide the same group at the same moment, keeping different
    records (or one keeps, the other says "not the same person"): one decision is applied, the other
    is refused with 409 and changes nothing — never a 500, never both persons moved out."""
    west = enroll_laptop(staff, V2, "west")
    township, county = _headers(staff, "township1"), _headers(staff, "county")
    for round_no in range(6):
        person = person_fields("", "child")
        east_id, west_id = _register(laptop, person), _register(west, person)
        (group,) = _groups(staff, county)
        second = {"not_same": True} if round_no % 2 else {"keep": west_id}
        replies = _decide_at_once(
            staff,
            (county, {"keep": east_id, "note": "县里保留东村"}),
            (township, {**second, "note": "乡镇"}),
            group["id"],
        )
        statuses = sorted(r.status_code for r in replies)
        assert statuses == [200, 409], [r.text for r in replies]
        refused = next(r for r in replies if r.status_code == 409)
        assert refused.json()["error"] in ("already_decided", "stale")
        won = next(r for r in replies if r.status_code == 200).json()["group"]
        with staff.store.read() as conn:
            states = review._record_states(conn, COUNTY, [east_id, west_id])
        moved = sorted(r for r in (east_id, west_id) if states[r][1]["status"] == "moved_out")
        expected = (
            [] if won["decision"] == "not_same" else sorted({east_id, west_id} - {won["kept_record_id"]})
        )
        assert moved == expected
        history = requests.get(f"{staff.url}/api/v1/staff/history", headers=county, timeout=30).json()[
            "history"
        ]
        rows = [h for h in history if h["record_id"] in (east_id, west_id)]
        assert len(rows) == (2 if won["decision"] == "not_same" else 1)
        assert _groups(staff, county) == []


def test_a_decision_on_a_group_that_changed_since_it_was_shown_is_refused(
    staff: EmbeddedServer, laptop: Laptop
) -> None:
    west = enroll_laptop(staff, V2, "west")
    person = person_fields("", "child")
    east_id, west_id = _register(laptop, person), _register(west, person)
    county = _headers(staff, "county")
    (shown,) = _groups(staff, county)
    third = _register(enroll_laptop(staff, V3, "far"), person)  # joins after the desk showed the group
    reply = _decide(staff, county, shown["id"], keep=east_id, note="x", holders=[east_id, west_id])
    assert reply.status_code == 409 and reply.json()["error"] == "stale"
    assert {h["record_id"] for h in reply.json()["group"]["holders"]} == {east_id, west_id, third}
    (group,) = _groups(staff, county)
    assert group["status"] == "open" and len(group["holders"]) == 3
    held = [h["record_id"] for h in group["holders"]]
    assert _decide(staff, county, group["id"], keep=east_id, note="x", holders=held).status_code == 200
