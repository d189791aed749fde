"""Who is asking: signed device requests (Ed25519, time, nonce) and staff passwords and tokens.

Devices sign every request (``sync.signing``). The server checks, in order: the headers are there,
the device is known and not revoked, the time is fresh, the signature holds, the nonce is new. The
village scope comes from the device record only.

Staff passwords are kept as Argon2id PHC strings; sign-in gives a short-lived random token that the
server keeps only as its SHA-256 (a random 256-bit token needs no slow hash).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from sync import kdf
from sync.protocol import PROTOCOL_VERSION, SUPPORTED_VERSIONS
from sync.server.errors import ApiError, protocol_version_error
from sync.server.login_limits import LoginLimiter
from sync.server.nonces import Nonces
from sync.server.store import Store
from sync.server.tables import devices, staff_tokens, users, villages
from sync.signing import (
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_PROTOCOL,
    HEADER_SIGNATURE,
    HEADER_TIME,
    MAX_SKEW_SECONDS,
    load_public_key_b64,
    verify,
)


@dataclass(frozen=True, slots=True)
class Device:
    device_id: str
    county_code: str
    village_code: str
    name: str
    protocol: int = PROTOCOL_VERSION
    """The protocol version of the request that authenticated it; answers are in this version."""


@dataclass(frozen=True, slots=True)
class StaffUser:
    username: str
    county_code: str
    scope: str
    """``county`` or ``township``."""
    scope_code: str


def request_version(headers: Mapping[str, str]) -> int:
    """The protocol version a request speaks (``X-Protocol-Version``; absent: 1, a laptop from
    before the header). ApiError("protocol_version") in plain words for one this server does not
    speak."""
    text = headers.get(HEADER_PROTOCOL)
    if text is None:
        return 1
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    version = int(text) if text.isascii() and text.isdigit() and len(text) < 6 else None
    if version not in SUPPORTED_VERSIONS:
        raise protocol_version_error(version)
    assert version is not None
    return version


class DeviceAuth:
    """Checks signed requests against the devices table; remembers nonces for the skew window."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.nonces = Nonces(store)

    def authenticate(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Device:
        device_id = headers.get(HEADER_DEVICE)
        stamp, nonce, signature = (headers.get(h) for h in (HEADER_TIME, HEADER_NONCE, HEADER_SIGNATURE))
        if not device_id or not stamp or not nonce or not signature:
            raise ApiError("unsigned")
        if len(device_id) > 64 or len(nonce) > 64 or len(signature) > 200:
            raise ApiError("bad_signature")
        version = request_version(headers)
        try:
            timestamp = int(stamp)
        except ValueError:
            raise ApiError("bad_signature") from None
        with self.store.read() as conn:
            row = conn.execute(select(devices).where(devices.c.device_id == device_id)).first()
        if row is None:
            raise ApiError("unknown_device")
        if row.revoked_at is not None:
            raise ApiError("device_revoked")
        now = self.store.now()
        if abs(now - timestamp) > MAX_SKEW_SECONDS:
            # The answer carries the server's time: a laptop whose clock is off signs again with
            # it (nonces still stop replays), so a wrong clock is reported, not a blocked sync.
            raise ApiError("stale_request", extra={"server_time": now})
        try:
            key = load_public_key_b64(row.public_key)
        except ValueError:  # pragma: no cover - keys are checked at enrollment
            raise ApiError("bad_signature") from None
        if not verify(
            key, method, path, timestamp, nonce, body, signature, device_id=device_id, version=version
        ):
            raise ApiError("bad_signature")
        self._use_nonce(row.county_code, row.village_code, device_id, nonce, now)
        return Device(device_id, row.county_code, row.village_code, row.name, version)

    def _use_nonce(self, county: str, village: str, device_id: str, nonce: str, now: int) -> None:
        self.nonces.use(county, village, device_id, nonce, now)


# --------------------------------------------------------------------------------------------------
# Staff passwords and tokens

PASSWORD_ITERATIONS, PASSWORD_MEMORY_KIB = 3, 64 * 1024
"""Argon2id cost: 64 MiB, 3 passes, one lane (about 0.2 s on a server core). One lane because
multi-lane Argon2id can hang when two threads derive at once (``sync.kdf``); hashes made with
4 lanes before still verify, one at a time, and are rewritten with one lane at the next sign-in."""
TOKEN_TTL_SECONDS = 4 * 3600


def hash_password(password: str) -> str:
    """An Argon2id PHC string (``$argon2id$v=19$m=...,p=1$...``) with a fresh random salt."""
    return kdf.hash_phc(
        password.encode("utf-8"), iterations=PASSWORD_ITERATIONS, memory_kib=PASSWORD_MEMORY_KIB
    )


def check_password(password: str, encoded: str) -> bool:
    return kdf.verify_phc(password.encode("utf-8"), encoded)


def needs_rehash(encoded: str) -> bool:
    """True for a hash made with other parameters than ``hash_password`` uses now."""
    wanted = f"$m={PASSWORD_MEMORY_KIB},t={PASSWORD_ITERATIONS},p={kdf.LANES}$"
    return wanted not in encoded


_DUMMY_HASH: list[str] = []


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(
    store: Store,
    username: str,
    password: str,
    ttl: int = TOKEN_TTL_SECONDS,
    limiter: LoginLimiter | None = None,
    address: str = "",
) -> tuple[str, int, StaffUser]:
    """Check a password and issue a token. Raises ApiError("bad_login") without saying which was
    wrong, or ApiError("too_many_attempts") when ``limiter`` refuses (``sync.server.login_limits``).
    """
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    county = row.county_code if row is not None else ""
    if limiter is not None:
        limiter.admit(county, address, username)  # counted as failed until it succeeds
    if row is None or row.disabled:
        # Spend the same time as a real check, so user names cannot be probed by timing.
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_hex(8)))
        check_password(password, _DUMMY_HASH[0])
        raise ApiError("bad_login")
    if not check_password(password, row.password_hash):
        raise ApiError("bad_login")
    if limiter is not None:
        limiter.succeeded(county, address, username)
    fresh_hash = hash_password(password) if needs_rehash(row.password_hash) else None
    token = secrets.token_urlsafe(32)
    now = store.now()
    expires = now + ttl
    with store.write() as conn:
        if fresh_hash is not None:  # a multi-lane hash from before: rewrite it with one lane
            conn.execute(
                update(users)
                .where(
                    users.c.county_code == row.county_code,
                    users.c.username == row.username,
                    users.c.password_hash == row.password_hash,
                )
                .values(password_hash=fresh_hash)
            )
        conn.execute(delete(staff_tokens).where(staff_tokens.c.expires_at < now))
        conn.execute(
            insert(staff_tokens).values(
                county_code=row.county_code,
                token_hash=_token_hash(token),
                username=row.username,
                created_at=now,
                expires_at=expires,
            )
        )
    return token, expires, StaffUser(row.username, row.county_code, row.scope, row.scope_code)


