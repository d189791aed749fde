"""Hostile or broken requests over real HTTP: a clear 4xx or a quiet log line, never a 500 with a
traceback (items 4 and 5 of issue 10)."""

from __future__ import annotations

import json
import logging
import socket
import time
import zlib

import pytest
import requests
import zstandard

from sync.ids import uuid7
from sync.protocol import MEDIA_TYPE, PushRequest, encode
from sync.server.embedded import EmbeddedServer
from sync.signing import sign_headers

from .conftest import Laptop, ServerProcess, household_fields

PUSH = "/api/v1/push"


def _nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.levelno < logging.ERROR, record.getMessage()[:300]
        assert record.exc_info is None and "Traceback" not in record.getMessage()
    assert "internal error" not in caplog.text


def _raw_push(change: dict[str, object], deep_at: str, depth: int = 600) -> bytes:
    """A push body written by hand: the codec itself would refuse to build such a message."""
    deep = "[" * depth + '"x"' + "]" * depth
    marker = '"@@DEEP@@"'
    if deep_at == "field":
        change["fields"]["address"] = "@@DEEP@@"  # type: ignore[index]
        message = {"v": 1, "batch_id": uuid7(), "changes": [change]}
    elif deep_at == "base_values":
        change["base_values"] = {"address": "@@DEEP@@"}
        message = {"v": 1, "batch_id": uuid7(), "changes": [change]}
    else:
        message = {"v": 1, "batch_id": uuid7(), "changes": [change], "extra": "@@DEEP@@"}
    text = json.dumps(message, ensure_ascii=False).replace(marker, deep)
    return zstandard.ZstdCompressor().compress(text.encode("utf-8"))


@pytest.mark.parametrize("where", ["field", "base_values", "top"])
def test_a_deeply_nested_push_is_a_clear_400(
    laptop: Laptop, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    change = {"entity": "household", "id": uuid7(), "village_code": laptop.village_code}
    body = _raw_push({**change, "fields": household_fields()}, where)
    with caplog.at_level(logging.INFO):
        reply = laptop.request("POST", PUSH, body)
    assert reply.status == 400 and reply.error == "malformed", reply.json
    assert "nest" in reply.json["message"] and reply.json["message_zh"]
    _quiet(caplog)
    assert len(caplog.text) < 2000


def test_modest_nesting_still_goes_through(laptop: Laptop) -> None:
    # A field value with some structure is refused by the form rules one record at a time, not
    # as a malformed batch.
    change = laptop.change("household", uuid7(), household_fields(address=_nested(5)))
    result = laptop.push([change]).results[0]
    assert result.status == "rejected" and result.errors[0].field == "address"


def test_a_deeply_nested_json_body_on_a_json_route_is_a_clear_400(
    server: EmbeddedServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        reply = requests.post(
            server.url + "/api/v1/staff/items/x/decide",
            data='{"note": "n", "value": ' + "[" * 5000 + "]" * 5000 + "}",
            headers={"Content-Type": "application/json", "Authorization": "Bearer nothing"},
            timeout=30,
        )
    assert reply.status_code in (400, 401), reply.text
    assert reply.json()["error"] in ("malformed", "unauthorized")
    _quiet(caplog)


def _drop_mid_upload(url: str, headers: dict[str, str], body: bytes) -> None:
    """Send the headers and half the body, then close the connection: a laptop losing its link."""
    host, port = url.removeprefix("http://").split(":")
    head = [f"POST {PUSH} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        sock.sendall(body[: len(body) // 2])
        time.sleep(0.3)  # the server is reading the body now
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")  # RST, as a dead link


def test_a_laptop_dropping_off_mid_upload_is_a_quiet_log_line(
    laptop: Laptop, server: EmbeddedServer, caplog: pytest.LogCaptureFixture
) -> None:
    changes = [laptop.change("household", uuid7(), household_fields()) for _ in range(200)]
    body = encode(PushRequest(uuid7(), changes)) + zlib.compress(b"")  # any bytes: never fully sent
    headers = sign_headers(laptop.key, laptop.device_id, "POST", PUSH, body)
    headers["Content-Type"] = MEDIA_TYPE
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            _drop_mid_upload(server.url, headers, body)
        time.sleep(0.5)
        # The server is fine and answers the next laptop request.
        assert laptop.request("GET", "/api/v1/status").status == 200
    _quiet(caplog)
    went_away = [r for r in caplog.records if "disconnected" in r.getMessage()]
    assert len(went_away) == 3 and all(r.levelno == logging.INFO for r in went_away)


def test_county_its_log_has_one_quiet_line_per_dropped_upload(server_process: ServerProcess) -> None:
    """The log of ``county-server serve`` itself, as county IT reads it."""
    body = b"\x28\xb5\x2f\xfd" + b"\0" * 200_000  # never fully sent anyway
    for _ in range(3):
        _drop_mid_upload(server_process.url, {"Content-Type": MEDIA_TYPE}, body)
    # The server goes on answering, and its log says what happened, once each, without alarm.
    assert requests.get(server_process.url + "/api/v1/health", timeout=10).status_code == 200
    deadline = time.monotonic() + 10
    while server_process.log().count("client disconnected") < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    log = server_process.log()
    assert log.count("client disconnected mid-request: POST /api/v1/push") == 3
    assert "Traceback" not in log and "internal error" not in log and " ERROR " not in log
