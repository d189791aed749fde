"""Hostile text from laptops and staff: hidden characters in decision notes and pushed user names
are removed before they are stored or shown (as laptop names are, ``sync.textsafety``), and odd
digits in headers, queries and codes get a clear refusal, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sync.ids import uuid7
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.textsafety import has_hidden

from .conftest import COUNTY, V1, V2, Laptop, enroll_laptop, household_fields, person_fields

PASSWORD = "correct horse battery"
HOSTILE = "\x1b[2J\x00\u202e\u200b\u2028\x07"
"""Clears a terminal, NUL (PostgreSQL refuses it in text), right-to-left override, zero-width
space, line separator, bell."""
INVISIBLE = "\x00\u202e\u200b\u2028\x07\x1b"


@pytest.fixture
def desk(server: EmbeddedServer) -> dict[str, str]:
    admin.add_user(server.store, "county", PASSWORD, "county", COUNTY)
    reply = requests.post(
        server.url + "/api/v1/staff/login", json={"username": "county", "password": PASSWORD}, timeout=30
    )
    return {"Authorization": f"Bearer {reply.json()['token']}"}


def _staff(server: EmbeddedServer, headers: dict[str, str], method: str, path: str, **body: Any) -> Any:
    return requests.request(
        method, f"{server.url}/api/v1/staff{path}", json=body or None, headers=headers, timeout=30
    )


def test_hidden_characters_in_notes_and_user_names_are_removed(
    server: EmbeddedServer, laptop: Laptop, laptop_b: Laptop, desk: dict[str, str]
) -> None:
    hid, pid = uuid7(), uuid7()
    laptop.push(
        [
            laptop.change("household", hid, household_fields()),
            laptop.change("person", pid, person_fields(hid, "head", phone="13800000001")),
        ]
    )
    records, _ = laptop.pull_all()
    v = records[pid]["versions"]["phone"]
    laptop.push([laptop.change("person", pid, {"phone": "13800000002"}, base={"phone": v})])
    laptop_b.user = f"王{HOSTILE}五"
    result = laptop_b.push(
        [
            laptop_b.change(
                "person",
                pid,
                {"phone": "13800000003"},
                base={"phone": v},
                base_values={"phone": "13800000001"},
            )
        ]
    )
    assert result.results[0].conflicts == ["phone"]
    (item,) = _staff(server, desk, "GET", "/items").json()["items"]
    (value,) = item["village_values"]
    assert not has_hidden(value["user"]) and value["user"].startswith("王") and value["user"].endswith("五")

    # A note of nothing but hidden characters is no note: refused, nothing changed.
    body = {"choice": "county", "version": item["county"]["version"]}
    empty = _staff(server, desk, "POST", f"/items/{item['id']}/decide", **body, note=INVISIBLE)
    assert empty.status_code == 422 and empty.json()["error"] == "note_required"
    assert _staff(server, desk, "GET", "/items").json()["items"][0]["status"] == "open"

    decided = _staff(
        server, desk, "POST", f"/items/{item['id']}/decide", **body, note=f"入户{HOSTILE}核实\n第二行"
    )
    assert decided.status_code == 200, decided.text
    (entry,) = _staff(server, desk, "GET", f"/history?item={item['id']}").json()["history"]
    assert entry["note"] == "入户[2J核实\n第二行"
    assert all(not has_hidden(a.get("user") or "") for a in entry["set_aside"])


def test_hidden_characters_in_a_duplicate_decision_note_are_removed(
    server: EmbeddedServer, laptop: Laptop, desk: dict[str, str]
) -> None:
    west = enroll_laptop(server, V2, "west")
    person = person_fields("", "child")
    kept = None
    for lap in (laptop, west):
        hid, pid = uuid7(), uuid7()
        lap.push(
            [
                lap.change("household", hid, household_fields()),
                lap.change("person", pid, {**person, "household_id": hid}),
            ]
        )
        kept = kept or pid
    (group,) = _staff(server, desk, "GET", "/duplicates").json()["duplicates"]
    empty = _staff(server, desk, "POST", f"/duplicates/{group['id']}/decide", keep=kept, note=INVISIBLE)
    assert empty.status_code == 422
    reply = _staff(
        server, desk, "POST", f"/duplicates/{group['id']}/decide", keep=kept, note=f"同一人{HOSTILE}"
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["group"]["note"] == "同一人[2J"


@pytest.mark.parametrize("version", ["²", "٣", "１", "1\u200b"])
def test_a_protocol_version_in_other_digits_is_a_clear_refusal(
    server: EmbeddedServer, laptop: Laptop, version: str
) -> None:
    headers: dict[str, Any] = {"X-Protocol-Version": version.encode()}  # raw bytes, as a client may send
    health = requests.get(server.url + "/api/v1/health", headers=headers, timeout=30)
    assert health.status_code == 400 and health.json()["error"] == "protocol_version"
    signed = laptop.request("GET", "/api/v1/status", headers=headers)
    assert signed.status in (400, 401) and signed.error in ("protocol_version", "bad_signature")


def test_village_codes_in_full_width_digits_are_refused(server: EmbeddedServer, desk: dict[str, str]) -> None:
    wide = "".join(chr(ord("０") + int(c)) for c in V1)
    reply = _staff(server, desk, "GET", f"/indicators?village={wide}")
    assert reply.status_code == 400 and reply.json()["error"] == "malformed"
    with pytest.raises(admin.AdminError):
        admin.add_village(server.store, wide[:11] + "9", "假村")
    with pytest.raises(admin.AdminError):
        admin.add_user(server.store, "wide", PASSWORD, "township", "１１０１０５００１")
    with server.store.read() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT count(*) FROM villages")).scalar_one() == 3
        assert conn.execute(text("SELECT count(*) FROM users")).scalar_one() == 1


def test_a_batch_id_with_control_characters_is_malformed(laptop: Laptop) -> None:
    """A NUL in the batch id gave a 500 on PostgreSQL."""
    from sync.protocol import PushRequest, encode

    for batch_id in ("a\x00b", "a\x1b[2Jb", "a\u202eb"):
        body = encode(PushRequest(batch_id, [laptop.change("household", uuid7(), household_fields())]))
        reply = laptop.request("POST", "/api/v1/push", body)
        assert reply.status == 400 and reply.error == "malformed"
    records, _ = laptop.pull_all()
    assert records == {}