def staff_from_token(store: Store, token: str) -> StaffUser:
    """The signed-in user for a bearer token; ApiError("unauthorized") when unknown or expired."""
    with store.read() as conn:
        row = conn.execute(
            select(users, staff_tokens.c.expires_at)
            .join(
                staff_tokens,
                (staff_tokens.c.county_code == users.c.county_code)
                & (staff_tokens.c.username == users.c.username),
            )
            .where(staff_tokens.c.token_hash == _token_hash(token))
        ).first()
    if row is None or row.disabled or row.expires_at <= store.now():
        raise ApiError("unauthorized")
    return StaffUser(row.username, row.county_code, row.scope, row.scope_code)


def sign_out(store: Store, token: str) -> None:
    with store.write() as conn:
        conn.execute(delete(staff_tokens).where(staff_tokens.c.token_hash == _token_hash(token)))


def staff_villages(store: Store, user: StaffUser) -> dict[str, str]:
    """Village code -> name for the villages a staff user works for: a whole county, or one township."""
    query = select(villages.c.village_code, villages.c.name).where(villages.c.county_code == user.county_code)
    if user.scope != "county":
        query = query.where(villages.c.township_code == user.scope_code)
    with store.read() as conn:
        return {code: name for code, name in conn.execute(query.order_by(villages.c.village_code))}
