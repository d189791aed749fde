"""Fixtures for the county server tests: a migrated store on SQLite and on PostgreSQL, a real
server on loopback, enrolled laptops that sign their requests, and valid records.

PostgreSQL tests use a fresh database made for the session (dropped at the end) at
127.0.0.1:5432, user postgres; they carry the ``postgres`` marker. Every test runs in the C locale.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from sync.ids import uuid7
from sync.protocol import (
    MEDIA_TYPE,
    Change,
    PullResponse,
    PushRequest,
    PushResponse,
    encode,
)
from sync.protocol_decode import decode_pull_response, decode_push_response
from sync.resident_id import make_resident_id
from sync.server import admin, embedded, enroll
from sync.server.embedded import EmbeddedServer
from sync.server.store import Store
from sync.server.tables import metadata
from sync.signing import public_key_b64, sign_headers
from tests.sync_world import postgres_database

V1 = "110105001001"
V2 = "110105001002"  # same township as V1
V3 = "110105002001"  # another township of the same county
COUNTY = "110105"


class Clock:
    """Real time plus an offset the test can move."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The county-server command speaks the locale's language (``sync.server.cli_words``); the tests
    that compare its words compare the English ones, so every test here runs in the C locale whatever
    the machine's LANG (the commands run as subprocesses inherit it). A test of the Chinese words sets
    its own."""
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(backend: str, tmp_path: Path, clock: Clock, request: pytest.FixtureRequest) -> Iterator[Store]:
    if backend == "sqlite":
        s = Store(tmp_path / "county.db", clock=clock)
        s.migrate()
    else:
        s = Store(request.getfixturevalue("pg_url"), clock=clock)
        s.migrate()
        with s.engine.begin() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names}"))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def villages(store: Store) -> Store:
    admin.add_village(store, V1, "东村")
    admin.add_village(store, V2, "西村")
    admin.add_village(store, V3, "南村")
    return store


@pytest.fixture
def server(villages: Store) -> Iterator[EmbeddedServer]:
    srv = embedded.start(villages, migrate=False)
    try:
        yield srv
    finally:
        srv.stop()


# --------------------------------------------------------------------------------------------------
# A laptop that speaks the protocol over real HTTP


@dataclass
class Reply:
    status: int
    body: bytes
    json: dict[str, Any] | None = None

    @property
    def error(self) -> str | None:
        return (self.json or {}).get("error")


@dataclass
class Laptop:
    url: str
    device_id: str
    village_code: str
    key: Ed25519PrivateKey
    session: requests.Session = field(default_factory=requests.Session)
    user: str = "村干部"

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Reply:
        h = {"Content-Type": MEDIA_TYPE}
        if sign:
            h.update(sign_headers(self.key, self.device_id, method, path, body))
        h.update(headers or {})
        resp = self.session.request(method, self.url + path, data=body, headers=h, timeout=60)
        is_json = resp.headers.get("content-type", "").startswith("application/json")
        return Reply(resp.status_code, resp.content, resp.json() if is_json else None)

    def push_raw(self, changes: list[Change], batch_id: str | None = None, **flags: bool) -> Reply:
        body = encode(PushRequest(batch_id or uuid7(), changes, **flags))
        return self.request("POST", "/api/v1/push", body)

    def push(self, changes: list[Change], batch_id: str | None = None, **flags: bool) -> PushResponse:
        """Push; ``flags`` are the request's answer forms (``compact``, ``elide``)."""
        body = encode(PushRequest(batch_id or uuid7(), changes, **flags))
        reply = self.request("POST", "/api/v1/push", body)
        assert reply.status == 200, reply.json
        return decode_push_response(reply.body, body)

    def pull(
        self, cursor: int = 0, limit: int = 1000, own: int = 0, since: int | None = None
    ) -> PullResponse:
        query = f"cursor={cursor}&limit={limit}" + (f"&own={own}" if own else "")
        query += "" if since is None else f"&since={since}"
        reply = self.request("GET", f"/api/v1/pull?{query}")
        assert reply.status == 200, reply.json
        return decode_pull_response(reply.body)

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> tuple[dict[str, dict[str, Any]], int]:
        """Every record after ``cursor`` merged by id, and the final cursor."""
        records: dict[str, dict[str, Any]] = {}
        while True:
            page = self.pull(cursor, limit)
            for r in page.records:
                rec = records.setdefault(r.id, {"fields": {}, "versions": {}})
                rec["fields"].update(r.fields)
                rec["versions"].update(r.versions)
                rec["seq"], rec["deleted"], rec["entity"] = r.seq, r.deleted, r.entity
            cursor = page.cursor
            if not page.more:
                return records, cursor

    def change(self, entity: str, record_id: str, fields: dict[str, Any], **kw: Any) -> Change:
        return Change(entity, record_id, self.village_code, fields=fields, user=self.user, **kw)


