"""County IT's recovery, end to end: county-server makes the key pair, a laptop store is sealed to
it, and village-desk --recover sets a new passphrase with it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from desktop.__main__ import main as village_desk
from desktop.services.settings import AppPaths
from desktop.storage import KdfParams, Store
from sync.server.cli import main as county_server

PASS = "village passphrase 1"


@pytest.fixture
def laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("KEY_PASS", "county vault passphrase")
    private, public = tmp_path / "county-recovery.pem", tmp_path / "county-recovery.pub.pem"
    assert county_server(["recovery-keygen", str(private), str(public), "--passphrase-env", "KEY_PASS"]) == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    home = tmp_path / "home"
    store_path = AppPaths.default(home).store_path
    Store.create(
        store_path,
        "wang",
        PASS,
        "110101001001",
        recovery_public_key=public.read_bytes(),
        kdf=KdfParams.fast_for_tests(),
    ).close()
    return home, private


def _recover(home: Path, key: Path) -> int:
    return village_desk(
        [
            "--home",
            str(home),
            "--recover",
            str(key),
            "--user",
            "wang",
            "--key-passphrase-env",
            "KEY_PASS",
            "--passphrase-env",
            "NEW_PASS",
        ]
    )


def test_recover_sets_a_new_passphrase(laptop, monkeypatch, capsys) -> None:
    home, key = laptop
    monkeypatch.setenv("NEW_PASS", "new passphrase from county")
    assert _recover(home, key) == 0
    assert "recovered" in capsys.readouterr().out
    Store.unlock(AppPaths.default(home).store_path, "wang", "new passphrase from county").close()


def test_wrong_key_passphrase_changes_nothing(laptop, monkeypatch, capsys) -> None:
    home, key = laptop
    monkeypatch.setenv("KEY_PASS", "not the vault passphrase")
    monkeypatch.setenv("NEW_PASS", "new passphrase from county")
    assert _recover(home, key) == 1
    err = capsys.readouterr().err
    assert "recovery failed" in err and "passphrase" in err
    assert "not the vault passphrase" not in err
    Store.unlock(AppPaths.default(home).store_path, "wang", PASS).close()


def test_keygen_refuses_to_overwrite_a_key(laptop, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # county-server speaks the locale's language; this reads English
    _home, key = laptop
    before = key.read_bytes()
    assert (
        county_server(["recovery-keygen", str(key), str(key) + ".pub2", "--passphrase-env", "KEY_PASS"]) == 2
    )
    assert "not overwriting" in capsys.readouterr().err
    assert key.read_bytes() == before
