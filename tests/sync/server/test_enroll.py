"""Enrollment codes: one-time, expiring, bound to one village, kept only as hashes."""

from __future__ import annotations

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from sync.server import enroll
from sync.server.admin import AdminError
from sync.server.embedded import EmbeddedServer
from sync.server.tables import devices, enroll_codes
from sync.signing import public_key_b64

from .conftest import V1, V2, Laptop


def _enroll(server: EmbeddedServer, code: str, **extra) -> requests.Response:
    key = Ed25519PrivateKey.generate()
    payload = {"code": code, "public_key": public_key_b64(key), "name": "笔记本", **extra}
    return requests.post(server.url + "/api/v1/enroll", json=payload, timeout=30)


def _device_count(server: EmbeddedServer) -> int:
    with server.store.read() as conn:
        return len(conn.execute(select(devices.c.device_id)).all())


def test_a_code_enrolls_one_device_in_its_village(server: EmbeddedServer) -> None:
    code = enroll.issue_code(server.store, V2)
    first = _enroll(server, code.lower().replace("-", " "))  # typed by hand
    assert first.status_code == 200
    assert first.json()["village_code"] == V2 and first.json()["county_code"] == V2[:6]
    second = _enroll(server, code)
    assert second.status_code == 403 and second.json()["error"] == "bad_code"
    assert second.json()["message_zh"]
    assert _device_count(server) == 1


def test_an_expired_code_is_refused(server: EmbeddedServer, clock) -> None:
    code = enroll.issue_code(server.store, V1, hours=72)
    clock.advance(72 * 3600 + 1)
    reply = _enroll(server, code)
    assert reply.status_code == 403 and reply.json()["error"] == "bad_code"
    assert _device_count(server) == 0


def test_a_code_for_another_village_is_refused(server: EmbeddedServer) -> None:
    code = enroll.issue_code(server.store, V1)
    reply = _enroll(server, code, village_code=V2)
    assert reply.status_code == 403 and reply.json()["error"] == "bad_code"
    assert _enroll(server, code, village_code=V1).status_code == 200


def test_unknown_code_and_bad_key(server: EmbeddedServer) -> None:
    assert _enroll(server, "AAAA-BBBB-CCCC").json()["error"] == "bad_code"
    code = enroll.issue_code(server.store, V1)
    reply = requests.post(
        server.url + "/api/v1/enroll",
        json={"code": code, "public_key": "bm90IGEga2V5", "name": "x"},
        timeout=30,
    )
    assert reply.status_code == 400 and reply.json()["error"] == "malformed"
    missing = requests.post(server.url + "/api/v1/enroll", json={"public_key": "x"}, timeout=30)
    assert missing.status_code == 400 and missing.json()["error"] == "malformed"
    assert _enroll(server, code).status_code == 200  # a refused attempt does not spend the code


def test_codes_are_stored_hashed(server: EmbeddedServer) -> None:
    code = enroll.issue_code(server.store, V1)
    with server.store.read() as conn:
        stored = conn.execute(select(enroll_codes.c.code_hash)).scalars().all()
    assert len(stored) == 1 and enroll.normalize_code(code) not in stored[0]
    assert len(stored[0]) == 64


def test_codes_need_an_existing_village(server: EmbeddedServer) -> None:
    with pytest.raises(AdminError):
        enroll.issue_code(server.store, "999999999999")


def test_an_enrolled_laptop_can_sync(laptop: Laptop) -> None:
    assert laptop.pull(0).records == []


# --------------------------------------------------------------------------------------------------
# One key, one device (issue 10, item 7); device names are one clean line (item 6)


def _enroll_key(server: EmbeddedServer, code: str, key_b64: str, name: str = "笔记本") -> requests.Response:
    payload = {"code": code, "public_key": key_b64, "name": name}
    return requests.post(server.url + "/api/v1/enroll", json=payload, timeout=30)


def test_one_public_key_cannot_enroll_a_second_device(server: EmbeddedServer) -> None:
    key = public_key_b64(Ed25519PrivateKey.generate())
    assert _enroll_key(server, enroll.issue_code(server.store, V1), key).status_code == 200
    second_code = enroll.issue_code(server.store, V2)  # even for another village
    again = _enroll_key(server, second_code, key)
    assert again.status_code == 409 and again.json()["error"] == "key_in_use"
    assert "own key" in again.json()["message"] and again.json()["message_zh"]
    assert _device_count(server) == 1
    # The code was not spent by the refusal: the laptop can use it with a key of its own.
    assert _enroll(server, second_code).status_code == 200


def test_the_same_key_spelled_differently_is_the_same_key(server: EmbeddedServer) -> None:
    import base64

    raw = base64.b64decode(public_key_b64(Ed25519PrivateKey.generate()))
    canonical = base64.b64encode(raw).decode()
    # The last character before "=" carries 4 bits of the key and 2 unused ones; set the unused.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(canonical[-2])
    other = canonical[:-2] + alphabet[last | 1] + "="
    assert other != canonical and base64.b64decode(other) == raw
    assert _enroll_key(server, enroll.issue_code(server.store, V1), other).status_code == 200
    again = _enroll_key(server, enroll.issue_code(server.store, V1), canonical)
    assert again.status_code == 409 and again.json()["error"] == "key_in_use"


def test_a_revoked_devices_key_cannot_enroll_again(server: EmbeddedServer) -> None:
    from sync.server import admin

    key = public_key_b64(Ed25519PrivateKey.generate())
    first = _enroll_key(server, enroll.issue_code(server.store, V1), key)
    admin.revoke_device(server.store, first.json()["device_id"])
    again = _enroll_key(server, enroll.issue_code(server.store, V1), key)
    assert again.status_code == 409 and again.json()["error"] == "key_in_use"


def test_a_device_name_is_stored_as_one_clean_line(server: EmbeddedServer) -> None:
    from sync.server import admin

    hostile = "东村\x1b[2J\x1b]0;county\x07电脑\u202e\u200b\n第二行"
    reply = _enroll_key(
        server, enroll.issue_code(server.store, V1), public_key_b64(Ed25519PrivateKey.generate()), hostile
    )
    assert reply.status_code == 200
    (device,) = admin.list_devices(server.store, V1)
    assert device["name"] == "东村 [2J ]0;county 电脑 第二行"


@pytest.mark.parametrize("name", ["北村\x1b[2J", "北\u202e村", "北\u200b村"])
def test_a_village_name_with_hidden_characters_is_refused(server: EmbeddedServer, name: str) -> None:
    from sync.server import admin

    with pytest.raises(AdminError, match="text-direction"):
        admin.add_village(server.store, "110105001009", name)
    assert "110105001009" not in admin.all_villages(server.store)
