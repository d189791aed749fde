"""``village-desk``: the village app.

village-desk               first-run wizard, or the unlock screen
village-desk --staff       township/county staff: sign in to the county server (no village data file)
village-desk --demo        a demo village and a local demo county server; opens straight in
                           (needs the [server] extra; says what to install when it is missing)
village-desk --self-test   smoke test of the install: encrypted store + form validators, no window
village-desk --recover COUNTY_KEY.pem --user NAME [--provisioning FILE]
                           county IT: set a new passphrase with the county recovery key (and import a
                           provisioning file signed by a new county key, which becomes the pinned one)
village-desk --restore-backup FILE
                           put the village data back from a backup file (Settings > Backup); the
                           files it replaces are kept beside them; the program must be closed
--home DIR                 keep data and settings under DIR (also: VILLAGE_DESK_HOME)
--lang zh_CN|en            interface language for this start (saved as the setting)
--exit-when-ready [FILE]   show the first screen, write the time it was up (seconds since the epoch)
                           to FILE or stdout, and exit: start-up measurement and a windowed smoke test
--screenshot PNG           with --exit-when-ready: also save a picture of the screen as shown
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="village-desk", description="Village Data Desk")
    parser.add_argument("--self-test", action="store_true", help="check the install and exit (no window)")
    parser.add_argument(
        "--staff", action="store_true", help="township/county staff: sign in to the county server"
    )
    parser.add_argument("--demo", action="store_true", help="start with a demo village and demo server")
    parser.add_argument("--home", help="folder for data and settings (default: the user's app folders)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="interface language")
    parser.add_argument("--recover", metavar="COUNTY_KEY", help="county IT: reset a passphrase with this key")
    parser.add_argument("--user", help="with --recover: the local user whose passphrase is set")
    parser.add_argument("--key-passphrase-env", help="with --recover: read the key's passphrase from VAR")
    parser.add_argument("--passphrase-env", help="with --recover: read the new passphrase from VAR")
    parser.add_argument(
        "--provisioning", help="with --recover: import this provisioning file and pin its signing key"
    )
    parser.add_argument(
        "--restore-backup", metavar="FILE", help="restore the village data from a backup file (.vddbak)"
    )
    parser.add_argument(
        "--exit-when-ready",
        nargs="?",
        const="-",
        metavar="FILE",
        help="show the first screen, write when it was up to FILE (or stdout), and exit",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="with --exit-when-ready: also save a picture of the screen with the first window",
    )
    return parser


def _recover(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop.services.recovery import recover
    from desktop.services.settings import AppPaths
    from desktop.storage import RecoveryFailed

    if not args.user:
        print("village-desk: --recover needs --user NAME", file=sys.stderr)
        return 2
    try:
        line = recover(
            AppPaths.default(args.home).store_path,
            Path(args.recover),
            args.user,
            key_passphrase_env=args.key_passphrase_env,
            passphrase_env=args.passphrase_env,
            provisioning=Path(args.provisioning) if args.provisioning else None,
        )
    except RecoveryFailed as exc:
        print(f"village-desk: recovery failed: {exc}", file=sys.stderr)
        return 1
    print(line)
    return 0


def _restore_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop.services.settings import AppPaths
    from desktop.storage import StoreInUse
    from desktop.storage.backup import BackupError, read_manifest, restore_backup

    target = AppPaths.default(args.home).ensure().store_path
    try:
        manifest = read_manifest(Path(args.restore_backup))
        kept = restore_backup(Path(args.restore_backup), target)
    except BackupError as exc:
        print(f"village-desk: nothing was restored: {exc.reason}", file=sys.stderr)
        return 1
    except StoreInUse:
        print("village-desk: nothing was restored: close Village Data Desk first", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"village-desk: nothing was restored: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"restored village {manifest['village_code']} to {target}")
    for path in kept:
        print(f"kept the replaced file as {path}")
    print("unlock with the passphrase that was in use when the backup was made, then sync")
    return 0


def _self_test() -> int:
    from desktop.services.selftest import run

    code = run()
    if code == 0:
        # The UI modules and Qt's libraries must load in a bundle too (no window is opened).
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from desktop.ui.shared import i18n

        catalog = i18n.translations_dir() / f"{i18n.CATALOG}_zh_CN.qm"
        print(f"ui modules: loaded; zh_CN catalogue {'present' if catalog.exists() else 'MISSING'}")
        return (0 if catalog.exists() else 1) or _provisioning_check()
    return code


def _provisioning_check() -> int:
    """The provisioning file first run would use (a pre-seeded install is checked as deployed)."""
    from desktop.services.provisioning import find_preseeded, search_paths

    found = find_preseeded()
    if found is None:
        print("provisioning: none placed (looked in " + ", ".join(str(p) for p in search_paths()) + ")")
        return 0
    if found.provisioning is None:
        assert found.error is not None
        print(f"provisioning: {found.path} cannot be used: {found.error.message('en')}")
        return 1
    prov = found.provisioning
    village = prov.village_code or "any village"
    signed = f"signed by {prov.signing_key}" if prov.signing_key else "unsigned"
    print(f"provisioning: {found.path} ({prov.server_url}, {village}, {signed})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.screenshot and not args.exit_when_ready:
        parser.error("--screenshot needs --exit-when-ready")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.self_test:
        return _self_test()
    if args.recover:
        return _recover(args)
    if args.restore_backup:
        return _restore_backup(args)
    if args.demo:
        from sync.extras import missing_server_modules, server_extra_message

        missing = missing_server_modules()
        if missing:
            print(server_extra_message("demo", missing), file=sys.stderr)
            return 3
    from desktop.ui.launch import run_app

    return run_app(
        home=args.home,
        demo=args.demo,
        language=args.lang,
        staff=args.staff,
        ready_report=args.exit_when_ready,
        ready_screenshot=args.screenshot,
    )


if __name__ == "__main__":
    sys.exit(main())
