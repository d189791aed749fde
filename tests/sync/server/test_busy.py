"""The server while a long write holds the database: never a 500. A request that cannot get the
database in time is answered 503 with ``Retry-After`` (the laptop's retry policy honours it), and a
signed GET (a pull) does not wait for the write lock at all.

The write is held open by the test for a few seconds, with lock and pool timeouts of one second
configured for the test (a county's server waits 30 s).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from sync.ids import uuid7
from sync.protocol import MEDIA_TYPE, PushRequest, encode
from sync.server import admin, embedded
from sync.server.embedded import EmbeddedServer
from sync.server.errors import ApiError
from sync.server.nonces import Nonces
from sync.server.store import Store, lock_village
from sync.server.tables import metadata
from sync.signing import sign_headers

from .conftest import COUNTY, V1, Laptop, enroll_laptop, household_fields

WAIT = 1.0


@pytest.fixture
def busy_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    target = tmp_path / "county.db" if backend == "sqlite" else request.getfixturevalue("pg_url")
    store = Store(target, pool_timeout=WAIT, busy_timeout=WAIT)
    store.migrate()
    if backend == "postgres":
        with store.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(t.name for t in metadata.sorted_tables)}"))
    admin.add_village(store, V1, "东村")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def busy_server(busy_store: Store) -> Iterator[EmbeddedServer]:
    srv = embedded.start(busy_store, migrate=False)
    try:
        yield srv
    finally:
        srv.stop()


def _send(laptop: Laptop, method: str, path: str, body: bytes = b"") -> requests.Response:
    headers = {"Content-Type": MEDIA_TYPE, **sign_headers(laptop.key, laptop.device_id, method, path, body)}
    return requests.request(method, laptop.url + path, data=body, headers=headers, timeout=120)


def _push_body(laptop: Laptop) -> bytes:
    return encode(PushRequest(uuid7(), [laptop.change("household", uuid7(), household_fields())]))


@pytest.mark.parametrize("holder", ["server", "other_process"])
def test_a_long_write_gives_pushes_503_with_retry_after_and_pulls_answer(
    busy_server: EmbeddedServer, backend: str, holder: str
) -> None:
    """A write holds the database (the server's own, or another worker's connection); pushes and
    pulls arrive meanwhile. Pulls answer while it is held; pushes answer 200 or 503 with Retry-After,
    never 500; a 503 push sent again once the write ended is applied."""
    laptop = enroll_laptop(busy_server, V1, "east")
    other = (
        Store(busy_server.store.url, pool_timeout=WAIT, busy_timeout=WAIT)
        if holder == "other_process"
        else None
    )
    pool = ThreadPoolExecutor(12)
    holding = (other or busy_server.store).write()
    conn = holding.__enter__()
    try:
        lock_village(conn, COUNTY, V1)
        if backend == "sqlite":
            conn.exec_driver_sql("UPDATE villages SET name = name")  # hold SQLite's write lock too
        bodies = [_push_body(laptop) for _ in range(6)]
        pushes = [pool.submit(_send, laptop, "POST", "/api/v1/push", body) for body in bodies]
        pulls = [pool.submit(_send, laptop, "GET", "/api/v1/pull?cursor=0") for _ in range(6)]
        # Pulls answer while the write is still held: a signed GET does not wait for it.
        assert [f.result(timeout=60).status_code for f in pulls] == [200] * 6
        if backend == "sqlite":  # the writes give up after the lock timeout, while it is held
            answered = [f.result(timeout=60) for f in pushes]
    finally:
        holding.__exit__(None, None, None)
        if other is not None:
            other.close()
        pool.shutdown(wait=False, cancel_futures=True)
    answered = [f.result(timeout=60) for f in pushes]
    assert {r.status_code for r in answered} <= {200, 503}, [r.text for r in answered]
    for body, reply in zip(bodies, answered, strict=True):
        if reply.status_code == 503:
            assert reply.json()["error"] == "busy" and reply.json()["message_zh"]
            assert int(reply.headers["Retry-After"]) > 0
            assert _send(laptop, "POST", "/api/v1/push", body).status_code == 200
    if backend == "sqlite":
        assert {r.status_code for r in answered} == {503}
    records, _ = laptop.pull_all()
    assert len(records) == 6


def test_sqlite_nonces_are_shared_by_every_process_over_the_file(tmp_path: Path) -> None:
    """Two stores over one SQLite file, as two ``serve --workers`` processes hold: a nonce one of
    them saw is refused by the other; a pull's nonce is not kept in the database itself."""
    first, second = Store(tmp_path / "county.db"), Store(tmp_path / "county.db")
    first.migrate()
    try:
        Nonces(first).use(COUNTY, V1, "device", "n-1", 1000)
        with pytest.raises(ApiError) as refused:
            Nonces(second).use(COUNTY, V1, "device", "n-1", 1000)
        assert refused.value.code == "replayed_nonce"
        Nonces(second).use(COUNTY, V1, "device", "n-2", 1000)
        assert Nonces(first).count() == 2
        with first.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM nonces")).scalar_one() == 0
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_a_postgres_deadlock_or_lock_timeout_is_answered_busy(pg_url: str) -> None:
    """Two transactions locking two villages in opposite orders: PostgreSQL ends one of them with a
    deadlock error, which (like a lock timeout) is answered 503 busy, not 500."""
    from sync.server.app import _busy

    store = Store(pg_url)
    store.migrate()
    for code in ("110105009001", "110105009002"):
        with store.write() as conn:
            conn.execute(text("DELETE FROM villages WHERE village_code = :c"), {"c": code})
        admin.add_village(store, code, "村")
    first_locked, errors = threading.Event(), []

    def other() -> None:
        try:
            with store.write() as conn:
                lock_village(conn, COUNTY, "110105009002")
                first_locked.wait(30)
                lock_village(conn, COUNTY, "110105009001")
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    try:
        with store.write() as conn:
            lock_village(conn, COUNTY, "110105009001")
            first_locked.set()
            conn.execute(text("SELECT pg_sleep(0.2)"))
            lock_village(conn, COUNTY, "110105009002")
    except Exception as exc:
        errors.append(exc)
    thread.join(60)
    try:
        with store.write() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '50ms'"))
            holder = store.engine.connect()
            holder.begin()
            lock_village(holder, COUNTY, "110105009001")
            try:
                lock_village(conn, COUNTY, "110105009001")
            finally:
                holder.rollback()
                holder.close()
    except Exception as exc:
        errors.append(exc)
    finally:
        store.close()
    assert len(errors) == 2 and all(_busy(e) for e in errors), errors


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL waits for the row lock instead
def test_the_laptops_client_waits_as_told_and_its_push_then_goes_through(
    busy_server: EmbeddedServer, backend: str
) -> None:
    """The laptop's own HTTP client (``sync.laptop.client.HttpRemote``) pushes while a write holds the
    embedded database: it is answered 503 busy, waits the Retry-After (its policy's ``sleep`` here
    ends the hold and waits for nothing else), sends the same batch again, and it is applied."""
    from sync.laptop.client import HttpRemote
    from sync.retry import RetryPolicy

    laptop = enroll_laptop(busy_server, V1, "east")
    holding = busy_server.store.write()
    holding.__enter__()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:
            holding.__exit__(None, None, None)  # the long write ends while the laptop waits

    policy = RetryPolicy(total=3, sleep=sleep)
    try:
        with HttpRemote(laptop.url, None, laptop.device_id, laptop.key, retry=policy) as remote:
            answer = remote.push(_push_body(laptop))
    finally:
        if not waits:
            holding.__exit__(None, None, None)
    assert waits == [5.0]  # the server's Retry-After, not the policy's own backoff
    assert [r.status for r in answer.results] == ["applied"]
