"""Run the county server in a background thread on loopback: for the desktop app's demo mode, for
acceptance tests and for benchmarks. A real uvicorn server on a real socket, not a test double.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from sync.schema import Forms
from sync.server.app import create_app
from sync.server.store import Store

START_TIMEOUT = 20.0


class EmbeddedServer:
    """A running server. ``url`` is its base (``http://127.0.0.1:PORT``); ``stop()`` ends it."""

    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, url: str, store: Store, owns_store: bool
    ):
        self._server = server
        self._thread = thread
        self.url = url
        self.store = store
        self._owns_store = owns_store

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start(
    database: str | Path | Store,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    forms: Forms | None = None,
    clock: Callable[[], float] | None = None,
    migrate: bool = True,
    log_level: str = "warning",
) -> EmbeddedServer:
    """Start a server on ``host`` (a free port unless ``port`` is given) and wait until it listens.

    ``database`` is a file path (SQLite), a SQLAlchemy URL or an open ``Store``. With ``certfile``
    and ``keyfile`` the server speaks HTTPS.
    """
    owns_store = not isinstance(database, Store)
    if isinstance(database, Store):
        store = database
    else:
        store = Store(database, clock=clock) if clock else Store(database)
    if migrate:
        store.migrate()
    return serve(
        create_app(store, forms=forms),
        store,
        host=host,
        port=port,
        certfile=certfile,
        keyfile=keyfile,
        log_level=log_level,
        owns_store=owns_store,
    )


def serve(
    app: Any,
    store: Store,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    log_level: str = "warning",
    owns_store: bool = False,
) -> EmbeddedServer:
    """Serve an ASGI app made by ``create_app`` (``start`` makes one) until ``stop()``."""
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say so (else +40 ms per reply).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    tls = certfile is not None and keyfile is not None
    config = uvicorn.Config(
        app,
        host=host,
        port=bound_port,
        ssl_certfile=str(certfile) if tls else None,
        ssl_keyfile=str(keyfile) if tls else None,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        server_header=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="county-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the embedded county server did not start")
        time.sleep(0.01)
    scheme = "https" if tls else "http"
    return EmbeddedServer(server, thread, f"{scheme}://{host}:{bound_port}", store, owns_store)
