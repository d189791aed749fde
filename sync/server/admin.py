"""County IT's operations: villages, staff users, device revocation (used by the CLI and by tests)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.server.auth import hash_password
from sync.server.errors import Refusal
from sync.server.store import Store
from sync.server.tables import devices, enroll_codes, townships, users, villages
from sync.textsafety import has_hidden

_VILLAGE = re.compile(r"^[0-9]{12}$")  # ASCII: \d also matches full-width digits
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class AdminError(Refusal, ValueError):
    """A bad admin command argument, by message code (:mod:`sync.messages.cli`); safe to print."""


def county_of(village_code: str) -> str:
    return village_code[:6]


def township_of(village_code: str) -> str:
    return village_code[:9]


def add_village(store: Store, village_code: str, name: str) -> None:
    """Register a village by its 12-digit division code. Adding an existing village is an error."""
    if not _VILLAGE.match(village_code):
        raise AdminError("cli.village_code_digits")
    if not name.strip():
        raise AdminError("cli.village_name_missing")
    if has_hidden(name):
        raise AdminError("cli.village_name_chars")
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
        raise AdminError("cli.village_exists") from None


def set_township_name(store: Store, township_code: str, name: str) -> None:
    """Name a township (9-digit code); naming it again replaces the name."""
    if not (len(township_code) == 9 and township_code.isdigit()):
        raise AdminError("cli.township_code_digits")
    if not name.strip() or has_hidden(name):
        raise AdminError("cli.township_name")
    key = {"county_code": township_code[:6], "township_code": township_code}
    with store.write() as conn:
        t = townships.c
        found = conn.execute(
            select(t.name).where(t.county_code == key["county_code"], t.township_code == township_code)
        ).first()
        if found is None:
            conn.execute(insert(townships).values(**key, name=name.strip()))
        else:
            conn.execute(
                update(townships)
                .where(t.county_code == key["county_code"], t.township_code == township_code)
                .values(name=name.strip())
            )


def township_name(store: Store, township_code: str) -> str:
    t = townships.c
    with store.read() as conn:
        name = conn.execute(
            select(t.name).where(t.county_code == township_code[:6], t.township_code == township_code)
        ).scalar()
    return str(name or "")


def village_exists(store: Store, village_code: str) -> bool:
    with store.read() as conn:
        return (
            conn.execute(select(villages.c.seq).where(villages.c.village_code == village_code)).first()
            is not None
        )


def add_user(store: Store, username: str, password: str, scope: str, scope_code: str) -> None:
    """Add a staff user working for a county (6-digit code) or a township (9-digit code)."""
    if not _USERNAME.match(username):
        raise AdminError("cli.username_shape")
    if len(password) < 8:
        raise AdminError("cli.password_short")
    expected = {"county": 6, "township": 9}.get(scope)
    if expected is None:
        raise AdminError("cli.scope_choice")
    if not (scope_code.isascii() and scope_code.isdigit() and len(scope_code) == expected):
        raise AdminError("cli.county_code_digits" if scope == "county" else "cli.township_code_digits")
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
        raise AdminError("cli.user_exists") from None


def revoke_device(store: Store, device_id: str) -> None:
    """Refuse every further request from a device (lost or stolen laptop)."""
    with store.write() as conn:
        result = conn.execute(
            update(devices)
            .where(devices.c.device_id == device_id, devices.c.revoked_at.is_(None))
            .values(revoked_at=store.now())
        )
        if result.rowcount == 0:
            raise AdminError("cli.no_active_device")


def add_villages_from_table(store: Store, path: Path) -> tuple[int, int]:
    """Add the villages of a division-code table (CSV or TSV: code, name; other levels skipped).

    Returns (added, already there). A row with a bad code stops with its line number.
    """
    added = existing = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;") if sample.strip() else csv.excel
        for line, row in enumerate(csv.reader(handle, dialect), start=1):
            if not row or not row[0].strip() or row[0].strip().startswith("#"):
                continue
            code, name = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
            if not (code.isascii() and code.isdigit()):
                if line == 1:
                    continue  # a header row
                raise AdminError("cli.table_code_digits", line=line)
            if len(code) == 12 and code.endswith("000") and code[6:9] != "000" and name:
                set_township_name(store, code[:9], name)  # a township: its name for the staff desk
                continue
            if len(code) != 12 or code.endswith("000"):
                continue  # province, city or county level
            if village_exists(store, code):
                existing += 1
                continue
            if not name:
                raise AdminError("cli.table_village_name", line=line)
            add_village(store, code, name)
            added += 1
    return added, existing


def revoke_codes(store: Store, village_code: str) -> int:
    """Expire every unused enrollment code of a village now. Returns how many."""
    with store.write() as conn:
        result = conn.execute(
            update(enroll_codes)
            .where(
                enroll_codes.c.village_code == village_code,
                enroll_codes.c.used_at.is_(None),
                enroll_codes.c.expires_at > store.now(),
            )
            .values(expires_at=store.now())
        )
    return int(result.rowcount)


def list_devices(store: Store, village_code: str | None = None) -> list[dict[str, object]]:
    query = select(devices).order_by(devices.c.village_code, devices.c.enrolled_at)
    if village_code:
        query = query.where(devices.c.village_code == village_code)
    with store.read() as conn:
        return [
            {
                "device_id": r.device_id,
                "village_code": r.village_code,
                "name": r.name,
                "enrolled_at": r.enrolled_at,
                "revoked": r.revoked_at is not None,
            }
            for r in conn.execute(query)
        ]


def all_villages(store: Store) -> dict[str, str]:
    """Village code -> name, every village on this server."""
    with store.read() as conn:
        rows = conn.execute(
            select(villages.c.village_code, villages.c.name).order_by(villages.c.village_code)
        )
        return {code: name for code, name in rows}
