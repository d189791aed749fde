"""The HTTP Remote: retry policy (fixed clock, recording sleep), error mapping and signing over real
loopback servers (the county server, and a small scripted HTTP server for 5xx/429/timeouts)."""

from __future__ import annotations

import email.utils
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol
from sync.errors import (
    AuthError,
    CertificateError,
    ClockError,
    OfflineError,
    RejectedError,
    ServerError,
    SyncTimeout,
    TooLargeError,
)
from sync.ids import uuid7
from sync.laptop import client
from sync.laptop.client import HttpRemote
from sync.laptop.transport import HttpClient
from sync.protocol import Change, PushRequest, PushResponse
from sync.retry import RetryPolicy
from sync.server import admin
from sync.signing import HEADER_DEVICE, HEADER_SIGNATURE
from tests.sync_world import VILLAGE


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(**kw) -> tuple[RetryPolicy, Sleeps]:
    sleeps = Sleeps()
    kw.setdefault("rng", lambda: 1.0)
    return RetryPolicy(sleep=sleeps, clock=lambda: 1_000_000.0, **kw), sleeps


# --------------------------------------------------------------------------------------------------
# RetryPolicy alone


def test_backoff_is_exponential_capped_and_fully_jittered():
    p, _ = policy(backoff_factor=0.5, backoff_max=5.0)
    assert [p.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    low = RetryPolicy(rng=lambda: 0.0)
    assert low.backoff(3) == 0.0  # full jitter: anywhere from 0 to the ceiling
    half = RetryPolicy(backoff_factor=1.0, rng=lambda: 0.5)
    assert half.backoff(2) == 2.0


def test_retry_after_seconds_and_http_date_with_a_fixed_clock():
    p, _ = policy(retry_after_max=60.0)
    assert p.delay(0, "7") == 7.0
    date = email.utils.formatdate(1_000_000.0 + 30, usegmt=True)
    assert p.delay(0, date) == pytest.approx(30.0)
    assert p.delay(0, "100000") == 60.0  # capped
    assert p.delay(0, email.utils.formatdate(1_000_000.0 - 30, usegmt=True)) == 0.0  # in the past
    assert p.delay(2, "garbage") == p.backoff(2)  # unreadable: ordinary backoff
    assert p.delay(2, "²") == p.backoff(2)  # a digit to str.isdigit(), not to float()
    ignoring, _ = policy(respect_retry_after=False)
    assert ignoring.delay(1, "7") == ignoring.backoff(1)


def test_which_failures_may_be_retried():
    p = RetryPolicy(total=3)
    assert p.allows(0, idempotent=False, kind="connect")  # never reached the server
    assert not p.allows(0, idempotent=False, kind="read")  # may have been applied
    assert not p.allows(0, idempotent=False, kind="status", status=503)
    assert p.allows(0, idempotent=True, kind="read")
    assert p.allows(2, idempotent=True, kind="status", status=503)
    assert p.allows(0, idempotent=True, kind="status", status=429)
    assert not p.allows(0, idempotent=True, kind="status", status=400)
    assert not p.allows(3, idempotent=True, kind="connect")  # out of retries


# --------------------------------------------------------------------------------------------------
# A scripted HTTP server on loopback


@dataclass
class Scripted:
    replies: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    seen: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    delay: float = 0.0
    url: str = ""


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    state = Scripted()

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.seen.append((self.command, self.path, dict(self.headers), body))
            if state.delay:
                time.sleep(state.delay)
            status, headers, out = state.replies.pop(0) if state.replies else (200, {}, b"{}")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _any

        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield state
    httpd.shutdown()
    httpd.server_close()


def remote(url: str, retry: RetryPolicy, **kw) -> HttpRemote:
    return HttpRemote(url, None, "dev-1", Ed25519PrivateKey.generate(), retry=retry, **kw)


def ok_push(batch_id: str) -> tuple[int, dict[str, str], bytes]:
    return (
        200,
        {"Content-Type": protocol.MEDIA_TYPE},
        protocol.encode(PushResponse(batch_id, [], server_seq=4)),
    )


def error(status: int, code: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    body = f'{{"error": "{code}", "message": "m", "message_zh": "中"}}'.encode()
    return status, {"Content-Type": "application/json", **(headers or {})}, body


def test_push_retries_5xx_with_the_same_body_and_honours_retry_after(scripted):
    body = protocol.encode(PushRequest("b1", []))
    scripted.replies = [error(503, "busy", {"Retry-After": "3"}), error(502, "bad_gateway"), ok_push("b1")]
    retry, sleeps = policy(backoff_factor=0.25)
    answer = remote(scripted.url, retry).push(body)
    assert answer.batch_id == "b1" and answer.server_seq == 4
    assert sleeps == [3.0, 0.5]  # Retry-After, then backoff of the second retry
    assert [s[3] for s in scripted.seen] == [body] * 3  # byte for byte
    nonces = {s[2]["X-Nonce"] for s in scripted.seen}
    assert len(nonces) == 3  # each attempt signed afresh
    assert all(s[2]["Content-Type"] == protocol.MEDIA_TYPE for s in scripted.seen)


def test_429_with_an_http_date(scripted):
    when = email.utils.formatdate(1_000_000.0 + 12, usegmt=True)
    scripted.replies = [error(429, "slow_down", {"Retry-After": when}), ok_push("b")]
    retry, sleeps = policy()
    remote(scripted.url, retry).push(protocol.encode(PushRequest("b", [])))
    assert sleeps == [pytest.approx(12.0)]


def test_5xx_gives_up_after_the_policy_total(scripted):
    scripted.replies = [error(500, "internal")] * 5
    retry, sleeps = policy(total=2)
    with pytest.raises(ServerError) as info:
        remote(scripted.url, retry).pull(0, 10)
    assert len(scripted.seen) == 3 and len(sleeps) == 2
    assert info.value.retryable and info.value.status == 500


def test_a_non_idempotent_post_is_not_retried_after_it_reached_the_server(scripted):
    scripted.replies = [error(503, "busy"), (200, {}, b'{"device_id": "d", "village_code": "v"}')]
    retry, sleeps = policy()
    with pytest.raises(ServerError):
        client.enroll(scripted.url, None, "CODE", "laptop", retry=retry)
    assert len(scripted.seen) == 1 and sleeps == []


def test_push_timeout_goes_to_the_engine_unretried_but_get_is_retried(scripted):
    scripted.delay = 0.6
    retry, sleeps = policy(total=2)
    r = remote(scripted.url, retry, timeout=(2.0, 0.2))
    with pytest.raises(SyncTimeout):
        r.push(protocol.encode(PushRequest("b", [])))
    assert len(scripted.seen) == 1 and sleeps == []
    http = HttpClient(scripted.url, None, retry=retry, timeout=(2.0, 0.2))
    with pytest.raises(SyncTimeout):
        http.json("GET", "/health", signed=False)
    assert len(scripted.seen) == 4 and len(sleeps) == 2


def test_connection_refused_is_offline_after_retries_with_backoff():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nobody listens there
    retry, sleeps = policy(total=3, backoff_factor=1.0)
    with pytest.raises(OfflineError) as info:
        remote(f"http://127.0.0.1:{port}", retry).pull(0, 10)
    assert not isinstance(info.value, SyncTimeout)
    assert sleeps == [1.0, 2.0, 4.0]
    assert "服务器" in info.value.message("zh") and "server" in info.value.message("en")


def test_error_bodies_map_to_the_tree(scripted):
    cases = [
        (error(401, "unknown_device"), AuthError),
        (error(403, "device_revoked"), AuthError),
        (error(401, "stale_request"), ClockError),
        (error(413, "too_large"), TooLargeError),
        (error(403, "out_of_village"), RejectedError),
        ((404, {}, b"not json"), RejectedError),
    ]
    for reply, kind in cases:
        scripted.replies = [reply]
        with pytest.raises(kind) as info:
            remote(scripted.url, RetryPolicy(total=0)).pull(0, 1)
        assert type(info.value) is kind
    scripted.replies = [error(403, "out_of_village")]
    with pytest.raises(RejectedError) as rejected:
        remote(scripted.url, RetryPolicy(total=0)).pull(0, 1)
    assert rejected.value.message("en") == "m" and rejected.value.message("zh") == "中"


def test_an_unreadable_answer_is_a_server_error(scripted):
    scripted.replies = [(200, {}, b"not zstd")]
    with pytest.raises(ServerError) as info:
        remote(scripted.url, RetryPolicy(total=0)).pull(0, 1)
    assert info.value.code == "bad_response"


def test_pull_path_and_query_are_signed_exactly(scripted):
    scripted.replies = [(200, {}, protocol.encode(protocol.PullResponse([], 9, False)))]
    page = remote(scripted.url, RetryPolicy(total=0)).pull(5, 250)
    assert page.cursor == 9
    method, path, headers, _ = scripted.seen[0]
    assert (method, path) == ("GET", "/api/v1/pull?cursor=5&limit=250")
    assert headers[HEADER_DEVICE] == "dev-1" and headers[HEADER_SIGNATURE]


def test_plain_http_only_on_loopback_and_https_needs_the_county_ca(tmp_path: Path):
    with pytest.raises(CertificateError) as info:
        HttpClient("http://county.example.cn", None)
    assert info.value.code == "insecure_url"
    with pytest.raises(CertificateError) as info:
        HttpClient("https://county.example.cn", tmp_path / "missing.pem")
    assert info.value.code == "ca_missing"
    with pytest.raises(RejectedError):
        HttpClient("ftp://county.example.cn", None)
    http = HttpClient("http://localhost:1", None)
    assert http.session.trust_env is False


# --------------------------------------------------------------------------------------------------
# Against the real county server


def test_enroll_push_pull_status_against_the_real_server(county):
    device_id, village, key = client.enroll(county.url, None, county.code(VILLAGE), "东村电脑")
    assert village == VILLAGE
    r = HttpRemote(county.url, None, device_id, key)
    change = Change(
        "household",
        uuid7(),
        VILLAGE,
        fields={
            "household_no": "001",
            "head_name": "张三",
            "address": "一组",
            "category": "ordinary",
            "status": "active",
        },
    )
    body = protocol.encode(PushRequest(uuid7(), [change]))
    first = r.push(body)
    assert [x.status for x in first.results] == ["applied"] and not first.replayed
    again = r.push(body)  # the same batch id again: the stored answer
    assert again.replayed and again.results == first.results
    page = r.pull(0, 100)
    assert [x.id for x in page.records] == [change.id] and not page.more
    status = r.status()
    assert status.pop("epoch") == page.epoch != ""  # the server's identity (see test_sync_restore)
    assert status == {"village_code": VILLAGE, "server_seq": 1, "open_conflicts": 0, "epoch_seq": 0,
                      "forms_version": 1}  # fmt: skip
    assert r.stats.requests == 4 and r.stats.sent == 2 * len(body) and r.stats.received > 0
    assert client.check_health(county.url, None)["protocol"] == protocol.PROTOCOL_VERSION


def test_real_server_errors(county):
    with pytest.raises(RejectedError) as info:
        client.enroll(county.url, None, "WRONG-CODE", "x")
    assert info.value.status in (400, 403)
    device_id, _, key = client.enroll(county.url, None, county.code(VILLAGE), "x")
    stranger = HttpRemote(county.url, None, uuid7(), Ed25519PrivateKey.generate(), retry=RetryPolicy(total=0))
    with pytest.raises(AuthError):
        stranger.pull(0, 10)
    # A wrong laptop clock no longer stops sync: the server's time is learned (test_client_clock).
    skewed = HttpRemote(county.url, None, device_id, key, clock=lambda: time.time() - 3600)
    skewed.pull(0, 10)
    assert skewed.clock_offset == pytest.approx(3600, abs=10)
    huge = b"\0" * (protocol.MAX_BODY_BYTES + 1)
    with pytest.raises(TooLargeError):
        HttpRemote(county.url, None, device_id, key).push(huge)
    with pytest.raises(RejectedError) as info:
        HttpRemote(county.url, None, device_id, key).push(b"not a protocol body")
    assert info.value.code == "malformed"
    admin.revoke_device(county.store, device_id)
    with pytest.raises(AuthError) as info:
        HttpRemote(county.url, None, device_id, key).pull(0, 10)
    assert "重新注册" in info.value.message("zh")


def test_health_of_a_server_older_than_the_laptop_says_so(scripted):
    import json

    from sync.errors import VersionError

    # A server from before protocol 2 answers with its one version and no list.
    scripted.replies = [
        (200, {"Content-Type": "application/json"}, json.dumps({"status": "ok", "protocol": 1}).encode())
    ]
    with pytest.raises(VersionError) as info:
        client.check_health(scripted.url, None)
    assert "older than this laptop" in info.value.message("en") and "升级服务器" in info.value.message("zh")
    # The laptop names its version on every request, signed or not.
    assert scripted.seen[0][2]["X-Protocol-Version"] == str(protocol.PROTOCOL_VERSION)


def test_health_of_a_server_speaking_this_version_and_the_previous_one(scripted):
    import json

    body = json.dumps({"status": "ok", "protocol": protocol.PROTOCOL_VERSION, "protocols": [1, 2]}).encode()
    scripted.replies = [(200, {"Content-Type": "application/json"}, body)]
    assert client.check_health(scripted.url, None)["protocols"] == [1, 2]
