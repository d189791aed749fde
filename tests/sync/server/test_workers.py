"""Several server processes (``county-server serve --workers N`` / ``WEB_CONCURRENCY``) over one
PostgreSQL database, and ``/health`` answering while pushes fill the server's thread pool.

The worker tests run the real command on loopback. To know which worker answers, every other
worker is paused (SIGSTOP) for the length of one request: the listening socket is shared, so the
only worker left running takes the connection.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from sync.ids import uuid7
from sync.protocol import MEDIA_TYPE, PushRequest, encode
from sync.server import admin, enroll
from sync.server.embedded import EmbeddedServer
from sync.server.store import Store, lock_village
from sync.signing import public_key_b64, sign_headers

from .conftest import COUNTY, V1, Laptop, household_fields

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc, pauses with SIGSTOP")


# --------------------------------------------------------------------------------------------------
# /health while pushes wait (both backends, the in-process server)


def _established_to(port: int) -> int:
    """Client-side TCP connections to ``port`` on loopback that are open (from /proc/net/tcp)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[3] == "01" and int(parts[2].split(":")[1], 16) == port:
            count += 1
    return count


def _lock_waiters(store: Store) -> int:
    """Server connections waiting for a lock, asked on a connection of our own (the server's pool
    is full by then)."""
    url = store.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return int(row[0]) if row else 0


def test_health_answers_while_pushes_fill_the_thread_pool(server: EmbeddedServer, laptop: Laptop) -> None:
    """More pushes than the server has threads, all held behind the village's write lock: /health
    still answers, and answers before any of them could finish."""
    pushes = 48  # more than the 40 threads of the server's pool
    bodies = [
        encode(
            PushRequest(uuid7(), [laptop.change("household", uuid7(), household_fields()) for _ in range(50)])
        )
        for _ in range(pushes)
    ]

    def push(body: bytes) -> int:
        headers = {"Content-Type": MEDIA_TYPE}
        headers.update(sign_headers(laptop.key, laptop.device_id, "POST", "/api/v1/push", body))
        with requests.Session() as s:
            return s.post(server.url + "/api/v1/push", data=body, headers=headers, timeout=120).status_code

    store = server.store
    with ThreadPoolExecutor(pushes) as pool:
        with store.write() as conn:
            lock_village(conn, COUNTY, V1)  # every push now waits for this transaction
            futures: list[Future[int]] = [pool.submit(push, b) for b in bodies]
            deadline = time.monotonic() + 60
            while _established_to(server.port) < pushes or (
                store.dialect == "postgresql" and _lock_waiters(store) < 10
            ):
                assert time.monotonic() < deadline, "the pushes did not reach the server"
                assert not any(f.done() for f in futures), [f.result() for f in futures if f.done()]
                time.sleep(0.05)
            health = requests.get(server.url + "/api/v1/health", timeout=20)
            assert health.status_code == 200 and health.json()["status"] == "ok"
            # Ordering, not timing: no push can have finished while the lock is still held here.
            assert not any(f.done() for f in futures)
        assert [f.result() for f in futures] == [200] * pushes