def enroll_laptop(srv: EmbeddedServer, village: str, name: str = "laptop") -> Laptop:
    code = enroll.issue_code(srv.store, village)
    key = Ed25519PrivateKey.generate()
    resp = requests.post(
        srv.url + "/api/v1/enroll",
        json={"code": code, "public_key": public_key_b64(key), "name": name},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["village_code"] == village
    return Laptop(srv.url, data["device_id"], village, key)


@pytest.fixture
def laptop(server: EmbeddedServer) -> Laptop:
    return enroll_laptop(server, V1, "laptop-a")


@pytest.fixture
def laptop_b(server: EmbeddedServer) -> Laptop:
    return enroll_laptop(server, V1, "laptop-b")


# --------------------------------------------------------------------------------------------------
# Valid records

_serial = count(1)


def household_fields(**over: Any) -> dict[str, Any]:
    n = next(_serial)
    fields = {
        "household_no": f"H{n:05d}",
        "head_name": "张三",
        "address": "东村一组1号",
        "category": "ordinary",
        "status": "active",
    }
    fields.update(over)
    return fields


def person_fields(household_id: str, relation: str = "child", **over: Any) -> dict[str, Any]:
    n = next(_serial)
    birth = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
    seq = n % 1000
    region = f"{110105 + (n // 1000) % 50:06d}"
    fields = {
        "household_id": household_id,
        "name": "李四",
        "resident_id": make_resident_id(region, birth, seq),
        "relation": relation,
        "sex": "male" if seq % 2 else "female",
        "birth_date": birth.isoformat(),
        "ethnicity": "01",
        "status": "present",
    }
    fields.update(over)
    return fields


# --------------------------------------------------------------------------------------------------
# The server as county IT runs it: ``county-server serve`` in its own process


@dataclass
class ServerProcess:
    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a hung server (the bug some tests look for)
                self.proc.kill()
                self.proc.wait(timeout=20)


def start_server_process(database: str, log_path: Path) -> ServerProcess:
    """``county-server --db DATABASE serve`` on a free loopback port, its log in ``log_path``."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.server.cli", "--db", database, "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    srv = ServerProcess(f"http://127.0.0.1:{port}", proc, log_path)
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(srv.url + "/api/v1/health", timeout=2)
            return srv
        except requests.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                srv.stop()
                raise RuntimeError("county-server serve did not start:\n" + srv.log()) from None
            time.sleep(0.2)


@pytest.fixture
def server_process(villages: Store, tmp_path: Path) -> Iterator[ServerProcess]:
    """A separate server process over the test's database (SQLite file or PostgreSQL)."""
    srv = start_server_process(villages.url, tmp_path / "server.log")
    try:
        yield srv
    finally:
        srv.stop()


def migrate_to(store: Store, revision: str, *, down: bool = False) -> None:
    """Put the store's schema at an older Alembic ``revision`` (upgrading a fresh database to it, or
    ``down`` from where it is), to test a later migration over the data written there."""
    from alembic import command
    from alembic.config import Config

    from sync.server import migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    with store.engine.connect().execution_options(write=True) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
