"""A laptop whose clock is far off still syncs: it signs with the server's time, learned from the
server's answers, and says how far off it is. Replays are still refused. Against the real county
server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import email.utils
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.errors import ClockError
from sync.laptop import client, transport
from sync.laptop.client import HttpRemote
from sync.retry import RetryPolicy
from sync.signing import sign_headers
from tests.sync_world import VILLAGE, County, postgres_database, start_county

HOUR = 3600.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def county(request, tmp_path: Path) -> Iterator[County]:
    if request.param == "sqlite":
        c = start_county(tmp_path / "county.db")
        yield c
        c.stop()
    else:
        with postgres_database() as url:
            c = start_county(url)
            yield c
            c.stop()


def _enrolled(county: County) -> tuple[str, object]:
    device_id, _village, key = client.enroll(county.url, None, county.code(VILLAGE), "东村电脑")
    return device_id, key


def test_the_stale_answer_carries_the_server_time(county: County) -> None:
    device_id, key = _enrolled(county)
    county.store.clock = lambda: 1_900_000_000.0
    path = "/api/v1/pull?cursor=0&limit=10"
    headers = sign_headers(key, device_id, "GET", path, b"", now=time.time())  # type: ignore[arg-type]
    resp = requests.get(county.url + path, headers=headers, timeout=10)
    assert resp.status_code == 401
    body = resp.json()
    assert body["error"] == "stale_request"
    assert body["server_time"] == 1_900_000_000
    health = requests.get(county.url + "/api/v1/health", timeout=10).json()
    assert health["server_time"] == 1_900_000_000


@pytest.mark.parametrize("laptop_off_by", [-HOUR, +3 * 86400.0, -400.0])
def test_a_laptop_clock_far_off_still_syncs_and_knows_how_far(county: County, laptop_off_by: float) -> None:
    device_id, key = _enrolled(county)
    remote = HttpRemote(
        county.url,
        None,
        device_id,
        key,
        clock=lambda: time.time() + laptop_off_by,
        retry=RetryPolicy(total=0),
    )
    page = remote.pull(0, 10)  # no retries allowed: the clock fix is not a retry of the policy
    assert page.records == []
    assert remote.clock_offset == pytest.approx(-laptop_off_by, abs=5)
    assert remote.stats.requests == 2  # one refused as stale, told the server time, signed again
    remote.pull(0, 10)
    assert remote.stats.requests == 3  # learned once: every later request is right first time
    assert remote.status()["village_code"] == VILLAGE


def test_a_learned_offset_is_used_from_the_first_request(county: County) -> None:
    device_id, key = _enrolled(county)
    remote = HttpRemote(county.url, None, device_id, key, clock=lambda: time.time() - HOUR, clock_offset=HOUR)
    remote.pull(0, 10)
    assert remote.stats.requests == 1


def test_the_server_clock_being_the_wrong_one_works_the_same(county: County) -> None:
    device_id, key = _enrolled(county)
    county.store.clock = lambda: time.time() + 2 * HOUR
    remote = HttpRemote(county.url, None, device_id, key)
    remote.pull(0, 10)
    assert remote.clock_offset == pytest.approx(2 * HOUR, abs=5)


def test_replays_are_still_refused_with_a_corrected_time(county: County) -> None:
    device_id, key = _enrolled(county)
    remote = HttpRemote(county.url, None, device_id, key, clock=lambda: time.time() - HOUR)
    remote.pull(0, 10)
    path = "/api/v1/pull?cursor=0&limit=10"
    headers = sign_headers(key, device_id, "GET", path, b"", now=time.time() - HOUR + remote.clock_offset)  # type: ignore[arg-type]
    first = requests.get(county.url + path, headers=headers, timeout=10)
    again = requests.get(county.url + path, headers=headers, timeout=10)
    assert first.status_code == 200
    assert again.status_code == 401 and again.json()["error"] == "replayed_nonce"


@pytest.fixture
def always_stale() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A server that refuses every request as stale, naming a time (a broken or hostile one)."""
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            body = json.dumps({"error": "stale_request", "server_time": int(time.time())}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_still_stale_after_learning_is_a_clock_error_not_a_loop(always_stale) -> None:
    url, seen = always_stale
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    remote = HttpRemote(url, None, "device", Ed25519PrivateKey.generate(), clock=lambda: time.time() - HOUR)
    with pytest.raises(ClockError):
        remote.pull(0, 10)
    assert len(seen) == 2  # one more try with the server's time, then the error stands


def test_a_server_time_from_the_date_header_when_the_body_has_none() -> None:
    resp = requests.models.Response()
    resp.headers["Date"] = email.utils.formatdate(1_900_000_000.0, usegmt=True)
    assert transport.server_time_of(resp, {}) == 1_900_000_000.0
    assert transport.server_time_of(resp, {"server_time": 1_800_000_000}) == 1_800_000_000.0
    assert transport.server_time_of(requests.models.Response(), {"server_time": "soon"}) is None
    assert transport.server_time_of(requests.models.Response(), {"server_time": float("nan")}) is None
