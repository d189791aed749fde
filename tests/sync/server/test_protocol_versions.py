"""Protocol versions (issue 10, items 7 and 13): the device id is signed from protocol 2 on; the
server speaks the current and the previous version, so laptops not yet updated keep syncing; a
laptop too old (or too new) for the server is told so in plain words."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select

from sync import protocol
from sync.errors import VersionError
from sync.ids import uuid7
from sync.laptop import transport
from sync.protocol import PushRequest, decode_dict, encode
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.server.store import Store
from sync.server.tables import devices
from sync.signing import HEADER_DEVICE, HEADER_PROTOCOL, public_key_b64, sign_headers, signed_text, verify

from .conftest import V1, Laptop, enroll_laptop, household_fields, migrate_to

PUSH = "/api/v1/push"


# --------------------------------------------------------------------------------------------------
# The signed text


def test_a_signature_names_its_device() -> None:
    key = Ed25519PrivateKey.generate()
    headers = sign_headers(key, "device-a", "POST", PUSH, b"body")
    args = ("POST", PUSH, int(headers["X-Timestamp"]), headers["X-Nonce"], b"body", headers["X-Signature"])
    assert headers[HEADER_PROTOCOL] == str(protocol.PROTOCOL_VERSION)
    assert verify(key.public_key(), *args, device_id="device-a")
    # The same key, the same request, another device id: refused (one key on two devices, or a
    # header swapped on a captured request, gets nowhere).
    assert not verify(key.public_key(), *args, device_id="device-b")
    # Nor does it pass as a protocol 1 signature, which did not cover the device id.
    assert not verify(key.public_key(), *args, device_id="device-a", version=1)


def test_protocol_1_text_is_unchanged() -> None:
    # What laptops not yet updated sign: the server must keep building exactly this.
    text = signed_text("post", "/p?q=1", 1700000000, "n0", b"", version=1)
    assert (
        text
        == b"POST\n/p?q=1\n1700000000\nn0\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert signed_text("post", "/p?q=1", 1700000000, "n0", b"", device_id="d").startswith(b"vdd-request-2\n")


def test_a_device_id_outside_ascii_is_refused_not_an_error() -> None:
    key = Ed25519PrivateKey.generate()
    assert not verify(key.public_key(), "GET", "/", 1, "n", b"", "AAAA", device_id="设备")


# --------------------------------------------------------------------------------------------------
# Over HTTP


def _legacy_request(laptop: Laptop, method: str, path: str, body: bytes = b""):
    """A request exactly as a protocol 1 laptop sends it: no version header, protocol 1 signature."""
    headers = sign_headers(laptop.key, laptop.device_id, method, path, body, version=1)
    assert HEADER_PROTOCOL not in headers
    return laptop.request(method, path, body, headers=headers, sign=False)


def test_a_protocol_1_laptop_still_pushes_pulls_and_reads_status(laptop: Laptop) -> None:
    record = uuid7()
    body = encode(PushRequest(uuid7(), [laptop.change("household", record, household_fields())], v=1))
    pushed = _legacy_request(laptop, "POST", PUSH, body)
    assert pushed.status == 200, pushed.json
    answer = decode_dict(pushed.body)
    assert answer["v"] == 1 and answer["results"][0]["status"] == "applied"
    again = _legacy_request(laptop, "POST", PUSH, body)  # a resend gets the stored answer, still v1
    assert decode_dict(again.body)["v"] == 1 and decode_dict(again.body)["replayed"] is True
    pulled = _legacy_request(laptop, "GET", "/api/v1/pull?cursor=0&limit=10")
    page = decode_dict(pulled.body)
    assert pulled.status == 200 and page["v"] == 1 and [r["id"] for r in page["records"]] == [record]
    status = _legacy_request(laptop, "GET", "/api/v1/status")
    assert status.status == 200 and status.json["server_seq"] == 1


def test_the_current_protocol_is_answered_in_the_current_version(laptop: Laptop) -> None:
    reply = laptop.push_raw([laptop.change("household", uuid7(), household_fields())])
    assert reply.status == 200 and decode_dict(reply.body)["v"] == protocol.PROTOCOL_VERSION
    page = laptop.request("GET", "/api/v1/pull?cursor=0")
    assert decode_dict(page.body)["v"] == protocol.PROTOCOL_VERSION


def test_a_protocol_2_signature_without_its_header_is_refused(laptop: Laptop) -> None:
    headers = sign_headers(laptop.key, laptop.device_id, "GET", "/api/v1/status", b"")
    del headers[HEADER_PROTOCOL]  # read as protocol 1: the text differs, the signature fails
    reply = laptop.request("GET", "/api/v1/status", headers=headers, sign=False)
    assert reply.status == 401 and reply.error == "bad_signature"


def test_a_captured_request_does_not_pass_under_another_device_id(server: EmbeddedServer) -> None:
    a = enroll_laptop(server, V1, "a")
    b = enroll_laptop(server, V1, "b")
    body = encode(PushRequest(uuid7(), [a.change("household", uuid7(), household_fields())]))
    headers = sign_headers(a.key, a.device_id, "POST", PUSH, body)
    headers[HEADER_DEVICE] = b.device_id
    reply = a.request("POST", PUSH, body, headers=headers, sign=False)
    assert reply.status == 401 and reply.error == "bad_signature"


def test_the_body_version_must_match_the_request(laptop: Laptop) -> None:
    body = encode(PushRequest(uuid7(), [], v=1))  # signed as protocol 2
    reply = laptop.request("POST", PUSH, body)
    assert reply.status == 400 and reply.error == "malformed"


@pytest.mark.parametrize(("version", "words"), [(0, "too old"), (99, "newer than the county server")])
def test_a_version_the_server_does_not_speak_is_explained(laptop: Laptop, version: int, words: str) -> None:
    headers = sign_headers(laptop.key, laptop.device_id, "GET", "/api/v1/status", b"", version=version)
    reply = laptop.request("GET", "/api/v1/status", headers=headers, sign=False)
    assert reply.status == 400 and reply.error == "protocol_version"
    assert words in reply.json["message"] and "county IT" in reply.json["message"]
    assert "县信息中心" in reply.json["message_zh"]
    assert reply.json["supported"] == list(protocol.SUPPORTED_VERSIONS)


@pytest.mark.parametrize(
    ("version", "en", "zh"), [(0, "too old", "版本太旧"), (99, "older than", "比这台电脑")]
)
def test_the_laptop_says_in_plain_words_which_side_is_out_of_date(
    server: EmbeddedServer, laptop: Laptop, version: int, en: str, zh: str
) -> None:
    http = transport.HttpClient(
        server.url, None, device_id=laptop.device_id, key=laptop.key, protocol_version=version
    )
    with http, pytest.raises(VersionError) as info:
        http.json("GET", "/status")
    assert en in info.value.message("en")
    assert zh in info.value.message("zh") and "county IT" in info.value.message("en")


# --------------------------------------------------------------------------------------------------
# A database that already has one key on several devices


def test_the_migration_keeps_the_first_device_of_a_shared_key_and_revokes_the_others(
    store: Store, villages: Store
) -> None:
    key = public_key_b64(Ed25519PrivateKey.generate())
    migrate_to(store, "0001", down=True)
    with store.write() as conn:
        for n, name in enumerate(["first", "second", "third"]):
            conn.execute(
                insert(devices).values(
                    county_code=V1[:6],
                    village_code=V1,
                    device_id=f"d{n}",
                    name=name,
                    public_key=key,
                    enrolled_at=10 + n,
                )
            )
    store.migrate()
    with store.read() as conn:
        rows = conn.execute(select(devices.c.name, devices.c.revoked_at).order_by(devices.c.name)).all()
    assert {name: revoked is None for name, revoked in rows} == {
        "first": True,
        "second": False,
        "third": False,
    }
    assert [d["name"] for d in admin.list_devices(store) if not d["revoked"]] == ["first"]
    assert base64.b64decode(key)  # the kept device's key is unchanged
