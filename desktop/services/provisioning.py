"""Where an installer's provisioning file is found on first run, and importing one later. No Qt.

County IT places ``provisioning.json`` (see ``sync.provisioning`` for the format and its signature)
where only an administrator can write; first run looks, in order:

1. the environment variable ``VILLAGE_DESK_PROVISIONING`` (a path to the file);
2. the install folder: the folder of the program when it is a frozen bundle
   (``C:\\Program Files\\VillageDataDesk\\provisioning.json``, ``/opt/village-desk/provisioning.json``);
3. the per-machine configuration folder: Windows ``%PROGRAMDATA%\\VillageDataDesk\\provisioning.json``,
   Linux ``/etc/village-desk/provisioning.json``, macOS
   ``/Library/Application Support/VillageDataDesk/provisioning.json``.

The first file that exists is used; a bad one is reported (the wizard then asks for the server as
without a file) and never skipped silently in favour of the next.

Trust: the first file is trusted by where it lies (an administrator put it there). If it is signed,
the signature must verify and its county signing key is pinned in the store; every later import
(settings page) must then be signed by that same key, so a stray file cannot point the laptop at
another server. A laptop whose first file was unsigned pins the key of the first signed file it
imports.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.services.setup import STATE_CA_BUNDLE, STATE_RECOVERY_KEY, STATE_SIGNING_KEY
from desktop.storage import sync_state
from sync.errors import SyncError
from sync.provisioning import Provisioning, ProvisioningError, check_server_url, load_provisioning

if TYPE_CHECKING:
    from desktop.storage import Store

FILE_NAME = "provisioning.json"
ENV_VAR = "VILLAGE_DESK_PROVISIONING"
FOLDER_WINDOWS = "VillageDataDesk"
FOLDER_POSIX = "village-desk"
FOLDER_MACOS = "VillageDataDesk"


def search_paths(
    *,
    environ: Mapping[str, str] | None = None,
    frozen: bool | None = None,
    executable: str | None = None,
    platform: str | None = None,
    root: Path | None = None,
) -> list[Path]:
    """Where first run looks for the provisioning file, in order.

    Every argument defaults to this process (``os.environ``, ``sys.frozen``, ``sys.executable``,
    ``sys.platform``). ``root`` prefixes the per-machine folder (tests pass a temporary folder; on
    Windows it stands for the ``%PROGRAMDATA%`` folder when that variable is unset).
    """
    environ = os.environ if environ is None else environ
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    executable = sys.executable if executable is None else executable
    platform = sys.platform if platform is None else platform
    paths: list[Path] = []
    override = environ.get(ENV_VAR)
    if override:
        paths.append(Path(override))
    if frozen and executable:
        paths.append(Path(executable).resolve().parent / FILE_NAME)
    if platform.startswith("win"):
        program_data = environ.get("PROGRAMDATA")
        base = Path(program_data) if program_data and root is None else (root or Path("C:/ProgramData"))
        paths.append(base / FOLDER_WINDOWS / FILE_NAME)
    else:
        base = root or Path("/")
        if platform == "darwin":
            paths.append(base / "Library" / "Application Support" / FOLDER_MACOS / FILE_NAME)
        else:
            paths.append(base / "etc" / FOLDER_POSIX / FILE_NAME)
    return paths


@dataclass(frozen=True)
class Preseeded:
    """What first run found: the file, and either its contents or why it cannot be used."""

    path: Path
    provisioning: Provisioning | None = None
    error: ProvisioningError | None = None


def find_preseeded(paths: list[Path] | None = None) -> Preseeded | None:
    """The first provisioning file that exists on the search list, read and checked; None if none."""
    for path in search_paths() if paths is None else paths:
        if path.is_file():
            try:
                return Preseeded(path, provisioning=load_provisioning(path))
            except ProvisioningError as exc:
                return Preseeded(path, error=exc)
    return None


def pinned_signing_key(store: Store) -> str | None:
    value = store.state_get(STATE_SIGNING_KEY)
    return str(value) if value else None


def check_trust(provisioning: Provisioning, pinned: str | None) -> None:
    """Refuse a file that the pinned county signing key did not sign.

    Raises:
        ProvisioningError: ``unsigned`` (a key is pinned, the file has no signature) or ``signer``
            (signed by another key).
    """
    if pinned is None:
        return
    if provisioning.signing_key is None:
        raise ProvisioningError("unsigned")
    if provisioning.signing_key != pinned:
        raise ProvisioningError("signer")


@dataclass(frozen=True)
class ImportResult:
    server_changed: bool
    """The server address changed: the enrollment was forgotten, a new enrollment code is needed."""
    recovery_changed: bool
    signing_key_pinned: bool


def import_provisioning(store: Store, path: str | Path, *, repin: bool = False) -> ImportResult:
    """Read, check and apply a provisioning file to an open store (the settings page's import).

    Everything is checked before anything changes: format, signature, trust (the pinned key), and
    the village (a file for another village is refused; a laptop never changes village). Then the
    server address and CA, the county recovery key (the database key is sealed to it again) and
    the pinned signing key are written.

    ``repin`` (county IT with the recovery key, ``village-desk --recover … --provisioning FILE``): the
    file is taken whoever signed it, and its key (or none) becomes the pinned one: the way to move
    laptops to a new county signing key.

    Raises:
        ProvisioningError: with its reason; the store is unchanged.
    """
    from desktop.services.sync_service import SyncService

    provisioning = load_provisioning(path)
    if not repin:
        check_trust(provisioning, pinned_signing_key(store))
    if provisioning.village_code and provisioning.village_code != store.village_code:
        raise ProvisioningError("other_village")
    service = SyncService(store)
    old_url = service.server_url
    recovery_changed = bool(
        provisioning.recovery_public_key
        and provisioning.recovery_public_key.strip() != str(store.state_get(STATE_RECOVERY_KEY) or "").strip()
    )
    pinned = pinned_signing_key(store)
    newly_pinned = provisioning.signing_key is not None and provisioning.signing_key != pinned
    if recovery_changed:
        # Key ring first: if the transaction below then fails, the next import seals again.
        assert provisioning.recovery_public_key is not None
        store.set_recovery_key(provisioning.recovery_public_key.encode("ascii"))
    server_changed = (old_url or "").rstrip("/") != (provisioning.server_url or "").rstrip("/")
    with store.atomic() as conn:
        if provisioning.server_url:
            service.configure(provisioning.server_url, provisioning.ca_bundle)
        if server_changed and provisioning.ca_bundle is None:  # the old server's CA is not this one's
            sync_state.delete(conn, STATE_CA_BUNDLE)
        if newly_pinned:
            store.state_set(STATE_SIGNING_KEY, provisioning.signing_key)
        elif repin and provisioning.signing_key is None and pinned is not None:
            sync_state.delete(conn, STATE_SIGNING_KEY)
        if recovery_changed:
            assert provisioning.recovery_public_key is not None
            store.state_set(STATE_RECOVERY_KEY, provisioning.recovery_public_key)
    store.audit("provisioning", "provisioning file imported" + (" with the recovery key" if repin else ""))
    return ImportResult(server_changed, recovery_changed, newly_pinned)


class ServerPinned(SyncError):
    """The address was set by a signed provisioning file; typing another one is refused."""

    code = "server_pinned"
    message_code = "provision.server_pinned"


def set_server_by_hand(store: Store, server_url: str) -> None:
    """The sync page's typed address: allowed unless a county signing key is pinned.

    Raises:
        ServerPinned: a signed provisioning file set the server (nothing is changed).
        SyncError: ``server_url``, the address cannot be a county server (nothing is changed).
    """
    from desktop.services.sync_service import SyncService

    service = SyncService(store)
    try:
        url = check_server_url(server_url)
    except ProvisioningError as exc:
        raise SyncError(exc.message("en"), exc.message("zh"), code="server_url") from exc
    if pinned_signing_key(store) is not None and url != (service.server_url or "").rstrip("/"):
        raise ServerPinned()
    service.configure(url, None)
