"""Device enrollment: one-time, expiring codes bound to one village, kept only as hashes."""

from __future__ import annotations

import base64
import hashlib
import secrets

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.ids import uuid7
from sync.server.admin import AdminError, county_of
from sync.server.auth import Device
from sync.server.errors import ApiError
from sync.server.store import Store
from sync.server.tables import devices, enroll_codes, villages
from sync.signing import load_public_key_b64
from sync.textsafety import clean_label

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: codes are read aloud over the phone and typed by hand."""
CODE_LENGTH = 12
DEFAULT_CODE_HOURS = 72
NAME_LENGTH = 100
"""A laptop's name is shown to county IT (``list-devices``): one line, hidden characters removed."""


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode("ascii", "replace")).hexdigest()


def issue_code(store: Store, village_code: str, hours: float = DEFAULT_CODE_HOURS) -> str:
    """A new enrollment code for a village, shown once (``ABCD-EFGH-JKLM``)."""
    if hours <= 0:
        raise AdminError("cli.code_hours")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = store.now()
    with store.write() as conn:
        exists = conn.execute(
            select(villages.c.seq).where(
                villages.c.county_code == county_of(village_code), villages.c.village_code == village_code
            )
        ).first()
        if exists is None:
            raise AdminError("cli.enroll_no_village")
        conn.execute(
            insert(enroll_codes).values(
                county_code=county_of(village_code),
                village_code=village_code,
                code_hash=_code_hash(raw),
                created_at=now,
                expires_at=now + int(hours * 3600),
            )
        )
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def redeem_code(
    store: Store, code: str, public_key_b64: str, name: str, village_code: str | None = None
) -> Device:
    """Enroll a device with a code. The code is spent in the same transaction that adds the device.

    ``village_code`` is optional: when the laptop was provisioned for a village, a code for another
    village is refused.
    """
    try:
        # Stored in one canonical spelling: base64 lets the same 32 bytes be written several
        # ways (the unused low bits of the last character), and the key must be unique as bytes.
        public_key_b64 = base64.b64encode(load_public_key_b64(public_key_b64).public_bytes_raw()).decode()
    except ValueError:
        raise ApiError("malformed", "api.device_key_invalid") from None
    name = clean_label(name, NAME_LENGTH)
    now = store.now()
    device_id = uuid7()
    digest = _code_hash(code)
    try:
        with store.write() as conn:
            return _redeem(conn, digest, public_key_b64, name, village_code, device_id, now)
    except IntegrityError:  # the same key enrolled at the same moment by another request
        raise ApiError("key_in_use") from None


def _redeem(
    conn: Connection,
    digest: str,
    public_key_b64: str,
    name: str,
    village_code: str | None,
    device_id: str,
    now: int,
) -> Device:
    row = conn.execute(select(enroll_codes).where(enroll_codes.c.code_hash == digest)).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ApiError("bad_code")
    if village_code is not None and village_code != row.village_code:
        raise ApiError("bad_code")
    # One key, one device, ever (revoked ones included): a request signed with the key then
    # names exactly one device. The code is not spent (the transaction rolls back).
    taken = conn.execute(select(devices.c.device_id).where(devices.c.public_key == public_key_b64)).first()
    if taken is not None:
        raise ApiError("key_in_use")
    spent = conn.execute(
        update(enroll_codes)
        .where(
            enroll_codes.c.county_code == row.county_code,
            enroll_codes.c.village_code == row.village_code,
            enroll_codes.c.code_hash == digest,
            enroll_codes.c.used_at.is_(None),
        )
        .values(used_at=now, device_id=device_id)
    )
    if spent.rowcount != 1:  # pragma: no cover - another request spent it between the two statements
        raise ApiError("bad_code")
    conn.execute(
        insert(devices).values(
            county_code=row.county_code,
            village_code=row.village_code,
            device_id=device_id,
            name=name,
            public_key=public_key_b64,
            enrolled_at=now,
        )
    )
    return Device(device_id, row.county_code, row.village_code, name)
