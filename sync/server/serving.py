"""``county-server serve``: one server process, or several (``--workers N``, or ``WEB_CONCURRENCY``)
sharing one listening socket.

uvicorn starts worker processes only for an app it can import by name, so each worker builds its
own app with ``worker_app`` (an import-string factory) from settings the parent hands down in the
environment (``COUNTY_SERVER_WORKER``: database, pool size, log file). Workers share nothing but
the database: sign-in limits, nonces, tokens, stored push answers and counters all live there, so
any worker may answer any request. Each worker keeps its own connection pool (``--pool-size``):
up to ``workers * 2 * pool_size`` PostgreSQL connections in all, which must fit under the
database's ``max_connections``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI

from sync.server.app import create_app, freeze_startup_heap
from sync.server.errors import Refusal
from sync.server.store import POOL_SIZE, Store

SETTINGS_ENV = "COUNTY_SERVER_WORKER"
MAX_WORKERS = 64
RESERVED_CONNECTIONS = 10
"""PostgreSQL connections left for county IT's commands, backups and the database's own reserve."""

log = logging.getLogger(__name__)


class ServeError(Refusal, ValueError):
    """A ``serve`` setting that cannot work; the message says which and what to do."""


@dataclass(frozen=True)
class WorkerSettings:
    database: str
    pool_size: int = POOL_SIZE
    log_file: str | None = None


def worker_count(flag: int | None, environ: Mapping[str, str] = os.environ) -> int:
    """``--workers``, else ``WEB_CONCURRENCY`` (the variable process managers and PaaS set), else 1."""
    if flag is not None:
        value, source = str(flag), "--workers"
    else:
        value, source = environ.get("WEB_CONCURRENCY", "1").strip() or "1", "WEB_CONCURRENCY"
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WORKERS:
        raise ServeError("cli.workers_range", source=source, max=MAX_WORKERS, value=repr(value[:20]))
    return int(value)


def check_connections(store: Store, workers: int, pool_size: int) -> None:
    """Refuse a worker count whose pools could take more connections than PostgreSQL allows."""
    if store.dialect != "postgresql":
        return
    with store.read() as conn:
        allowed = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
    needed = workers * 2 * pool_size
    if needed > allowed - RESERVED_CONNECTIONS:
        raise ServeError(
            "cli.too_many_connections", workers=workers, pool_size=pool_size, needed=needed,
            allowed=allowed, reserved=RESERVED_CONNECTIONS,
        )  # fmt: skip


def log_to_file(path: str) -> None:
    """Send this process's log (uvicorn's too) to ``path``, reopened after logrotate moves it."""
    from logging.handlers import WatchedFileHandler

    handler = WatchedFileHandler(path, encoding="utf-8")
    # The process id tells the workers apart.
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn calls this by name: ``factory=True``)."""
    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise RuntimeError(f"{SETTINGS_ENV} is not set: start workers with `county-server serve`")
    settings = WorkerSettings(**json.loads(raw))
    if settings.log_file:
        log_to_file(settings.log_file)
    store = Store(settings.database, pool_size=settings.pool_size)
    app = create_app(store)
    freeze_startup_heap()
    return app


def run(
    settings: WorkerSettings,
    *,
    workers: int,
    host: str,
    port: int,
    certfile: str | None = None,
    keyfile: str | None = None,
) -> None:
    """Serve until stopped. One worker runs in this process; more are uvicorn's child processes."""
    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "ssl_certfile": certfile,
        "ssl_keyfile": keyfile,
        "log_level": "info",
        # With a log file, uvicorn's records go to the root logger's file handler instead of stderr.
        "log_config": None if settings.log_file else uvicorn.config.LOGGING_CONFIG,
        "server_header": False,
    }
    if workers > 1:
        log.info("serving with %d worker processes", workers)
    uvicorn.run("sync.server.serving:worker_app", factory=True, workers=workers, **options)
