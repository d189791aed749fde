"""Where first run finds an installer's provisioning file, and importing one later into an open store:
the trust rules (pinned county signing key), the village check, and bad files changing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.services.provisioning import (
    ENV_VAR,
    find_preseeded,
    import_provisioning,
    pinned_signing_key,
    search_paths,
)
from desktop.services.setup import create_store
from desktop.storage import KdfParams, RecoveryFailed, Store
from desktop.storage.keyring import keyring_path
from sync.provisioning import (
    ProvisioningError,
    generate_signing_keypair,
    load_provisioning,
    sign_provisioning,
)
from sync.recovery import generate_recovery_keypair
from tests.sync_world import make_pki

VILLAGE = "530102001001"
USER, PASS = "clerk", "green hills 2025"
KEY_PASS = b"county signing passphrase"
KDF = KdfParams.fast_for_tests()

# -- the search list -------------------------------------------------------------------------------


def test_linux_order_env_then_install_folder_then_etc(tmp_path: Path) -> None:
    exe = tmp_path / "opt" / "village-desk" / "village-desk"
    paths = search_paths(
        environ={ENV_VAR: "/srv/p.json"}, frozen=True, executable=str(exe), platform="linux", root=tmp_path
    )
    assert paths == [
        Path("/srv/p.json"),
        exe.resolve().parent / "provisioning.json",
        tmp_path / "etc" / "village-desk" / "provisioning.json",
    ]


def test_the_install_folder_counts_only_for_a_frozen_bundle(tmp_path: Path) -> None:
    paths = search_paths(environ={}, frozen=False, executable="/usr/bin/python3", platform="linux")
    assert paths == [Path("/etc/village-desk/provisioning.json")]


def test_windows_uses_programdata(tmp_path: Path) -> None:
    exe = tmp_path / "Program Files" / "VillageDataDesk" / "village-desk.exe"
    paths = search_paths(
        environ={"PROGRAMDATA": str(tmp_path / "PD")}, frozen=True, executable=str(exe), platform="win32"
    )
    assert paths == [
        exe.resolve().parent / "provisioning.json",
        tmp_path / "PD" / "VillageDataDesk" / "provisioning.json",
    ]
    assert search_paths(environ={}, frozen=False, platform="win32", root=tmp_path) == [
        tmp_path / "VillageDataDesk" / "provisioning.json"
    ]


def test_macos_uses_library_application_support(tmp_path: Path) -> None:
    assert search_paths(environ={}, frozen=False, platform="darwin", root=tmp_path) == [
        tmp_path / "Library" / "Application Support" / "VillageDataDesk" / "provisioning.json"
    ]


def test_the_environment_variable_is_read_from_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "p.json"))
    assert search_paths()[0] == tmp_path / "p.json"


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_first_existing_file_wins_and_a_bad_one_is_reported_not_skipped(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "provisioning.json", tmp_path / "b" / "provisioning.json"
    assert find_preseeded([first, second]) is None
    _write(second, {"server_url": "https://two.example.cn"})
    found = find_preseeded([first, second])
    assert found is not None and found.path == second
    assert found.provisioning is not None and found.provisioning.server_url == "https://two.example.cn"
    first.parent.mkdir()
    first.write_text("{not json", encoding="utf-8")
    found = find_preseeded([first, second])
    assert found is not None and found.path == first and found.provisioning is None
    assert found.error is not None and found.error.reason == "not_json"


# -- importing later -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def county_keys() -> dict[str, bytes]:
    signing, _ = generate_signing_keypair(KEY_PASS)
    other, _ = generate_signing_keypair(KEY_PASS)
    recovery_private, recovery_public = generate_recovery_keypair()
    return {"signing": signing, "other": other, "recovery": recovery_private, "recovery_pub": recovery_public}


def _file(tmp_path: Path, name: str, key: bytes | None = None, **fields: Any) -> Path:
    data: dict[str, Any] = {"server_url": "https://county.example.cn", **fields}
    if key is not None:
        data = sign_provisioning(data, key, KEY_PASS)
    return _write(tmp_path / name, data)


@pytest.fixture
def signed_store(tmp_path: Path, county_keys: dict[str, bytes]) -> Iterator[Store]:
    """A store made at first run from a signed file: the county key is pinned."""
    first = _file(
        tmp_path,
        "first.json",
        county_keys["signing"],
        recovery_public_key=county_keys["recovery_pub"].decode(),
    )
    store = create_store(
        tmp_path / "v.vdd", USER, PASS, VILLAGE, provisioning=load_provisioning(first), kdf=KDF
    )
    yield store
    store.close()


def _snapshot(store: Store) -> tuple[Any, ...]:
    state = tuple(store.state_get(k) for k in ("server_url", "ca_bundle_pem", "provisioning_signing_key"))
    return (*state, keyring_path(store.path).read_bytes())


def test_first_run_pins_the_signing_key_of_a_signed_file(signed_store: Store, tmp_path: Path) -> None:
    pinned = pinned_signing_key(signed_store)
    assert pinned and pinned == load_provisioning(tmp_path / "first.json").signing_key


@pytest.mark.parametrize(
    ("key", "fields", "reason"),
    [
        (None, {"server_url": "https://evil.example.cn"}, "unsigned"),
        ("other", {"server_url": "https://evil.example.cn"}, "signer"),
        ("signing", {"village_code": "530102001002"}, "other_village"),
    ],
    ids=["unsigned", "other-key", "other-village"],
)
def test_a_refused_import_changes_nothing(
    signed_store: Store,
    tmp_path: Path,
    county_keys: dict[str, bytes],
    key: str | None,
    fields: dict,
    reason: str,
) -> None:
    path = _file(tmp_path, "later.json", county_keys[key] if key else None, **fields)
    before = _snapshot(signed_store)
    with pytest.raises(ProvisioningError) as err:
        import_provisioning(signed_store, path)
    assert err.value.reason == reason
    assert _snapshot(signed_store) == before


def test_a_tampered_file_is_refused_and_changes_nothing(
    signed_store: Store, tmp_path: Path, county_keys: dict[str, bytes]
) -> None:
    path = _file(tmp_path, "later.json", county_keys["signing"], server_url="https://new.example.cn")
    data = json.loads(path.read_text("utf-8"))
    data["server_url"] = "https://evil.example.cn"
    _write(path, data)
    before = _snapshot(signed_store)
    with pytest.raises(ProvisioningError, match="signature"):
        import_provisioning(signed_store, path)
    assert _snapshot(signed_store) == before


def test_a_file_signed_by_the_pinned_key_moves_the_laptop_to_the_new_server(
    signed_store: Store, tmp_path: Path, county_keys: dict[str, bytes]
) -> None:
    pki = make_pki(tmp_path / "pki")
    signed_store.state_set("device_id", "dev-1")  # enrolled with the old server
    path = _file(
        tmp_path,
        "later.json",
        county_keys["signing"],
        server_url="https://new.example.cn",
        ca_bundle=pki.ca_pem.read_text("ascii"),
        village_code=VILLAGE,
    )
    result = import_provisioning(signed_store, path)
    assert result.server_changed and not result.signing_key_pinned
    assert signed_store.state_get("server_url") == "https://new.example.cn"
    assert signed_store.state_get("ca_bundle_pem") == pki.ca_pem.read_text("ascii")
    assert signed_store.state_get("device_id") is None  # a new server needs a new enrollment
    # A later file for yet another server without a CA: the previous server's CA is not kept for it.
    import_provisioning(
        signed_store, _file(tmp_path, "third.json", county_keys["signing"], server_url="https://127.0.0.1:9")
    )
    assert signed_store.state_get("ca_bundle_pem") is None


def test_an_unsigned_laptop_accepts_an_unsigned_file_and_pins_the_first_signed_one(
    tmp_path: Path, county_keys: dict[str, bytes]
) -> None:
    store = create_store(
        tmp_path / "v.vdd", USER, PASS, VILLAGE, server_url="https://county.example.cn", kdf=KDF
    )
    try:
        result = import_provisioning(store, _file(tmp_path, "a.json", server_url="https://b.example.cn"))
        assert result.server_changed and pinned_signing_key(store) is None
        result = import_provisioning(store, _file(tmp_path, "b.json", county_keys["signing"]))
        assert result.signing_key_pinned and pinned_signing_key(store)
        with pytest.raises(ProvisioningError, match="unsigned"):
            import_provisioning(store, _file(tmp_path, "c.json", server_url="https://evil.example.cn"))
    finally:
        store.close()


def test_a_new_recovery_key_reseals_the_database_key(
    signed_store: Store, tmp_path: Path, county_keys: dict[str, bytes]
) -> None:
    new_private, new_public = generate_recovery_keypair()
    path = _file(tmp_path, "later.json", county_keys["signing"], recovery_public_key=new_public.decode())
    assert import_provisioning(signed_store, path).recovery_changed
    signed_store.close()
    with pytest.raises(RecoveryFailed):
        Store.recover(signed_store.path, county_keys["recovery"], "it", "new passphrase 1", kdf=KDF).close()
    Store.recover(signed_store.path, new_private, "it", "new passphrase 1", kdf=KDF).close()
    # The same file again changes nothing more.
    with Store.unlock(signed_store.path, USER, PASS) as store:
        assert not import_provisioning(store, path).recovery_changed


# -- typing an address by hand, and moving to a new county key with the recovery key -------------


def test_a_typed_address_is_refused_once_a_county_key_is_pinned(signed_store: Store, tmp_path: Path) -> None:
    from desktop.services.provisioning import ServerPinned, set_server_by_hand
    from sync.errors import SyncError

    with pytest.raises(ServerPinned) as err:
        set_server_by_hand(signed_store, "https://evil.example.cn")
    assert "导入" in err.value.message("zh") and "Settings" in err.value.message("en")
    assert signed_store.state_get("server_url") == "https://county.example.cn"
    set_server_by_hand(signed_store, "https://county.example.cn/")  # the same address is fine
    store = create_store(tmp_path / "u.vdd", USER, PASS, VILLAGE, kdf=KDF)
    try:
        with pytest.raises(SyncError) as bad:
            set_server_by_hand(store, "ftp://county.example.cn")
        assert bad.value.code == "server_url" and store.state_get("server_url") is None
        set_server_by_hand(store, "https://any.example.cn")  # nothing pinned: typing is allowed
        assert store.state_get("server_url") == "https://any.example.cn"
    finally:
        store.close()


def test_the_recovery_key_moves_a_laptop_to_a_new_county_signing_key(
    signed_store: Store, tmp_path: Path, county_keys: dict[str, bytes]
) -> None:
    from desktop.services.recovery import recover

    path = signed_store.path
    signed_store.close()
    key_file = tmp_path / "county.pem"
    key_file.write_bytes(county_keys["recovery"])
    new_file = _file(tmp_path, "new-key.json", county_keys["other"], server_url="https://new.example.cn")
    answers = iter(["", "new passphrase 42", "new passphrase 42"])  # key passphrase (none), new, again
    line = recover(path, key_file, USER, ask=lambda _p: next(answers), kdf=KDF, provisioning=new_file)
    assert "pinned" in line
    with Store.unlock(path, USER, "new passphrase 42") as store:
        assert store.state_get("server_url") == "https://new.example.cn"
        assert pinned_signing_key(store) == load_provisioning(new_file).signing_key
        with pytest.raises(ProvisioningError, match="signer"):  # the old key no longer counts
            import_provisioning(store, _file(tmp_path, "old.json", county_keys["signing"]))


def test_recovery_with_a_bad_provisioning_file_changes_nothing(
    signed_store: Store, tmp_path: Path, county_keys: dict[str, bytes]
) -> None:
    from desktop.services.recovery import recover

    path = signed_store.path
    signed_store.close()
    ring = keyring_path(path).read_bytes()
    key_file = tmp_path / "county.pem"
    key_file.write_bytes(county_keys["recovery"])
    bad = tmp_path / "bad.json"
    bad.write_text('{"server_url": "https://x.example.cn", "signature": {"alg": "ed25519"}}')
    with pytest.raises(RecoveryFailed, match="signature"):
        recover(path, key_file, USER, ask=lambda _p: "new passphrase 42", kdf=KDF, provisioning=bad)
    assert keyring_path(path).read_bytes() == ring


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not_json"),
        (b'{"server_url": "https://c.example.cn", "extra": 1}', "fields"),
        (
            b'{"server_url": "https://c.example.cn", "ca_bundle": "-----BEGIN CERTIFICATE-----\\nxx"}',
            "ca_bundle",
        ),
        (b'{"server_url": "https://c.example.cn", "recovery_public_key": "x"}', "recovery_key"),
    ],
    ids=["not-json", "wrong-fields", "bad-ca", "bad-recovery-key"],
)
def test_a_bad_file_imported_into_an_unpinned_laptop_changes_nothing(
    tmp_path: Path, raw: bytes, reason: str
) -> None:
    store = create_store(
        tmp_path / "v.vdd", USER, PASS, VILLAGE, server_url="https://county.example.cn", kdf=KDF
    )
    try:
        before = _snapshot(store)
        path = tmp_path / "bad.json"
        path.write_bytes(raw)
        with pytest.raises(ProvisioningError) as err:
            import_provisioning(store, path)
        assert err.value.reason == reason and _snapshot(store) == before
    finally:
        store.close()
