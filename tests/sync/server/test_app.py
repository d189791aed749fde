"""App-level behaviour: unexpected errors stay quiet about their contents; out-of-range numbers;
every route lives in a router of its area, and no module of the server imports one that imports it."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
import requests
from fastapi.routing import APIRoute, iter_route_contexts

from sync.ids import uuid7
from sync.server import embedded
from sync.server.app import create_app
from sync.server.store import Store

from .conftest import Laptop, household_fields

SECRET = "110105199001011234 王秘密"


def test_an_unexpected_error_is_a_plain_500_without_its_text(
    villages: Store, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(villages)

    @app.get("/boom")
    def boom() -> None:
        raise ValueError(SECRET)

    with caplog.at_level(logging.DEBUG), embedded.serve(app, villages) as srv:
        reply = requests.get(srv.url + "/boom", timeout=30)
    assert reply.status_code == 500
    assert reply.json()["error"] == "internal" and reply.json()["message_zh"]
    assert SECRET not in reply.text
    assert "ValueError" in caplog.text and SECRET not in caplog.text


def test_numbers_out_of_range_are_refused(laptop: Laptop) -> None:
    change = laptop.change("household", uuid7(), household_fields(), hlc=2**70)
    reply = laptop.push_raw([change])
    assert reply.status == 400 and reply.error == "malformed"
    change = laptop.change("household", uuid7(), household_fields(), base={"address": 2**64})
    assert laptop.push_raw([change]).status == 400
    assert laptop.request("GET", f"/api/v1/pull?cursor={2**64}").status == 400


def test_create_app_defines_no_route_itself(villages: Store) -> None:
    """Each route is in the router of its area (``sync.server.routes_*``), none inline in
    ``create_app``; the only other one is FastAPI's own /openapi.json."""
    app = create_app(villages)
    routes = [ctx for ctx in iter_route_contexts(app.routes) if isinstance(ctx.original_route, APIRoute)]
    assert len(routes) >= 20
    homes = {ctx.path: getattr(ctx.endpoint, "__module__", "") for ctx in routes}
    assert {path: home for path, home in homes.items() if not home.startswith("sync.server.routes_")} == {}
    assert {ctx.path for ctx in iter_route_contexts(app.routes)} - set(homes) == {"/openapi.json"}


SERVER = Path(__file__).resolve().parents[3] / "sync" / "server"


def _server_imports() -> dict[str, set[str]]:
    """Module -> the sync.server modules it imports, function-local imports included."""
    names = {f"sync.server.{p.stem}" for p in SERVER.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name in names:
        found: set[str] = set()
        for node in ast.walk(ast.parse((SERVER / f"{name.rsplit('.', 1)[1]}.py").read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = (found & names) - {name}
    return graph


def test_the_server_has_no_import_circle() -> None:
    graph = _server_imports()
    assert "sync.server.app" in graph["sync.server.serving"]  # the walk sees imports
    circles = []
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name == start:
                circles.append(start)
                break
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
    assert circles == []
