"""Bad input over real HTTP: each a clear 4xx in both languages, and nothing stored."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
import zstandard
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from sync.ids import uuid7
from sync.protocol import MAX_BODY_BYTES, MEDIA_TYPE, PushRequest, encode
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.server.store import Store
from sync.server.tables import batches, conflicts, record_keys, records, villages
from sync.signing import HEADER_SIGNATURE, MAX_SKEW_SECONDS, sign_headers

from .conftest import V1, V2, Laptop, Reply, enroll_laptop, household_fields, person_fields

PUSH = "/api/v1/push"


def _snapshot(store: Store) -> tuple[int, ...]:
    with store.read() as conn:
        counts = tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (records, record_keys, conflicts, batches)
        )
        return (*counts, conn.execute(select(func.sum(villages.c.seq))).scalar_one())


def _body(laptop: Laptop, village: str = V1) -> bytes:
    hid = uuid7()
    changes = [
        laptop.change("household", hid, household_fields()),
        laptop.change("person", uuid7(), person_fields(hid, "head")),
    ]
    for c in changes:
        c.village_code = village
    return encode(PushRequest(uuid7(), changes))


@dataclass
class Ctx:
    server: EmbeddedServer
    laptop: Laptop


def unsigned(ctx: Ctx) -> Callable[[], Reply]:
    return lambda: ctx.laptop.request("POST", PUSH, _body(ctx.laptop), sign=False)


def wrongly_signed(ctx: Ctx) -> Callable[[], Reply]:
    other = Ed25519PrivateKey.generate()
    body = _body(ctx.laptop)
    headers = sign_headers(other, ctx.laptop.device_id, "POST", PUSH, body)
    return lambda: ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False)


def body_changed_after_signing(ctx: Ctx) -> Callable[[], Reply]:
    body = _body(ctx.laptop)
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "POST", PUSH, body)
    return lambda: ctx.laptop.request("POST", PUSH, _body(ctx.laptop), headers=headers, sign=False)


def signed_for_another_path(ctx: Ctx) -> Callable[[], Reply]:
    body = _body(ctx.laptop)
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "POST", "/api/v1/other", body)
    return lambda: ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False)


def garbage_signature(ctx: Ctx) -> Callable[[], Reply]:
    body = _body(ctx.laptop)
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "POST", PUSH, body)
    headers[HEADER_SIGNATURE] = "not base64!"
    return lambda: ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False)


def stale(ctx: Ctx) -> Callable[[], Reply]:
    body = _body(ctx.laptop)
    old = time.time() - MAX_SKEW_SECONDS - 60
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "POST", PUSH, body, now=old)
    return lambda: ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False)


def from_the_future(ctx: Ctx) -> Callable[[], Reply]:
    body = _body(ctx.laptop)
    later = time.time() + MAX_SKEW_SECONDS + 60
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "POST", PUSH, body, now=later)
    return lambda: ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False)


def replayed_nonce(ctx: Ctx) -> Callable[[], Reply]:
    # A captured status request is sent again; then a captured push with the nonce of that request.
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "GET", "/api/v1/status", b"")
    first = ctx.laptop.request("GET", "/api/v1/status", headers=headers, sign=False)
    assert first.status == 200
    return lambda: ctx.laptop.request("GET", "/api/v1/status", headers=headers, sign=False)


def replayed_push(ctx: Ctx) -> Callable[[], Reply]:
    body = _body(ctx.laptop)
    headers = sign_headers(ctx.laptop.key, ctx.laptop.device_id, "POST", PUSH, body)
    assert ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False).status == 200
    return lambda: ctx.laptop.request("POST", PUSH, body, headers=headers, sign=False)


def revoked_device(ctx: Ctx) -> Callable[[], Reply]:
    admin.revoke_device(ctx.server.store, ctx.laptop.device_id)
    return lambda: ctx.laptop.request("POST", PUSH, _body(ctx.laptop))


def unknown_device(ctx: Ctx) -> Callable[[], Reply]:
    stranger = Laptop(ctx.laptop.url, uuid7(), V1, Ed25519PrivateKey.generate())
    return lambda: stranger.request("POST", PUSH, _body(stranger))


def change_for_another_village(ctx: Ctx) -> Callable[[], Reply]:
    return lambda: ctx.laptop.request("POST", PUSH, _body(ctx.laptop, village=V2))


def field_naming_another_village(ctx: Ctx) -> Callable[[], Reply]:
    lap = ctx.laptop
    change = lap.change("household", uuid7(), {**household_fields(), "village_code": V2})
    return lambda: lap.request("POST", PUSH, encode(PushRequest(uuid7(), [change])))


def record_of_another_village(ctx: Ctx) -> Callable[[], Reply]:
    other = enroll_laptop(ctx.server, V2, "other-village")
    theirs = uuid7()
    assert other.push([other.change("household", theirs, household_fields())]).results[0].status == "applied"
    lap = ctx.laptop
    changes = [
        lap.change("household", uuid7(), household_fields()),  # valid, must not be stored either
        lap.change("household", theirs, {"address": "抢过来"}, base={"address": 1}),
    ]
    return lambda: lap.request("POST", PUSH, encode(PushRequest(uuid7(), changes)))


def malformed_json(ctx: Ctx) -> Callable[[], Reply]:
    return lambda: ctx.laptop.request("POST", PUSH, zstandard.ZstdCompressor().compress(b'{"v": 1, "batch'))


def malformed_zstd(ctx: Ctx) -> Callable[[], Reply]:
    return lambda: ctx.laptop.request("POST", PUSH, b"this is not zstd")


def malformed_shape(ctx: Ctx) -> Callable[[], Reply]:
    body = encode({"v": 1, "batch_id": "b", "changes": {"not": "a list"}})
    return lambda: ctx.laptop.request("POST", PUSH, body)


def unknown_entity(ctx: Ctx) -> Callable[[], Reply]:
    body = encode(
        {"v": 1, "batch_id": "b", "changes": [{"entity": "cow", "id": uuid7(), "village_code": V1}]}
    )
    return lambda: ctx.laptop.request("POST", PUSH, body)


def record_id_not_uuid(ctx: Ctx) -> Callable[[], Reply]:
    change = ctx.laptop.change("household", "not-a-uuid", household_fields())
    return lambda: ctx.laptop.request("POST", PUSH, encode(PushRequest(uuid7(), [change])))


def wrong_protocol_version(ctx: Ctx) -> Callable[[], Reply]:
    body = encode({"v": 99, "batch_id": "b", "changes": []})
    return lambda: ctx.laptop.request("POST", PUSH, body)


def oversized(ctx: Ctx) -> Callable[[], Reply]:
    return lambda: ctx.laptop.request("POST", PUSH, b"\0" * (MAX_BODY_BYTES + 1))


def oversized_chunked(ctx: Ctx) -> Callable[[], Reply]:
    def chunks():
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"\0" * 65536

    def send() -> Reply:
        resp = requests.post(
            ctx.laptop.url + PUSH, data=chunks(), headers={"Content-Type": MEDIA_TYPE}, timeout=30
        )
        return Reply(resp.status_code, resp.content, resp.json())

    return send


def decompression_bomb(ctx: Ctx) -> Callable[[], Reply]:
    bomb = zstandard.ZstdCompressor(level=3).compress(b" " * (80 * 1024 * 1024))
    return lambda: ctx.laptop.request("POST", PUSH, bomb)


CASES: list[tuple[Callable[[Ctx], Callable[[], Reply]], int, str]] = [
    (unsigned, 401, "unsigned"),
    (wrongly_signed, 401, "bad_signature"),
    (body_changed_after_signing, 401, "bad_signature"),
    (signed_for_another_path, 401, "bad_signature"),
    (garbage_signature, 401, "bad_signature"),
    (stale, 401, "stale_request"),
    (from_the_future, 401, "stale_request"),
    (replayed_nonce, 401, "replayed_nonce"),
    (replayed_push, 401, "replayed_nonce"),
    (revoked_device, 403, "device_revoked"),
    (unknown_device, 401, "unknown_device"),
    (change_for_another_village, 403, "out_of_village"),
    (field_naming_another_village, 403, "out_of_village"),
    (record_of_another_village, 403, "out_of_village"),
    (malformed_json, 400, "malformed"),
    (malformed_zstd, 400, "malformed"),
    (malformed_shape, 400, "malformed"),
    (unknown_entity, 400, "malformed"),
    (record_id_not_uuid, 400, "malformed"),
    (wrong_protocol_version, 400, "protocol_version"),
    (oversized, 413, "too_large"),
    (oversized_chunked, 413, "too_large"),
    (decompression_bomb, 413, "too_large"),
]


@pytest.mark.parametrize(("case", "status", "code"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_request_is_refused_and_nothing_is_stored(
    server: EmbeddedServer, laptop: Laptop, case: Callable[[Ctx], Callable[[], Reply]], status: int, code: str
) -> None:
    attack = case(Ctx(server, laptop))
    before = _snapshot(server.store)
    reply = attack()
    assert (reply.status, reply.error) == (status, code), reply.json
    assert reply.json is not None and reply.json["message"] and reply.json["message_zh"]
    assert _snapshot(server.store) == before


def test_error_messages_never_echo_the_request(server: EmbeddedServer, laptop: Laptop) -> None:
    secret_name = "王秘密"
    body = encode({"v": 1, "batch_id": "b", "changes": [{"entity": "cow", "name": secret_name}]})
    reply = laptop.request("POST", PUSH, body)
    assert reply.status == 400 and secret_name not in reply.body.decode("utf-8")


def test_pull_and_status_need_a_signature(server: EmbeddedServer, laptop: Laptop) -> None:
    assert laptop.request("GET", "/api/v1/pull?cursor=0", sign=False).error == "unsigned"
    assert laptop.request("GET", "/api/v1/status", sign=False).error == "unsigned"
    headers = sign_headers(laptop.key, laptop.device_id, "GET", "/api/v1/pull?cursor=0", b"")
    tampered = laptop.request("GET", "/api/v1/pull?cursor=5", headers=headers, sign=False)
    assert tampered.error == "bad_signature"


def test_nonces_are_pruned_after_the_skew_window(server: EmbeddedServer, laptop: Laptop, clock) -> None:
    from sync.server.nonces import Nonces

    assert laptop.request("GET", "/api/v1/status").status == 200
    clock.advance(3 * MAX_SKEW_SECONDS)
    headers = sign_headers(laptop.key, laptop.device_id, "GET", "/api/v1/status", b"", now=clock())
    assert laptop.request("GET", "/api/v1/status", headers=headers, sign=False).status == 200
    book = Nonces(server.store)
    try:
        assert book.count() == 1
    finally:
        book.close()