@pytest.mark.postgres
def test_more_pushes_than_connections_wait_their_turn_instead_of_failing() -> None:
    """A request thread without a database connection used to wait for one and fail after the pool's
    timeout (500). With as many threads as connections, the others wait for a thread instead."""
    from sync.server import embedded
    from tests.sync_world import postgres_database

    from .conftest import enroll_laptop

    with postgres_database() as url:
        store = Store(url, pool_size=1, pool_timeout=1.0)  # two connections, a short wait for one
        store.migrate()
        admin.add_village(store, V1, "东村")
        server = embedded.start(store, migrate=False)
        holder = Store(url)
        try:
            laptop = enroll_laptop(server, V1)
            bodies = [
                encode(PushRequest(uuid7(), [laptop.change("household", uuid7(), household_fields())]))
                for _ in range(6)
            ]

            def push(body: bytes) -> int:
                headers = {"Content-Type": MEDIA_TYPE}
                headers.update(sign_headers(laptop.key, laptop.device_id, "POST", "/api/v1/push", body))
                with requests.Session() as s:
                    return s.post(
                        server.url + "/api/v1/push", data=body, headers=headers, timeout=120
                    ).status_code

            with ThreadPoolExecutor(len(bodies)) as pool:
                with holder.write() as conn:
                    lock_village(conn, COUNTY, V1)  # every push now waits for this transaction
                    futures = [pool.submit(push, b) for b in bodies]
                    deadline = time.monotonic() + 60
                    while _established_to(server.port) < len(bodies) or _lock_waiters(holder) < 2:
                        assert time.monotonic() < deadline, "the pushes did not reach the server"
                        time.sleep(0.05)
                    time.sleep(2.5)  # longer than the pool's timeout: a push waiting for a connection fails
                    assert not any(f.done() for f in futures), [f.result() for f in futures if f.done()]
                assert [f.result() for f in futures] == [200] * len(bodies)
        finally:
            server.stop()
            holder.engine.dispose()
            store.engine.dispose()


# --------------------------------------------------------------------------------------------------
# Several worker processes (PostgreSQL)


