"""County IT's operations: villages, staff users, device revocation (used by the CLI and by tests)."""

from __future__ import annotations

import re

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.server.auth import hash_password
from sync.server.store import Store
from sync.server.tables import devices, users, villages

_VILLAGE = re.compile(r"^\d{12}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class AdminError(ValueError):
    """A bad admin command argument; the message is safe to print."""


def county_of(village_code: str) -> str:
    return village_code[:6]


def township_of(village_code: str) -> str:
    return village_code[:9]


def add_village(store: Store, village_code: str, name: str) -> None:
    """Register a village by its 12-digit division code. Adding an existing village is an error."""
    if not _VILLAGE.match(village_code):
        raise AdminError("a village code is 12 digits")
    if not name.strip():
        raise AdminError("a village needs a name")
    try:
        with store.write() as conn:
            conn.execute(
                insert(villages).values(
                    county_code=county_of(village_code),
                    village_code=village_code,
                    township_code=township_of(village_code),
                    name=name.strip(),
                    seq=0,
                    created_at=store.now(),
                )
            )
    except IntegrityError:
        raise AdminError("that village already exists") from None


def village_exists(store: Store, village_code: str) -> bool:
    with store.read() as conn:
        return (
            conn.execute(select(villages.c.seq).where(villages.c.village_code == village_code)).first()
            is not None
        )


def add_user(store: Store, username: str, password: str, scope: str, scope_code: str) -> None:
    """Add a staff user working for a county (6-digit code) or a township (9-digit code)."""
    if not _USERNAME.match(username):
        raise AdminError("user names are 1-64 letters, digits or _ . @ -")
    if len(password) < 8:
        raise AdminError("a password needs at least 8 characters")
    expected = {"county": 6, "township": 9}.get(scope)
    if expected is None:
        raise AdminError("scope is county or township")
    if not (scope_code.isdigit() and len(scope_code) == expected):
        raise AdminError(f"a {scope} code is {expected} digits")
    try:
        with store.write() as conn:
            conn.execute(
                insert(users).values(
                    county_code=scope_code[:6],
                    username=username,
                    password_hash=hash_password(password),
                    scope=scope,
                    scope_code=scope_code,
                    created_at=store.now(),
                    disabled=False,
                )
            )
    except IntegrityError:
        raise AdminError("that user already exists") from None


def revoke_device(store: Store, device_id: str) -> None:
    """Refuse every further request from a device (lost or stolen laptop)."""
    with store.write() as conn:
        result = conn.execute(
            update(devices)
            .where(devices.c.device_id == device_id, devices.c.revoked_at.is_(None))
            .values(revoked_at=store.now())
        )
        if result.rowcount == 0:
            raise AdminError("no such active device")
