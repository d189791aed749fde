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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sync import kdf, recovery

KEY_BYTES = 32


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The default is tuned at store creation to about 0.5 s on the laptop itself.

    New slots use one lane (``sync.kdf``: multi-lane Argon2id can hang when two threads derive at
    once). Key rings made before hold ``lanes: 4`` and keep opening: such a derivation runs alone.
    """

    iterations: int = 3
    memory_kib: int = 64 * 1024
    lanes: int = kdf.LANES

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        return cls(iterations=1, memory_kib=8 * 4, lanes=kdf.LANES)

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
    return kdf.derive(
        passphrase,
        salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_kib=params.memory_kib,
    )


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
# County recovery: the sealing itself is the county's contract (sync.recovery); the store keeps the
# sealed key in its key ring as (ephemeral public key, Wrapped).


def generate_recovery_keypair(passphrase: bytes | None = None) -> tuple[bytes, bytes]:
    """(private PEM, public PEM) for a county. The private half never leaves the county."""
    return recovery.generate_recovery_keypair(passphrase)


def seal_to_recovery_key(public_pem: bytes, secret: bytes, associated: bytes) -> tuple[bytes, Wrapped]:
    """(ephemeral public key, wrapped secret) that only the county private key opens."""
    sealed = recovery.seal(recovery.load_public_key(public_pem), secret, associated)
    return sealed.ephemeral_public, Wrapped(sealed.nonce, sealed.ciphertext)


def open_with_recovery_key(
    private_pem: bytes,
    ephemeral_public: bytes,
    wrapped: Wrapped,
    associated: bytes,
    passphrase: bytes | None = None,
) -> bytes | None:
    """The secret, or None when the key is not the county's; RecoveryKeyError for an unusable file."""
    private = recovery.load_private_key(private_pem, passphrase)
    sealed = recovery.Sealed(ephemeral_public, wrapped.nonce, wrapped.ciphertext)
    return recovery.open_sealed(private, sealed, associated)
