"""County recovery keys: the contract between county IT and every laptop of the county.

County IT makes one X25519 key pair (``county-server recovery-keygen``) and puts the public half in
the provisioning file. Each laptop seals its database key to it (ephemeral X25519 + HKDF-SHA256 +
AES-256-GCM); only the private half, kept at the county and encrypted under a passphrase, opens it
again (``village-desk --recover``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_KEY_BYTES = 32


class RecoveryKeyError(ValueError):
    """A recovery key file that cannot be used (wrong kind, damaged, wrong passphrase)."""


@dataclass(frozen=True, slots=True)
class Sealed:
    ephemeral_public: bytes
    nonce: bytes
    ciphertext: bytes


def generate_recovery_keypair(passphrase: bytes | None = None) -> tuple[bytes, bytes]:
    """(private PEM, public PEM). The private PEM is encrypted when a passphrase is given."""
    private = X25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def load_public_key(public_pem: bytes) -> X25519PublicKey:
    try:
        public = serialization.load_pem_public_key(public_pem)
    except (ValueError, TypeError) as exc:
        raise RecoveryKeyError("the county recovery key is not a PEM public key") from exc
    if not isinstance(public, X25519PublicKey):
        raise RecoveryKeyError("the county recovery key must be an X25519 public key")
    return public


def load_private_key(private_pem: bytes, passphrase: bytes | None = None) -> X25519PrivateKey:
    try:
        private = serialization.load_pem_private_key(private_pem, password=passphrase or None)
    except TypeError as exc:  # encrypted without a passphrase given, or the other way round
        raise RecoveryKeyError("the county key file needs its passphrase (or has none)") from exc
    except ValueError as exc:
        raise RecoveryKeyError("the county key file is damaged or its passphrase is wrong") from exc
    if not isinstance(private, X25519PrivateKey):
        raise RecoveryKeyError("the county key file is not an X25519 recovery key")
    return private


def _kek(shared: bytes, associated: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None, info=associated).derive(shared)


def seal(public: X25519PublicKey, secret: bytes, associated: bytes) -> Sealed:
    """``secret`` sealed so that only the matching private key opens it."""
    ephemeral = X25519PrivateKey.generate()
    nonce = os.urandom(12)
    ciphertext = AESGCM(_kek(ephemeral.exchange(public), associated)).encrypt(nonce, secret, associated)
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Sealed(ephemeral_public, nonce, ciphertext)


def open_sealed(private: X25519PrivateKey, sealed: Sealed, associated: bytes) -> bytes | None:
    """The secret, or None when this is not the key it was sealed to (or the data was altered)."""
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_public))
        return AESGCM(_kek(shared, associated)).decrypt(sealed.nonce, sealed.ciphertext, associated)
    except (InvalidTag, ValueError):
        return None
