"""``village-desk --self-test``: the smoke test of an installed or bundled app. No window, no Qt.

Makes a throwaway encrypted store in a temporary folder, saves a valid sample of every form through
the repositories (which validate with the shared schema), checks that a bad sample of every form is
refused with problems, locks the store, unlocks it again with the passphrase, reads the records
back, and removes the folder. Prints one line per step; returns 0 when everything held.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from desktop.storage import KdfParams, Store, ValidationFailed, WrongPassphrase
from sync.resident_id import make_resident_id
from sync.schema import load_forms

VILLAGE = "110101001001"


def _samples(household_id: str, person_id: str | None) -> dict[str, tuple[dict, dict]]:
    """entity -> (valid sample, invalid sample)."""
    birth = date(1980, 5, 17)
    return {
        "household": (
            {
                "household_no": "T-0001",
                "head_name": "测试",
                "address": "一组1号",
                "category": "ordinary",
                "status": "active",
            },
            {
                "household_no": "bad no!",
                "head_name": "",
                "address": "x",
                "category": "rich",
                "status": "active",
            },
        ),
        "person": (
            {
                "household_id": household_id,
                "name": "测试",
                "resident_id": make_resident_id("110101", birth, 11),
                "relation": "head",
                "sex": "male",
                "birth_date": birth.isoformat(),
                "ethnicity": "01",
                "status": "present",
            },
            {
                "household_id": household_id,
                "name": "测试二",
                "resident_id": make_resident_id("110101", birth, 11)[:-1] + "0",
                "relation": "spouse",
                "sex": "female",
                "birth_date": birth.isoformat(),
                "ethnicity": "01",
                "status": "present",
            },
        ),
        "income": (
            {"household_id": household_id, "year": 2024, "source": "wages", "amount_fen": 1_234_500},
            {"household_id": household_id, "year": 1800, "source": "wages", "amount_fen": -1},
        ),
        "service": (
            {
                "household_id": household_id,
                "person_id": person_id,
                "type": "health_check",
                "date": "2024-03-01",
            },
            {"type": "health_check", "date": "2999-01-01"},
        ),
    }


def run(say: Callable[[str], None] = print) -> int:
    forms = load_forms()
    say(f"forms: {', '.join(forms.entities)}")
    with tempfile.TemporaryDirectory(prefix="village-desk-selftest-") as tmp:
        path = Path(tmp) / "selftest.vdd"
        store = Store.create(
            path, "selftest", "self-test passphrase", VILLAGE, kdf=KdfParams.fast_for_tests()
        )
        say("encrypted store: created")
        ids: dict[str, str] = {}
        household_id = ""
        person_id: str | None = None
        for entity in forms.entities:
            good, bad = _samples(household_id, person_id)[entity]
            ids[entity] = store.repository(entity).create(good)
            if entity == "household":
                household_id = ids[entity]
            if entity == "person":
                person_id = ids[entity]
            try:
                store.repository(entity).create(bad)
            except ValidationFailed as exc:
                say(f"form {entity}: valid sample saved, bad sample refused ({len(exc.problems)} problems)")
            else:
                say(f"form {entity}: a bad sample was accepted")
                store.close()
                return 1
        pending = store.pending_count()
        # A second user takes the wrong try, so its growing delay does not hold up the unlock below.
        store.add_user("check", "another passphrase", kdf=KdfParams.fast_for_tests())
        store.close()
        try:
            Store.unlock(path, "check", "not the passphrase").close()
        except WrongPassphrase:
            say("wrong passphrase: refused")
        else:
            say("wrong passphrase: accepted")
            return 1
        store = Store.unlock(path, "selftest", "self-test passphrase")
        try:
            for entity, record_id in ids.items():
                if store.repository(entity).get(record_id) is None:
                    say(f"read back {entity}: missing")
                    return 1
            say(f"unlock and read back: ok ({pending} changes waiting to sync)")
        finally:
            store.close()
    say("self-test passed")
    return 0
