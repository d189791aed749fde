"""The main window does not load what only syncing or a migration needs (memory on old laptops)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.storage import Store
from tests.desktop.ui.conftest import FAST_KDF, PASSPHRASE, USER, VILLAGE

HEAVY = ("requests", "urllib3", "ssl", "sqlite_utils", "_hashlib")
"""What they would bring: about 12 MB (the HTTP client), 6 MB (sqlite-utils), 3.5 MB (libcrypto)."""

_CHILD = """
import sys
from desktop.ui.official import main_window, sync_wiring
from desktop.ui.official import settings_page, sync_page
from desktop.services.session import Session
from desktop.services.sync_service import SyncService
from desktop.storage import Store

store = Store.unlock(sys.argv[1], sys.argv[2], sys.argv[3])
session = Session(store)
session.ids("person")
SyncService(store).pending_count()
store.close()
print(" ".join(name for name in sys.argv[4:] if name in sys.modules))
"""


def test_an_unlocked_store_and_the_main_window_modules_load_nothing_heavy(tmp_path: Path) -> None:
    path = tmp_path / "village.vdd"
    Store.create(path, USER, PASSPHRASE, VILLAGE, kdf=FAST_KDF).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), USER, PASSPHRASE, *HEAVY],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == []
