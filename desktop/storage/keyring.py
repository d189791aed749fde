"""The key ring beside the encrypted file: wrapped copies of the database key, nothing in clear.

It sits next to the database (``<file>.keys``) because it must be readable before the database
is opened. It holds, per local user, the Argon2id salt and cost and the AES-GCM-wrapped database
key; the copy sealed to the county recovery key; and the count of wrong passphrases, which sets
the delay before the next try. It is written atomically (temp file in the same folder, fsync,
rename), so a crash leaves the old or the new ring, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.storage.errors import StoreCorrupt
from desktop.storage.keys import KdfParams, Wrapped, b64, unb64

FORMAT = 1
MAX_DELAY_SECONDS = 300.0


def keyring_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong passphrases in a row: 0, 1, 2, 4, 8 … 300."""
    if failures <= 0:
        return 0.0
    return min(2.0 ** (failures - 1), MAX_DELAY_SECONDS)


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
        users = {
            name: UserSlot(
                salt=unb64(s["salt"]),
                kdf=KdfParams(**s["kdf"]),
                wrapped=Wrapped(unb64(s["nonce"]), unb64(s["wrapped"])),
            )
            for name, s in data["users"].items()
        }
        rec = data.get("recovery")
        recovery = (
            None
            if rec is None
            else RecoverySlot(unb64(rec["ephemeral"]), Wrapped(unb64(rec["nonce"]), unb64(rec["wrapped"])))
        )
        failures = {
            n: Failures(int(f["count"]), float(f["last"])) for n, f in data.get("failures", {}).items()
        }
        return cls(unb64(data["store_id"]), str(data["village_code"]), users, recovery, failures)

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
