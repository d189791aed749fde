"""Schemathesis against the published OpenAPI of a real server on loopback: whatever the schema
allows, signed or not, signed in or not, the answer is never a 5xx, and every error is in the
``{"error", "message", "message_zh"}`` format."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.ids import uuid7
from sync.protocol import ENTITIES, MEDIA_TYPE, PREVIOUS_PROTOCOL_VERSION, PROTOCOL_VERSION, encode
from sync.schema import load_forms
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.signing import sign_headers

from .conftest import COUNTY, V1, V2, Laptop

SIGNED = {"/api/v1/push", "/api/v1/pull", "/api/v1/status"}

# Push bodies: mostly well-formed batches with hostile contents, some plain garbage. A small pool of
# ids makes later examples edit, delete and collide with records that earlier ones created.
_IDS = [uuid7() for _ in range(6)]
_FIELDS = sorted({f.name for form in load_forms() for f in form.fields} | {"id", "village_code", "x"})
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=25) | st.sampled_from(_IDS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_change = st.fixed_dictionaries(
    {
        "entity": st.sampled_from([*ENTITIES, "cow"]),
        "id": st.sampled_from(_IDS) | st.text(max_size=40),
        "village_code": st.sampled_from([V1, V1, V2, "x"]),
        "fields": st.dictionaries(st.sampled_from(_FIELDS), _values, max_size=6),
        "base": st.dictionaries(st.sampled_from(_FIELDS), st.integers(0, 50), max_size=3),
        "base_seq": st.integers(0, 50),
        "deleted": st.booleans(),
        "hlc": st.integers(0, 2**62),
        "user": st.text(max_size=10),
    }
)
_batch = st.builds(
    lambda changes, batch_id, v: encode({"v": v, "batch_id": batch_id, "changes": changes}),
    st.lists(_change, max_size=6),
    st.sampled_from(["a", "b"]) | st.text(max_size=70),
    # Mostly the version the requests are signed in; sometimes the previous one or one unknown.
    st.sampled_from([PROTOCOL_VERSION] * 3 + [PREVIOUS_PROTOCOL_VERSION, 99]),
)
schemathesis.openapi.media_type(MEDIA_TYPE, _batch | st.binary(max_size=300))


@pytest.fixture
def token(server: EmbeddedServer) -> str:
    admin.add_user(server.store, "fuzz", "fuzzing password", "county", COUNTY)
    reply = requests.post(
        server.url + "/api/v1/staff/login",
        json={"username": "fuzz", "password": "fuzzing password"},
        timeout=30,
    )
    return reply.json()["token"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_no_input_makes_a_server_error(server: EmbeddedServer, laptop: Laptop, token: str) -> None:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: op.path.endswith("/logout"))  # it ends the token the others use
    assert len(operations) >= 10
    session = requests.Session()
    seen: dict[str, set[int]] = {}

    def check(case: schemathesis.Case) -> None:
        label = case.operation.label
        kwargs = case.as_transport_kwargs(base_url=server.url)
        kwargs.pop("timeout", None)
        prepared = session.prepare_request(requests.Request(**kwargs))
        path = prepared.path_url
        if case.operation.path in SIGNED:
            body = prepared.body or b""
            raw = body.encode() if isinstance(body, str) else body
            prepared.headers.update(sign_headers(laptop.key, laptop.device_id, case.method, path, raw))
        elif (
            case.operation.path.startswith("/api/v1/staff/") and case.operation.path != "/api/v1/staff/login"
        ):
            prepared.headers["Authorization"] = f"Bearer {token}"
        reply = session.send(prepared, timeout=30)
        seen.setdefault(label, set()).add(reply.status_code)
        assert reply.status_code < 500, (label, reply.status_code)
        if reply.status_code >= 400:
            error = reply.json()
            assert {"error", "message", "message_zh"} <= set(error), (label, error)

    for operation in operations:
        run = settings(
            max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )(given(case=operation.as_strategy())(check))
        run()
    assert {200, 400} <= seen["POST /api/v1/push"]  # the fuzzing got past the signature
    assert 200 in seen["GET /api/v1/pull"] and 200 in seen["GET /api/v1/staff/conflicts"]
