"""The key ring beside the encrypted file: wrapped copies of the database key, nothing in clear.

It sits next to the database (``<file>.keys``) because it must be readable before the database
is opened. It holds, per local user, the Argon2id salt and cost and the AES-GCM-wrapped database
key; the copy sealed to the county recovery key; and the count of wrong passphrases, which sets
the delay before the next try. It is written atomically (temp file in the same folder, fsync,
rename), so a crash leaves the old or the new ring, never half of one.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.storage.errors import StoreCorrupt
from desktop.storage.keys import KdfParams, Wrapped, b64, unb64

FORMAT = 1
MAX_DELAY_SECONDS = 300.0

# What a key ring may ask of Argon2id before it is taken for damaged or tampered with: generous
# beside what ``KdfParams.tuned`` makes (3-32 passes, 64 MiB, 1-4 lanes), far below what would
# hang or exhaust a 4 GB laptop at every unlock.
KDF_MAX_ITERATIONS = 256
KDF_MAX_LANES = 64
KDF_MAX_MEMORY_KIB = 1024 * 1024
SALT_BYTES = (8, 64)
GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16


def keyring_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong passphrases in a row: 0, 1, 2, 4, 8 … 300."""
    if failures <= 0:
        return 0.0
    # 2.0 ** 5000 overflows: past the cap, the exponent no longer matters.
    return min(2.0 ** min(failures - 1, 64), MAX_DELAY_SECONDS)


def _int(value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise ValueError("a number in the key ring is out of range")
    return value


def _kdf(data: object) -> KdfParams:
    if not isinstance(data, dict):
        raise ValueError("the key ring's Argon2id settings are not an object")
    lanes = _int(data["lanes"], 1, KDF_MAX_LANES)
    checked = {
        "iterations": _int(data["iterations"], 1, KDF_MAX_ITERATIONS),
        "memory_kib": _int(data["memory_kib"], 8 * lanes, KDF_MAX_MEMORY_KIB),
        "lanes": lanes,
    }
    # Any other setting is KdfParams' own to accept or refuse (TypeError: damaged).
    return KdfParams(**{**data, **checked})


def _bytes(text: object, low: int, high: int) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    raw = unb64(text)
    if not low <= len(raw) <= high:
        raise ValueError("a value in the key ring has the wrong length")
    return raw


def _wrapped(nonce: object, ciphertext: object) -> Wrapped:
    return Wrapped(
        _bytes(nonce, GCM_NONCE_BYTES, GCM_NONCE_BYTES), _bytes(ciphertext, GCM_TAG_BYTES + 1, 4096)
    )


def _failures(data: object) -> Failures:
    if not isinstance(data, dict):
        raise ValueError("failures entry is not an object")
    last = data["last"]
    if type(last) not in (int, float) or not math.isfinite(last):
        raise ValueError("failure time is not a finite number")
    # No upper bound on the count: a determined guesser can reach any number; the delay caps.
    return Failures(_int(data["count"], 0, 1 << 62), float(last))


@dataclass(slots=True)
class UserSlot:
    salt: bytes
    kdf: KdfParams
    wrapped: Wrapped


@dataclass(slots=True)
class RecoverySlot:
    ephemeral_public: bytes
    wrapped: Wrapped


@dataclass(slots=True)
class Failures:
    count: int = 0
    last: float = 0.0


@dataclass(slots=True)
class KeyRing:
    store_id: bytes
    village_code: str
    users: dict[str, UserSlot] = field(default_factory=dict)
    recovery: RecoverySlot | None = None
    failures: dict[str, Failures] = field(default_factory=dict)

    def user_associated_data(self, user: str) -> bytes:
        return b"village-desk/v1/user/" + self.store_id + b"/" + user.encode("utf-8")

    def recovery_associated_data(self) -> bytes:
        return b"village-desk/v1/recovery/" + self.store_id

    # ---------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "store_id": b64(self.store_id),
            "village_code": self.village_code,
            "users": {
                name: {
                    "salt": b64(slot.salt),
                    "kdf": slot.kdf.as_dict(),
                    "nonce": b64(slot.wrapped.nonce),
                    "wrapped": b64(slot.wrapped.ciphertext),
                }
                for name, slot in self.users.items()
            },
            "recovery": None
            if self.recovery is None
            else {
                "ephemeral": b64(self.recovery.ephemeral_public),
                "nonce": b64(self.recovery.wrapped.nonce),
                "wrapped": b64(self.recovery.wrapped.ciphertext),
            },
            "failures": {n: {"count": f.count, "last": f.last} for n, f in self.failures.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyRing:
        if data.get("format") != FORMAT:
            raise StoreCorrupt("the key ring is of an unknown format")
        # Every value is checked here, once: a tampered or damaged ring is StoreCorrupt at load,
        # never a ValueError, OverflowError or a derivation that never ends at every unlock.
        users = {
            str(name): UserSlot(
                salt=_bytes(s["salt"], *SALT_BYTES),
                kdf=_kdf(s["kdf"]),
                wrapped=_wrapped(s["nonce"], s["wrapped"]),
            )
            for name, s in data["users"].items()
        }
        rec = data.get("recovery")
        recovery = (
            None
            if rec is None
            else RecoverySlot(_bytes(rec["ephemeral"], 32, 32), _wrapped(rec["nonce"], rec["wrapped"]))
        )
        failures = {str(n): _failures(f) for n, f in data.get("failures", {}).items()}
        return cls(_bytes(data["store_id"], 16, 16), str(data["village_code"]), users, recovery, failures)

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls.from_json(data)
        except FileNotFoundError:
            raise
        except StoreCorrupt:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StoreCorrupt("the key ring beside the data file is damaged") from exc

    def save(self, path: Path) -> None:
        text = json.dumps(self.to_json(), indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
