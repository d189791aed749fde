"""County IT's recovery of a laptop whose passphrase was lost (``village-desk --recover``). No Qt.

County IT brings the county's private recovery key (kept offline, encrypted under its own
passphrase) to the laptop, opens the store with it and sets a new passphrase for a local user.
The data is not re-encrypted; the recovery is written to the store's audit log.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path

from desktop.storage import KdfParams, RecoveryFailed, Store, StoreCorrupt, WeakPassphrase


def _secret(prompt: str, env: str | None, ask: Callable[[str], str], *, confirm: bool) -> str:
    if env:
        value = os.environ.get(env, "")
        if not value:
            raise RecoveryFailed(f"environment variable {env} is empty")
        return value
    value = ask(prompt)
    if confirm and ask("Again: ") != value:
        raise RecoveryFailed("the two passphrases differ")
    return value


def recover(
    store_path: Path,
    key_file: Path,
    user: str,
    *,
    key_passphrase_env: str | None = None,
    passphrase_env: str | None = None,
    ask: Callable[[str], str] = getpass.getpass,
    kdf: KdfParams | None = None,
    provisioning: Path | None = None,
) -> str:
    """Reset ``user``'s passphrase with the county key. Returns a line to print; raises RecoveryFailed.

    With ``provisioning``, that file is imported too and its signing key pinned in place of the old
    one (the recovery key vouches for it): how laptops move to a new county signing key. The file is
    checked before anything changes.
    """
    from desktop.services.provisioning import import_provisioning
    from sync.provisioning import ProvisioningError, load_provisioning

    if not Store.exists(store_path):
        raise RecoveryFailed(f"no village data at {store_path}")
    if provisioning is not None:
        try:
            load_provisioning(provisioning)
        except ProvisioningError as exc:
            raise RecoveryFailed(exc.message("en")) from exc
    try:
        private_pem = key_file.read_bytes()
    except OSError as exc:
        raise RecoveryFailed(f"cannot read the county key file {key_file}") from exc
    key_pass = _secret("County key passphrase: ", key_passphrase_env, ask, confirm=False)
    new_pass = _secret(f"New passphrase for {user}: ", passphrase_env, ask, confirm=True)
    try:
        store = Store.recover(
            store_path, private_pem, user, new_pass, key_passphrase=key_pass.encode("utf-8"), kdf=kdf
        )
    except (WeakPassphrase, StoreCorrupt) as exc:
        raise RecoveryFailed(str(exc)) from exc
    try:
        if provisioning is not None:
            try:
                import_provisioning(store, provisioning, repin=True)
            except ProvisioningError as exc:  # e.g. a file for another village
                raise RecoveryFailed(f"{exc.message('en')} The passphrase was reset.") from exc
    finally:
        store.close()
    line = f"recovered: {user} can now unlock with the new passphrase"
    return line + (f"; provisioning file {provisioning} imported and its key pinned" if provisioning else "")
