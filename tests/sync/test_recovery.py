"""County recovery keys: sealing to the county, opening only with its private key."""

from __future__ import annotations

import pytest

from sync.recovery import (
    RecoveryKeyError,
    generate_recovery_keypair,
    load_private_key,
    load_public_key,
    open_sealed,
    seal,
)

AD = b"village-desk/v1/recovery/store-1"


def test_sealed_secret_opens_only_with_the_county_private_key() -> None:
    private_pem, public_pem = generate_recovery_keypair()
    other_pem, _ = generate_recovery_keypair()
    sealed = seal(load_public_key(public_pem), b"k" * 32, AD)
    assert open_sealed(load_private_key(private_pem), sealed, AD) == b"k" * 32
    assert open_sealed(load_private_key(other_pem), sealed, AD) is None
    # Bound to its store: the same sealed key presented for another store does not open.
    assert open_sealed(load_private_key(private_pem), sealed, AD + b"x") is None


def test_private_key_file_encrypted_under_a_passphrase() -> None:
    private_pem, public_pem = generate_recovery_keypair(b"county vault phrase")
    assert b"ENCRYPTED" in private_pem
    sealed = seal(load_public_key(public_pem), b"secret-key-bytes", AD)
    with pytest.raises(RecoveryKeyError, match="passphrase"):
        load_private_key(private_pem)
    with pytest.raises(RecoveryKeyError, match="passphrase is wrong"):
        load_private_key(private_pem, b"wrong phrase")
    key = load_private_key(private_pem, b"county vault phrase")
    assert open_sealed(key, sealed, AD) == b"secret-key-bytes"


@pytest.mark.parametrize(
    "pem",
    [b"not a key", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"],
)
def test_unusable_public_key_is_refused_plainly(pem: bytes) -> None:
    with pytest.raises(RecoveryKeyError):
        load_public_key(pem)


def test_an_ed25519_key_is_not_a_recovery_key() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(RecoveryKeyError, match="X25519"):
        load_public_key(pem)
