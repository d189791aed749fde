"""App-level behaviour: unexpected errors stay quiet about their contents; out-of-range numbers;
every route lives in a router of its area (no import circle: tests/test_layering.py)."""

from __future__ import annotations

import logging

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
    """Each route is in the router of its area (``sync.server.routes.*``), none inline in
    ``create_app``; the only other one is FastAPI's own /openapi.json."""
    app = create_app(villages)
    routes = [ctx for ctx in iter_route_contexts(app.routes) if isinstance(ctx.original_route, APIRoute)]
    assert len(routes) >= 20
    homes = {ctx.path: getattr(ctx.endpoint, "__module__", "") for ctx in routes}
    assert {path: home for path, home in homes.items() if not home.startswith("sync.server.routes.")} == {}
    assert {ctx.path for ctx in iter_route_contexts(app.routes)} - set(homes) == {"/openapi.json"}
