"""``county-server``: county IT's command line.

    county-server [--db PATH_OR_URL] init
    county-server restored                  (after restoring the database from a backup: a new epoch)
    county-server serve [--host H] [--port P] [--cert FILE --key FILE] [--log-file FILE]
                        [--workers N] [--pool-size N]
    county-server add-village CODE NAME
    county-server add-villages DIVISIONS.csv
    county-server add-user USERNAME --scope county|township --code CODE [--password-env VAR]
    county-server enroll-code VILLAGE [--hours 72]
    county-server revoke-codes VILLAGE
    county-server list-devices [--village CODE]
    county-server revoke-device DEVICE_ID
    county-server export OUT.xlsx [--village CODE ...] [--year YEAR]
    county-server export OUT.xlsx --history [--since YYYY-MM-DD] [--village CODE ...]
    county-server history-retention [DAYS] [--county CODE]   (the record history: only lengthened)
    county-server recovery-keygen PRIVATE.pem PUBLIC.pem [--passphrase-env VAR]
    county-server forms check|publish|list|show|diff ...       (see forms_cli)
    county-server provision-keygen | provision-make | provision-sign | provision-check   (see provision_cli)

The database is SQLite at a file path (embedded default) or a PostgreSQL URL
(``postgresql+psycopg://user@host/db``), from ``--db`` or ``COUNTY_SERVER_DB``.

Output is what county IT acts on (a code, a count, a path); Alembic's per-migration log lines are
kept out of it. Its words (results, refusals, --help) are in :mod:`sync.messages.cli`, in the
locale's language (:mod:`sync.server.cli_words`); what scripts read stays the same in every language:
``enroll-code``'s code alone on stdout, ``list-devices``' columns, the exit codes.
``serve`` logs requests at INFO. Every command needs the ``[server]`` extra except
the key and provisioning-file commands (``recovery-keygen``, ``provision-*``).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sync.extras import missing_server_modules, server_extra_message
from sync.messages import Both
from sync.server import provision_cli
from sync.server.cli_words import environment_lang, say
from sync.server.errors import Refusal
from sync.textsafety import for_terminal

if not missing_server_modules():  # a laptop install has no server stack: main() says what to install
    from sync.server import admin, changelog, enroll, forms_cli
    from sync.server.store import Store, renew_epoch

DEFAULT_DB = "county-server.db"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="county-server", description=say("cli.help_description"))
    p.add_argument(
        "--db",
        default=os.environ.get("COUNTY_SERVER_DB", DEFAULT_DB),
        help=say("cli.help_db"),
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help=say("cli.help_init"))
    sub.add_parser("restored", help=say("cli.help_restored"))
    serve = sub.add_parser("serve", help=say("cli.help_serve"))
    # Defaults from the environment, so a service unit needs only an EnvironmentFile
    # (installer/server/county-server.env).
    env = os.environ.get
    host_help, port_help = (
        say("cli.help_env", name="COUNTY_SERVER_HOST"),
        say("cli.help_env", name="COUNTY_SERVER_PORT"),
    )
    serve.add_argument("--host", default=env("COUNTY_SERVER_HOST", "127.0.0.1"), help=host_help)
    serve.add_argument("--port", type=int, default=env("COUNTY_SERVER_PORT", "8443"), help=port_help)
    serve.add_argument(
        "--cert",
        default=env("COUNTY_SERVER_CERT") or None,
        help=say("cli.help_cert"),
    )
    serve.add_argument("--key", default=env("COUNTY_SERVER_KEY") or None, help=say("cli.help_key"))
    serve.add_argument(
        "--log-file",
        default=env("COUNTY_SERVER_LOG") or None,
        help=say("cli.help_log_file"),
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help=say("cli.help_workers"),
    )
    serve.add_argument(
        "--pool-size",
        type=int,
        default=env("COUNTY_SERVER_POOL_SIZE", "8"),
        help=say("cli.help_pool_size"),
    )
    village = sub.add_parser("add-village", help=say("cli.help_add_village"))
    village.add_argument("code")
    village.add_argument("name")
    table = sub.add_parser("add-villages", help=say("cli.help_add_villages"))
    table.add_argument("table", type=Path)
    user = sub.add_parser("add-user", help=say("cli.help_add_user"))
    user.add_argument("username")
    user.add_argument("--scope", choices=("county", "township"), required=True)
    user.add_argument("--code", required=True, help=say("cli.help_scope_code"))
    user.add_argument("--password-env", help=say("cli.help_password_env"))
    code = sub.add_parser("enroll-code", help=say("cli.help_enroll_code"))
    code.add_argument("village")
    code.add_argument("--hours", type=float, default=72.0, help=say("cli.help_hours"))
    codes = sub.add_parser("revoke-codes", help=say("cli.help_revoke_codes"))
    codes.add_argument("village")
    listing = sub.add_parser("list-devices", help=say("cli.help_list_devices"))
    listing.add_argument("--village")
    export = sub.add_parser("export", help=say("cli.help_export"))
    export.add_argument("out", type=Path)
    export.add_argument("--village", action="append", help=say("cli.help_export_village"))
    export.add_argument("--year", type=int, help=say("cli.help_year"))
    export.add_argument("--history", action="store_true", help=say("cli.help_history"))
    export.add_argument("--since", type=_day, help=say("cli.help_since"))
    retention = sub.add_parser("history-retention", help=say("cli.help_retention"))
    retention.add_argument("days", type=int, nargs="?", help=say("cli.help_retention_days"))
    retention.add_argument("--county", help=say("cli.help_retention_county"))
    revoke = sub.add_parser("revoke-device", help=say("cli.help_revoke_device"))
    revoke.add_argument("device_id")
    prune = sub.add_parser("prune", help=say("cli.help_prune"))
    prune.add_argument("--days", type=int, default=90, help=say("cli.help_prune_days"))
    keygen = sub.add_parser("recovery-keygen", help=say("cli.help_recovery_keygen"))
    keygen.add_argument("private_out", type=Path, help=say("cli.help_private_out"))
    keygen.add_argument("public_out", type=Path)
    keygen.add_argument("--passphrase-env", help=say("cli.help_passphrase_env"))
    provision_cli.add_commands(sub)
    if not missing_server_modules():
        forms_cli.add_commands(sub)
    return p


def _recovery_keygen(args: argparse.Namespace) -> None:
    from sync.recovery import generate_recovery_keypair

    for path in (args.private_out, args.public_out):
        if path.exists():
            raise provision_cli.ProvisionCommandError("cli.key_exists", path=path)
    if args.passphrase_env:
        passphrase = os.environ.get(args.passphrase_env, "")
    else:
        passphrase = provision_cli.ask_passphrase(say("cli.prompt_private_passphrase"), confirm=True)
    if len(passphrase) < 12:
        raise provision_cli.ProvisionCommandError("cli.recovery_passphrase_short")
    private_pem, public_pem = generate_recovery_keypair(passphrase.encode("utf-8"))
    fd = os.open(args.private_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem)
    args.public_out.write_bytes(public_pem)
    print(say("cli.recovery_keys_written", private=args.private_out, public=args.public_out))


def _password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise admin.AdminError("cli.password_env_empty", name=args.password_env)
        return value
    try:
        first = getpass.getpass(say("cli.prompt_password"))
        again = getpass.getpass(say("cli.prompt_again"))
    except EOFError:  # no terminal: a script or a pipe
        raise admin.AdminError("cli.password_no_terminal") from None
    if again != first:
        raise admin.AdminError("cli.passwords_differ")
    return first


def _serve(args: argparse.Namespace, store: Store) -> int:
    from sync.server import serving

    if bool(args.cert) != bool(args.key):
        raise admin.AdminError("cli.cert_key_together")
    for path in (args.cert, args.key):
        if path and not os.access(path, os.R_OK):
            raise admin.AdminError("cli.tls_unreadable", path=path)
    if not 1 <= args.pool_size <= 100:
        raise admin.AdminError("cli.pool_size_range")
    workers = serving.worker_count(args.workers)  # a ServeError is a Refusal: main() prints it
    serving.check_connections(store, workers, args.pool_size)
    if args.log_file:
        try:
            serving.log_to_file(args.log_file)
        except OSError as exc:
            raise admin.AdminError("cli.log_unwritable", path=args.log_file) from exc
    store.close()  # each worker opens its own pool
    settings = serving.WorkerSettings(store.url, args.pool_size, args.log_file)
    serving.run(
        settings, workers=workers, host=args.host, port=args.port, certfile=args.cert, keyfile=args.key
    )
    return 0


def _export(args: argparse.Namespace, store: Store) -> None:
    from sync.schema import load_forms
    from sync.server import form_store
    from sync.server.export import export_villages

    every = admin.all_villages(store)
    chosen = args.village or list(every)
    if not chosen:
        raise admin.AdminError("cli.no_villages_to_export")
    unknown = [v for v in chosen if v not in every]
    if unknown:
        raise admin.AdminError("cli.unknown_villages", codes=", ".join(unknown))
    counties = {v[:6] for v in chosen}
    if len(counties) != 1:
        raise admin.AdminError("cli.one_county")
    county = counties.pop()
    with store.read() as conn:  # the county's forms as published: new fields, removed ones' values too
        forms = form_store.current_forms(conn, county) if form_store.listing(conn, county) else load_forms()
    if args.history:
        from sync.server.history_export import export_history

        rows = export_history(
            store, forms, county, args.out, since=args.since,
            village_codes=args.village, names=every,
        )  # fmt: skip
        print(say("cli.written_what", path=args.out, what=say("cli.history_rows", rows=rows)))
        return
    if args.since:
        raise admin.AdminError("cli.since_needs_history")
    counts = export_villages(store, forms, county, chosen, args.out, year=args.year, names=every)
    print(say("cli.written_what", path=args.out, what=", ".join(f"{k} {v}" for k, v in counts.items())))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.bad_date", value=repr(text))) from None


def _retention(args: argparse.Namespace, store: Store) -> None:
    counties = [args.county] if args.county else sorted({v[:6] for v in admin.all_villages(store)})
    if not counties:
        raise admin.AdminError("cli.retention_no_villages")
    for county in counties:
        if args.days is not None:
            try:
                changelog.set_retention(store, county, args.days)
            except changelog.RetentionError as exc:
                reason = Both(exc.words("zh_CN"), exc.words("en"))
                raise admin.AdminError("cli.retention_county", county=county, reason=reason) from None
        print(say("cli.retention", county=county, days=changelog.retention_days(store, county)))


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _logging(command: str) -> None:
    level = logging.INFO if command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # "Context impl …", "Will assume …", "Running upgrade …": noise for county IT at every command.
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _logging(args.command)
    if args.command in (*provision_cli.COMMANDS, "recovery-keygen"):
        # Keys and provisioning files: no database and no server stack, so an offline machine with
        # only the laptop package can make and keep the county's keys.
        try:
            if args.command == "recovery-keygen":
                _recovery_keygen(args)
            else:
                print(provision_cli.run(args))
        except provision_cli.ProvisionCommandError as exc:
            print(f"county-server: {exc.words(environment_lang())}", file=sys.stderr)
            return 2
        return 0
    missing = missing_server_modules()
    if missing:
        print(server_extra_message("server", missing), file=sys.stderr)
        return 3
    store = Store(args.db)
    try:
        if args.command == "init":
            store.migrate()
            print(say("cli.db_ready", url=_safe_url(store.url), revision=store.schema_revision()))
            return 0
        store.migrate()
        if args.command == "restored":
            epoch = renew_epoch(store)
            changelog.mark_restored(store, epoch)
            print(say("cli.new_epoch", epoch=epoch))
            return 0
        if args.command == "serve":
            return _serve(args, store)
        if args.command == "add-village":
            admin.add_village(store, args.code, args.name)
            print(say("cli.village_added", village=args.code))
        elif args.command == "add-user":
            admin.add_user(store, args.username, _password(args), args.scope, args.code)
            print(say("cli.user_added", username=args.username))
        elif args.command == "enroll-code":
            code = enroll.issue_code(store, args.village, args.hours)
            print(code)  # alone on stdout, for scripts; the explanation goes to stderr
            print(say("cli.code_issued", village=args.village, hours=f"{args.hours:g}"), file=sys.stderr)
        elif args.command == "add-villages":
            added, existing = admin.add_villages_from_table(store, args.table)
            print(say("cli.villages_added", added=added, existing=existing))
        elif args.command == "revoke-codes":
            print(say("cli.codes_revoked", count=admin.revoke_codes(store, args.village)))
        elif args.command == "list-devices":
            for d in admin.list_devices(store, args.village):
                state = "revoked" if d["revoked"] else "active"
                # Names stored before enrollment cleaned them may hold terminal escape sequences.
                name = for_terminal(str(d["name"]))
                print(f"{for_terminal(str(d['device_id']))}\t{d['village_code']}\t{state}\t{name}")
        elif args.command == "history-retention":
            _retention(args, store)
        elif args.command == "export":
            _export(args, store)
        elif args.command == "revoke-device":
            admin.revoke_device(store, args.device_id)
            print(say("cli.device_revoked", device=args.device_id))
        elif args.command == "forms":
            print(forms_cli.run(args, store))  # a FormsCommandError is a Refusal, printed below
        elif args.command == "prune":
            from sync.server.prune import MAX_DAYS, prune_answers

            if not 0 <= args.days <= MAX_DAYS:
                raise admin.AdminError("cli.prune_days", max=MAX_DAYS)
            print(say("cli.pruned", count=prune_answers(store, days=args.days)))
        return 0
    except Refusal as exc:
        print(f"county-server: {exc.words(environment_lang())}", file=sys.stderr)
        return 2
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
