"""The provisioning file: fields, the county's Ed25519 signature over canonical JSON, and every bad file
refused with a message in both languages."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from sync.provisioning import (
    MAX_PROVISIONING_BYTES,
    ProvisioningError,
    canonical_bytes,
    check_server_url,
    generate_signing_keypair,
    load_provisioning,
    parse_provisioning,
    sign_provisioning,
)
from sync.recovery import generate_recovery_keypair
from tests.sync_world import make_pki

KEY_PASS = b"county signing passphrase"


@pytest.fixture(scope="module")
def signing_key() -> bytes:
    private_pem, _public = generate_signing_keypair(KEY_PASS)
    return private_pem


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pki = make_pki(tmp_path_factory.mktemp("pki"))
    _private, public = generate_recovery_keypair()
    return {
        "server_url": "https://county.example.cn/",
        "ca_bundle": pki.ca_pem.read_text("ascii"),
        "recovery_public_key": public.decode("ascii"),
        "village_code": "530102001001",
    }


def test_a_complete_unsigned_file_reads_back(good: dict[str, Any]) -> None:
    prov = parse_provisioning(good)
    assert prov.server_url == "https://county.example.cn"
    assert prov.village_code == "530102001001" and prov.ca_bundle == good["ca_bundle"]
    assert prov.signing_key is None


def test_a_signed_file_names_its_key_and_the_signature_covers_every_field(
    good: dict[str, Any], signing_key: bytes, tmp_path: Path
) -> None:
    signed = sign_provisioning(good, signing_key, KEY_PASS)
    prov = parse_provisioning(signed)
    assert prov.signing_key == signed["signature"]["key"]
    assert len(base64.b64decode(prov.signing_key)) == 32
    for field, value in [
        ("server_url", "https://evil.example.cn"),
        ("village_code", "530102001002"),
        ("ca_bundle", make_pki(tmp_path, "evil").ca_pem.read_text()),
    ]:
        with pytest.raises(ProvisioningError) as err:
            parse_provisioning({**signed, field: value})
        assert err.value.reason == "signature", field
    # Dropping an optional field is a change too.
    with pytest.raises(ProvisioningError, match="signature"):
        parse_provisioning({k: v for k, v in signed.items() if k != "recovery_public_key"})


def test_the_signature_does_not_depend_on_key_order_or_spacing(
    good: dict[str, Any], signing_key: bytes
) -> None:
    signed = sign_provisioning(good, signing_key, KEY_PASS)
    shuffled = json.loads(json.dumps(dict(reversed(list(signed.items()))), indent=4))
    assert parse_provisioning(shuffled).signing_key == signed["signature"]["key"]
    assert canonical_bytes(signed) == canonical_bytes(shuffled)
    assert b"signature" not in canonical_bytes(signed)


def test_a_signature_by_one_key_under_another_keys_name_fails(
    good: dict[str, Any], signing_key: bytes
) -> None:
    other, _ = generate_signing_keypair(KEY_PASS)
    signed = sign_provisioning(good, signing_key, KEY_PASS)
    forged = sign_provisioning(good, other, KEY_PASS)
    forged["signature"]["key"] = signed["signature"]["key"]
    with pytest.raises(ProvisioningError, match="signature"):
        parse_provisioning(forged)


def test_signing_refuses_a_wrong_passphrase_or_a_bad_file(good: dict[str, Any], signing_key: bytes) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        sign_provisioning(good, signing_key, b"wrong passphrase")
    with pytest.raises(ProvisioningError, match="server_url"):
        sign_provisioning({**good, "server_url": "ftp://x"}, signing_key, KEY_PASS)
    recovery_private, _ = generate_recovery_keypair()
    with pytest.raises(ValueError, match="not an Ed25519"):
        sign_provisioning(good, recovery_private, None)


BAD_SIGNATURES = [
    "not a dict",
    {"alg": "rsa", "key": "AAAA", "value": "AAAA"},
    {"alg": "ed25519", "key": "not base64!", "value": "AAAA"},
    {
        "alg": "ed25519",
        "key": base64.b64encode(b"short").decode(),
        "value": base64.b64encode(b"x" * 64).decode(),
    },
    {
        "alg": "ed25519",
        "key": base64.b64encode(b"k" * 32).decode(),
        "value": base64.b64encode(b"x" * 64).decode(),
    },
    {"alg": "ed25519", "key": base64.b64encode(b"k" * 32).decode()},
]


@pytest.mark.parametrize("block", BAD_SIGNATURES, ids=range(len(BAD_SIGNATURES)))
def test_malformed_signature_blocks_are_refused(good: dict[str, Any], block: Any) -> None:
    with pytest.raises(ProvisioningError) as err:
        parse_provisioning({**good, "signature": block})
    assert err.value.reason == "signature"


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("not json", b"server_url = https://x", "not_json"),
    ("not utf-8", b'{"server_url": "\xff"}', "not_json"),
    ("a list", b'["https://county.example.cn"]', "not_json"),
    ("no server", b'{"village_code": "530102001001"}', "fields"),
    ("unknown field", b'{"server_url": "https://c.example.cn", "sever_url": "x"}', "fields"),
    ("ftp", b'{"server_url": "ftp://c.example.cn"}', "server_url"),
    ("http far away", b'{"server_url": "http://c.example.cn"}', "server_url"),
    ("number url", b'{"server_url": 42}', "server_url"),
    (
        "bad CA",
        b'{"server_url": "https://c.example.cn", "ca_bundle": "-----BEGIN CERTIFICATE-----\\nAAAA"}',
        "ca_bundle",
    ),
    ("CA not text", b'{"server_url": "https://c.example.cn", "ca_bundle": ["x"]}', "ca_bundle"),
    (
        "bad recovery",
        b'{"server_url": "https://c.example.cn", "recovery_public_key": "nope"}',
        "recovery_key",
    ),
    ("short village", b'{"server_url": "https://c.example.cn", "village_code": "5301"}', "village_code"),
    (
        "full-width digit in the village",
        '{"server_url": "https://c.example.cn", "village_code": "53010200100\uff11"}'.encode(),
        "village_code",
    ),
    (
        "arabic-indic digits in the village",
        '{"server_url": "https://c.example.cn", "village_code": "\u0665\u0663\u0660102001001"}'.encode(),
        "village_code",
    ),
    # requests (urllib3) reads the backslash as the end of the host: it would connect to
    # evil.example.cn over http, while urlsplit sees 127.0.0.1.
    ("backslash before @", b'{"server_url": "http://evil.example.cn\\\\@127.0.0.1:8443"}', "server_url"),
    ("user info", b'{"server_url": "https://county.example.cn@evil.example.cn"}', "server_url"),
    ("user info to loopback", b'{"server_url": "http://evil.example.cn@127.0.0.1:8443"}', "server_url"),
    ("space in host", b'{"server_url": "https://county .example.cn"}', "server_url"),
    ("tab in host", b'{"server_url": "https://county\\t.example.cn"}', "server_url"),
    ("bad port", b'{"server_url": "https://county.example.cn:99999"}', "server_url"),
    ("no host", b'{"server_url": "https:///path"}', "server_url"),
    (
        "nested too deep",
        b'{"server_url": "https://c.example.cn", "ca_bundle": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "too_deep",
    ),
    ("only nesting", b"[" * 100_000 + b"]" * 100_000, "too_deep"),
]


@pytest.mark.parametrize(("name", "raw", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_with_a_message_in_both_languages(
    tmp_path: Path, name: str, raw: bytes, reason: str
) -> None:
    path = tmp_path / "provisioning.json"
    path.write_bytes(raw)
    with pytest.raises(ProvisioningError) as err:
        load_provisioning(path)
    assert err.value.reason == reason
    zh, en = err.value.message("zh"), err.value.message("en")
    assert zh != en and en.endswith(".") and "。" in zh
    assert "nope" not in en and "AAAA" not in en  # the file's contents are not echoed


def test_a_missing_or_huge_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ProvisioningError, match="unreadable"):
        load_provisioning(tmp_path / "absent.json")
    huge = tmp_path / "huge.json"
    huge.write_bytes(b'{"server_url": "' + b"x" * 300_000 + b'"}')
    with pytest.raises(ProvisioningError, match="too_large"):
        load_provisioning(huge)


def test_a_huge_file_is_refused_after_reading_no_more_than_the_limit(tmp_path: Path) -> None:
    """A 1 GiB file (sparse: nothing to write) is refused without reading it: at most the limit and
    one byte are read, so memory stays small."""
    import tracemalloc

    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(1 << 30)
    tracemalloc.start()
    try:
        with pytest.raises(ProvisioningError) as err:
            load_provisioning(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.reason == "too_large" and "256 KB" in err.value.message("en")
    assert peak < 4 * MAX_PROVISIONING_BYTES


@pytest.mark.parametrize(
    "url",
    [
        "https://county.example.cn",
        "https://county.example.cn:8443/",
        "http://127.0.0.1:8443",
        "http://[::1]:8443",
    ],
)
def test_plain_server_addresses_still_pass(url: str) -> None:
    assert check_server_url(url) == url.rstrip("/")


def test_a_recovery_key_of_the_wrong_kind_is_refused(good: dict[str, Any], signing_key: bytes) -> None:
    from cryptography.hazmat.primitives import serialization

    ed_public = (
        serialization.load_pem_private_key(signing_key, KEY_PASS)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(ProvisioningError, match="recovery_key"):
        parse_provisioning({**good, "recovery_public_key": ed_public.decode()})
