"""Key handling: the database key is random and is only ever stored wrapped.

* ``new_database_key()``: 256 random bits, given to SQLCipher in raw-key form (no SQLCipher KDF).
* Per local user: Argon2id(passphrase, salt) -> key-encryption key; the database key is wrapped
  with AES-256-GCM under it. Changing a passphrase re-wraps; the database is not re-encrypted.
* Per county: the database key is sealed once more to the county's X25519 recovery public key
  (ephemeral X25519 + HKDF-SHA256 + AES-GCM), so county IT can open a laptop whose passphrase
  was lost. Only the county holds the private key.

The associated data of every wrap binds it to this store and its purpose, so a wrapped key
cannot be moved to another store or another user's slot.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The default is tuned at store creation to about 0.5 s on the laptop itself."""

    iterations: int = 3
    memory_kib: int = 64 * 1024
    lanes: int = 4

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        return cls(iterations=1, memory_kib=8 * 4, lanes=4)

    @classmethod
    def tuned(cls, target_seconds: float = 0.5, cap_iterations: int = 32) -> KdfParams:
        """More iterations until one derivation takes ``target_seconds`` on this machine."""
        params = cls()
        started = time.perf_counter()
        derive_kek(b"calibration", os.urandom(16), params)
        elapsed = max(time.perf_counter() - started, 1e-3)
        iterations = round(params.iterations * target_seconds / elapsed)
        return cls(iterations=max(params.iterations, min(iterations, cap_iterations)))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def new_database_key() -> bytes:
    return os.urandom(KEY_BYTES)


def sqlcipher_key_pragma(key: bytes) -> str:
    """The PRAGMA that hands SQLCipher a raw 256-bit key (hex only: nothing to inject)."""
    if len(key) != KEY_BYTES:
        raise ValueError("database key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def derive_kek(passphrase: bytes, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(passphrase)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True, slots=True)
class Wrapped:
    nonce: bytes
    ciphertext: bytes


def wrap(kek: bytes, secret: bytes, associated: bytes) -> Wrapped:
    nonce = os.urandom(12)
    return Wrapped(nonce, AESGCM(kek).encrypt(nonce, secret, associated))


def unwrap(kek: bytes, wrapped: Wrapped, associated: bytes) -> bytes | None:
    """The secret, or None when the key (the passphrase) is wrong or the data was altered."""
    try:
        return AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, associated)
    except InvalidTag:
        return None


# --------------------------------------------------------------------------------------------------
# County recovery


def generate_recovery_keypair() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) for a county. The private half never leaves the county."""
    private = X25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def _recovery_kek(shared: bytes, associated: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=associated).derive(shared)


def seal_to_recovery_key(public_pem: bytes, secret: bytes, associated: bytes) -> tuple[bytes, Wrapped]:
    """(ephemeral public key, wrapped secret) that only the county private key opens."""
    public = serialization.load_pem_public_key(public_pem)
    if not isinstance(public, X25519PublicKey):
        raise ValueError("the county recovery key must be an X25519 public key")
    ephemeral = X25519PrivateKey.generate()
    kek = _recovery_kek(ephemeral.exchange(public), associated)
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return ephemeral_public, wrap(kek, secret, associated)


def open_with_recovery_key(
    private_pem: bytes, ephemeral_public: bytes, wrapped: Wrapped, associated: bytes
) -> bytes | None:
    try:
        private = serialization.load_pem_private_key(private_pem, password=None)
    except (ValueError, TypeError):
        return None
    if not isinstance(private, X25519PrivateKey):
        return None
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    return unwrap(_recovery_kek(shared, associated), wrapped, associated)
