"""The county-server command line, called through main([...]) on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from sync.server import embedded
from sync.server.cli import main
from sync.server.store import Store
from sync.server.tables import devices, users, villages
from sync.signing import public_key_b64

from .conftest import V1


@pytest.fixture
def db(backend: str, store: Store) -> str:
    return store.url


def test_admin_commands(db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "add-village", V1, "东村"]) == 0
    assert main(["--db", db, "add-village", V1, "东村"]) == 2  # already there
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("STAFF_PW", "long enough secret")
    assert (
        main(
            [
                "--db",
                db,
                "add-user",
                "li",
                "--scope",
                "township",
                "--code",
                V1[:9],
                "--password-env",
                "STAFF_PW",
            ]
        )
        == 0
    )
    assert (
        main(
            ["--db", db, "add-user", "x", "--scope", "county", "--code", "123", "--password-env", "STAFF_PW"]
        )
        == 2
    )
    capsys.readouterr()
    assert main(["--db", db, "enroll-code", V1, "--hours", "1"]) == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 14 and code.count("-") == 2
    store = Store(db)
    try:
        with store.read() as conn:
            assert conn.execute(select(villages.c.name)).scalars().all() == ["东村"]
            (user,) = conn.execute(select(users)).all()
        assert user.scope == "township" and user.password_hash.startswith("$argon2id$")
        with embedded.start(store, migrate=False) as srv:
            key = public_key_b64(Ed25519PrivateKey.generate())
            reply = requests.post(
                srv.url + "/api/v1/enroll", json={"code": code, "public_key": key, "name": "n"}, timeout=30
            )
            assert reply.status_code == 200
            device_id = reply.json()["device_id"]
            login = requests.post(
                srv.url + "/api/v1/staff/login",
                json={"username": "li", "password": "long enough secret"},
                timeout=30,
            )
            assert login.status_code == 200
        assert main(["--db", db, "revoke-device", device_id]) == 0
        assert main(["--db", db, "revoke-device", device_id]) == 2
        with store.read() as conn:
            assert conn.execute(select(devices.c.revoked_at)).scalar_one() is not None
    finally:
        store.close()


def test_database_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("COUNTY_SERVER_DB", str(path))
    assert main(["init"]) == 0 and path.exists()


def test_unknown_village_for_a_code(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "enroll-code", "999999999999"]) == 2
    assert "no such village" in capsys.readouterr().err
