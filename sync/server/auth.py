"""Who is asking: signed device requests (Ed25519, time, nonce) and staff passwords and tokens.

Devices sign every request (``sync.signing``). The server checks, in order: the headers are there,
the device is known and not revoked, the time is fresh, the signature holds, the nonce is new. The
village scope comes from the device record only.

Staff passwords are kept as Argon2id PHC strings; sign-in gives a short-lived random token that the
server keeps only as its SHA-256 (a random 256-bit token needs no slow hash).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from sync.server.errors import ApiError
from sync.server.store import Store
from sync.server.tables import devices, nonces, staff_tokens, users, villages
from sync.signing import (
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIME,
    MAX_SKEW_SECONDS,
    load_public_key_b64,
    verify,
)

NONCE_PRUNE_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Device:
    device_id: str
    county_code: str
    village_code: str
    name: str


@dataclass(frozen=True, slots=True)
class StaffUser:
    username: str
    county_code: str
    scope: str
    """``county`` or ``township``."""
    scope_code: str


class DeviceAuth:
    """Checks signed requests against the devices table; remembers nonces for the skew window."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._last_prune = 0.0

    def authenticate(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Device:
        device_id = headers.get(HEADER_DEVICE)
        stamp, nonce, signature = (headers.get(h) for h in (HEADER_TIME, HEADER_NONCE, HEADER_SIGNATURE))
        if not device_id or not stamp or not nonce or not signature:
            raise ApiError("unsigned")
        if len(device_id) > 64 or len(nonce) > 64 or len(signature) > 200:
            raise ApiError("bad_signature")
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
        if not verify(key, method, path, timestamp, nonce, body, signature):
            raise ApiError("bad_signature")
        self._use_nonce(row.county_code, row.village_code, device_id, nonce, now)
        return Device(device_id, row.county_code, row.village_code, row.name)

    def _use_nonce(self, county: str, village: str, device_id: str, nonce: str, now: int) -> None:
        try:
            with self.store.write() as conn:
                conn.execute(
                    insert(nonces).values(
                        county_code=county,
                        village_code=village,
                        device_id=device_id,
                        nonce=nonce,
                        seen_at=now,
                    )
                )
                if now - self._last_prune > NONCE_PRUNE_SECONDS:
                    # A nonce older than twice the skew window can only come with a stale time.
                    conn.execute(delete(nonces).where(nonces.c.seen_at < now - 2 * MAX_SKEW_SECONDS))
                    self._last_prune = now
        except IntegrityError:
            raise ApiError("replayed_nonce") from None


# --------------------------------------------------------------------------------------------------
# Staff passwords and tokens

PASSWORD_ITERATIONS, PASSWORD_LANES, PASSWORD_MEMORY_KIB = 3, 4, 64 * 1024
"""Argon2id cost: 64 MiB, 3 passes, 4 lanes (about 0.15 s on a server core)."""
TOKEN_TTL_SECONDS = 4 * 3600


def hash_password(password: str) -> str:
    """An Argon2id PHC string (``$argon2id$v=19$m=...``) with a fresh random salt."""
    kdf = Argon2id(
        salt=os.urandom(16),
        length=32,
        iterations=PASSWORD_ITERATIONS,
        lanes=PASSWORD_LANES,
        memory_cost=PASSWORD_MEMORY_KIB,
    )
    return kdf.derive_phc_encoded(password.encode("utf-8"))


def check_password(password: str, encoded: str) -> bool:
    try:
        Argon2id.verify_phc_encoded(password.encode("utf-8"), encoded)
    except (InvalidKey, ValueError):
        return False
    return True


_DUMMY_HASH: list[str] = []


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class LoginThrottle:
    """After ``limit`` failed sign-ins of one user name within ``window`` seconds, refuse that name
    until the window has passed (in this process; the Argon2id cost slows guessing further)."""

    def __init__(self, limit: int = 5, window: int = 15 * 60) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def check(self, username: str, now: int) -> None:
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window]
            self._failures[username] = recent
            if len(recent) >= self.limit:
                raise ApiError("too_many_attempts")

    def failed(self, username: str, now: int) -> None:
        with self._lock:
            self._failures.setdefault(username, []).append(now)
            if len(self._failures) > 10_000:  # bound memory against sprays of made-up names
                self._failures = {k: v for k, v in self._failures.items() if now - v[-1] < self.window}

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


def sign_in(
    store: Store,
    username: str,
    password: str,
    ttl: int = TOKEN_TTL_SECONDS,
    throttle: LoginThrottle | None = None,
) -> tuple[str, int, StaffUser]:
    """Check a password and issue a token. Raises ApiError("bad_login") without saying which was wrong."""
    if throttle is not None:
        throttle.check(username, store.now())
        try:
            result = sign_in(store, username, password, ttl)
        except ApiError:
            throttle.failed(username, store.now())
            raise
        throttle.succeeded(username)
        return result
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None or row.disabled:
        # Spend the same time as a real check, so user names cannot be probed by timing.
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_hex(8)))
        check_password(password, _DUMMY_HASH[0])
        raise ApiError("bad_login")
    if not check_password(password, row.password_hash):
        raise ApiError("bad_login")
    token = secrets.token_urlsafe(32)
    now = store.now()
    expires = now + ttl
    with store.write() as conn:
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
