"""The store a laptop of release 0.1.0 has on disk, kept as files under ``fixtures/release-0.1.0``.

Made once with the 0.1.0 code (migrations 0001-0003) by
``python -m tests.desktop.storage.release_fixture tests/desktop/storage/fixtures/release-0.1.0`` and
committed; never regenerate it with newer code: it stands for the files laptops in the field have, so
every later release's migrations are tested against it (test_upgrade.py). The passphrase and the
county recovery key below are test values only.
"""

from __future__ import annotations

import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "fixtures" / "release-0.1.0"
STORE = "village.vdd"
USER = "wang"
PASSPHRASE = "release fixture 2026"
VILLAGE = "530102001001"
MIGRATIONS_0_1_0 = ["0001_initial", "0002_audit_log", "0003_rejections"]
HOUSEHOLD = {
    "household_no": "R-001",
    "head_name": "李四",
    "address": "三组5号",
    "category": "low_income",
    "status": "active",
}
SERVER_URL = "https://county.example.cn"
DEVICE_ID = "0190a1b2-c3d4-7e5f-8a9b-000000000001"
CURSOR = "17"


def make(folder: Path) -> None:
    from desktop.services.demo import populate
    from desktop.storage import KdfParams, Store
    from sync.recovery import generate_recovery_keypair

    folder.mkdir(parents=True, exist_ok=True)
    private_pem, public_pem = generate_recovery_keypair()
    (folder / "county-recovery.pem").write_bytes(private_pem)  # test key, unencrypted
    store = Store.create(
        folder / STORE,
        USER,
        PASSPHRASE,
        VILLAGE,
        recovery_public_key=public_pem,
        kdf=KdfParams.fast_for_tests(),
    )
    try:
        store.household.create(HOUSEHOLD)
        populate(store, 20, seed=3)
        store.state_set("server_url", SERVER_URL)
        store.state_set("device_id", DEVICE_ID)
        store.state_set("cursor", CURSOR)
        store.audit("created", "release fixture")
    finally:
        store.close()


if __name__ == "__main__":
    make(Path(sys.argv[1]))