@dataclass
class Served:
    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def workers(self) -> list[int]:
        return _worker_pids(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def _worker_pids(parent: int) -> list[int]:
    """uvicorn's worker processes of ``parent`` (multiprocessing spawn children, not its helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


@contextmanager
def only(served: Served, worker: int) -> Iterator[None]:
    """Pause every worker but ``worker`` for one short request (uvicorn replaces a worker that
    stays silent for 5 s, so keep it short)."""
    others = [p for p in served.workers() if p != worker]
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        for pid in others:
            while _state(pid) != "T":
                time.sleep(0.005)
        yield
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(database: str, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Served:
    port = _free_port()
    log_path = tmp_path / f"serve-{port}.log"
    environ = {k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"}
    environ.update(env or {})
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sync.server.cli", "--db", database, "serve", "--port", str(port), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    return Served(f"http://127.0.0.1:{port}", proc, log_path)


def wait_ready(served: Served, workers: int) -> None:
    """Until ``workers`` workers have started up and the port answers."""
    deadline = time.monotonic() + 120
    while served.log().count("Application startup complete.") < workers or len(served.workers()) != workers:
        assert served.proc.poll() is None, served.log()
        assert time.monotonic() < deadline, served.log()
        time.sleep(0.1)
    assert _get(served, "/api/v1/health").status_code == 200


def _get(served: Served, path: str) -> requests.Response:
    # A fresh connection per request: a kept-alive one would stay with the worker that took it.
    return requests.get(served.url + path, headers={"Connection": "close"}, timeout=30)


def _login(served: Served, password: str) -> requests.Response:
    return requests.post(
        served.url + "/api/v1/staff/login",
        json={"username": "township1", "password": password},
        headers={"Connection": "close"},
        timeout=30,
    )


postgres_only = pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
"""Several server processes are for PostgreSQL (on SQLite every write waits for one file lock)."""


@pytest.fixture
def county(villages: Store) -> Store:
    admin.add_user(villages, "township1", PASSWORD, "township", V1[:9])
    return villages


@pytest.fixture
def two_workers(county: Store, tmp_path: Path) -> Iterator[Served]:
    served = serve(county.url, tmp_path, "--workers", "2", "--pool-size", "4")
    try:
        wait_ready(served, 2)
        yield served
    finally:
        served.stop()


@postgres_only
def test_serve_workers_starts_two_processes_that_both_answer(two_workers: Served) -> None:
    pids = two_workers.workers()
    assert len(pids) == 2
    for pid in pids:
        with only(two_workers, pid):
            reply = _get(two_workers, "/api/v1/health")
        assert reply.status_code == 200 and reply.json()["status"] == "ok"
    two_workers.stop()
    assert two_workers.proc.returncode == 0
    assert not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in pids)


@postgres_only
def test_web_concurrency_sets_the_worker_count(county: Store, tmp_path: Path) -> None:
    served = serve(county.url, tmp_path, env={"WEB_CONCURRENCY": "2"})
    try:
        wait_ready(served, 2)
        assert len(served.workers()) == 2
    finally:
        served.stop()
    bad = serve(county.url, tmp_path, env={"WEB_CONCURRENCY": "many"})
    assert bad.proc.wait(timeout=60) == 2
    assert "WEB_CONCURRENCY must be a whole number" in bad.log()


@postgres_only
def test_too_many_connections_for_postgres_is_refused(county: Store, tmp_path: Path) -> None:
    served = serve(county.url, tmp_path, "--workers", "64", "--pool-size", "100")
    assert served.proc.wait(timeout=60) == 2
    assert "max_connections" in served.log() and "Lower --workers or --pool-size" in served.log()


@postgres_only
def test_sign_in_limits_are_shared_by_the_workers(two_workers: Served) -> None:
    """Five wrong passwords, taken turn about by the two workers, refuse the sixth try at either:
    per process, each would have seen too few to refuse."""
    first, second = two_workers.workers()
    for n in range(5):
        with only(two_workers, (first, second)[n % 2]):
            assert _login(two_workers, "wrong password").status_code == 401
    for pid in (first, second):
        with only(two_workers, pid):
            refused = _login(two_workers, PASSWORD)
        assert refused.status_code == 429 and refused.json()["error"] == "too_many_attempts"


def _enroll(served: Served, county: Store, name: str) -> Laptop:
    key = Ed25519PrivateKey.generate()
    enrolled = requests.post(
        served.url + "/api/v1/enroll",
        json={"code": enroll.issue_code(county, V1), "public_key": public_key_b64(key), "name": name},
        timeout=30,
    )
    assert enrolled.status_code == 200, enrolled.text
    return Laptop(served.url, enrolled.json()["device_id"], V1, key)


@postgres_only
def test_a_nonce_used_at_one_worker_is_refused_by_the_other(county: Store, two_workers: Served) -> None:
    laptop = _enroll(two_workers, county, "甲")
    headers = sign_headers(laptop.key, laptop.device_id, "GET", "/api/v1/status", b"")
    headers["Connection"] = "close"
    first, second = two_workers.workers()
    with only(two_workers, first):
        assert (
            requests.get(two_workers.url + "/api/v1/status", headers=headers, timeout=30).status_code == 200
        )
    with only(two_workers, second):
        replay = requests.get(two_workers.url + "/api/v1/status", headers=headers, timeout=30)
    assert replay.status_code == 401 and replay.json()["error"] == "replayed_nonce"


@postgres_only
def test_pushes_through_two_workers_each_apply_once(county: Store, two_workers: Served) -> None:
    """Laptops pushing at once through both workers: every record stored exactly once."""
    laptops = [_enroll(two_workers, county, f"laptop-{n}") for n in range(4)]
    made: list[str] = []
    lock = threading.Lock()

    def work(laptop: Laptop) -> None:
        for _ in range(5):
            ids = [uuid7() for _ in range(20)]
            laptop.push([laptop.change("household", i, household_fields()) for i in ids])
            with lock:
                made.extend(ids)

    with ThreadPoolExecutor(len(laptops)) as pool:
        list(pool.map(work, laptops))
    with county.read() as conn:
        stored = (
            conn.execute(text("SELECT id FROM records WHERE village_code = :v"), {"v": V1}).scalars().all()
        )
    assert sorted(stored) == sorted(made) and len(made) == 400


def test_bad_worker_and_pool_settings_are_refused_in_words(
    store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.server.cli import main

    assert main(["--db", store.url, "serve", "--workers", "0"]) == 2
    assert "--workers must be a whole number from 1 to 64" in capsys.readouterr().err
    monkeypatch.setenv("WEB_CONCURRENCY", "-3")
    assert main(["--db", store.url, "serve"]) == 2
    assert "WEB_CONCURRENCY must be a whole number" in capsys.readouterr().err
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert main(["--db", store.url, "serve", "--pool-size", "0"]) == 2
    assert "--pool-size must be from 1 to 100" in capsys.readouterr().err
