"""The embedded server: real uvicorn on loopback, over HTTP and HTTPS; the published OpenAPI."""

from __future__ import annotations

import datetime
import ipaddress
import time
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.protocol import MEDIA_TYPE, PROTOCOL_VERSION
from sync.server import embedded
from sync.server.embedded import EmbeddedServer


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_health_and_stop(tmp_path: Path) -> None:
    srv = embedded.start(tmp_path / "e.db")
    assert srv.url.startswith("http://127.0.0.1:") and srv.port > 0
    health = requests.get(srv.url + "/api/v1/health", timeout=10).json()
    # The server's clock, so a laptop whose clock is off can sign with it (issue 10, item 12).
    assert abs(health.pop("server_time") - time.time()) < 5
    # ``protocol``: the version the server speaks with the asker; one sending no version header
    # is a laptop from protocol 1, which checks that this equals its own.
    assert health == {"status": "ok", "protocol": 1, "protocols": [1, PROTOCOL_VERSION]}
    asked = requests.get(
        srv.url + "/api/v1/health", headers={"X-Protocol-Version": str(PROTOCOL_VERSION)}, timeout=10
    )
    assert asked.json()["protocol"] == PROTOCOL_VERSION
    srv.stop()
    try:
        requests.get(srv.url + "/api/v1/health", timeout=2)
    except requests.ConnectionError:
        pass
    else:  # pragma: no cover
        raise AssertionError("server still answers after stop()")


def test_https_with_a_pinned_certificate(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    with embedded.start(tmp_path / "tls.db", certfile=cert, keyfile=key) as srv:
        assert srv.url.startswith("https://")
        assert requests.get(srv.url + "/api/v1/health", verify=str(cert), timeout=10).status_code == 200


def test_openapi_describes_the_binary_sync_bodies(server: EmbeddedServer) -> None:
    spec = requests.get(server.url + "/openapi.json", timeout=10).json()
    push = spec["paths"]["/api/v1/push"]["post"]
    assert push["requestBody"]["content"][MEDIA_TYPE]["schema"]["format"] == "binary"
    assert MEDIA_TYPE in push["responses"]["200"]["content"]
    assert MEDIA_TYPE in spec["paths"]["/api/v1/pull"]["get"]["responses"]["200"]["content"]
    for path in ("/api/v1/enroll", "/api/v1/staff/login", "/api/v1/staff/items/{item_id}/decide"):
        assert path in spec["paths"]


def test_unknown_routes_answer_in_the_error_format(server: EmbeddedServer) -> None:
    reply = requests.get(server.url + "/api/v1/nothing", timeout=10)
    assert reply.status_code == 404 and reply.json()["error"] == "not_found" and reply.json()["message_zh"]
    reply = requests.delete(server.url + "/api/v1/health", timeout=10)
    assert reply.status_code == 405 and reply.json()["error"] == "method_not_allowed"
