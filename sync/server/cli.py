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
kept out of it. ``serve`` logs requests at INFO. Every command needs the ``[server]`` extra except
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
from sync.server import provision_cli
from sync.textsafety import for_terminal

if not missing_server_modules():  # a laptop install has no server stack: main() says what to install
    from sync.server import admin, changelog, enroll, forms_cli
    from sync.server.store import Store, renew_epoch

DEFAULT_DB = "county-server.db"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="county-server", description="Village Data Desk county server")
    p.add_argument(
        "--db",
        default=os.environ.get("COUNTY_SERVER_DB", DEFAULT_DB),
        help="SQLite file path or PostgreSQL URL (env COUNTY_SERVER_DB)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or upgrade the database schema")
    sub.add_parser(
        "restored",
        help="after restoring the database from a backup: a new epoch, so laptops re-sync from it",
    )
    serve = sub.add_parser("serve", help="run the HTTP API")
    # Defaults from the environment, so a service unit needs only an EnvironmentFile
    # (installer/server/county-server.env).
    env = os.environ.get
    serve.add_argument(
        "--host", default=env("COUNTY_SERVER_HOST", "127.0.0.1"), help="env COUNTY_SERVER_HOST"
    )
    serve.add_argument(
        "--port", type=int, default=env("COUNTY_SERVER_PORT", "8443"), help="env COUNTY_SERVER_PORT"
    )
    serve.add_argument(
        "--cert",
        default=env("COUNTY_SERVER_CERT") or None,
        help="TLS certificate chain (PEM); env COUNTY_SERVER_CERT",
    )
    serve.add_argument(
        "--key", default=env("COUNTY_SERVER_KEY") or None, help="TLS private key (PEM); env COUNTY_SERVER_KEY"
    )
    serve.add_argument(
        "--log-file",
        default=env("COUNTY_SERVER_LOG") or None,
        help="append the log here, not stderr (reopened after logrotate); env COUNTY_SERVER_LOG",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server processes sharing the port (default: env WEB_CONCURRENCY, else 1)",
    )
    serve.add_argument(
        "--pool-size",
        type=int,
        default=env("COUNTY_SERVER_POOL_SIZE", "8"),
        help="database connections each process keeps (up to twice as many at a peak);"
        " env COUNTY_SERVER_POOL_SIZE",
    )
    village = sub.add_parser("add-village", help="register a village by its 12-digit division code")
    village.add_argument("code")
    village.add_argument("name")
    table = sub.add_parser("add-villages", help="add the villages of a division-code table (CSV: code,name)")
    table.add_argument("table", type=Path)
    user = sub.add_parser("add-user", help="add a township or county staff user")
    user.add_argument("username")
    user.add_argument("--scope", choices=("county", "township"), required=True)
    user.add_argument("--code", required=True, help="county (6 digits) or township (9 digits) code")
    user.add_argument("--password-env", help="read the password from this environment variable")
    code = sub.add_parser("enroll-code", help="issue a one-time enrollment code for a village")
    code.add_argument("village")
    code.add_argument("--hours", type=float, default=72.0, help="valid for this many hours (default 72)")
    codes = sub.add_parser("revoke-codes", help="expire every unused enrollment code of a village")
    codes.add_argument("village")
    listing = sub.add_parser("list-devices", help="enrolled devices (to find the one to revoke)")
    listing.add_argument("--village")
    export = sub.add_parser("export", help="write villages' records and indicators to an Excel file")
    export.add_argument("out", type=Path)
    export.add_argument("--village", action="append", help="village code (repeat); all villages if absent")
    export.add_argument("--year", type=int, help="income and service year of the indicators")
    export.add_argument("--history", action="store_true", help="write the record history instead")
    export.add_argument("--since", type=_day, help="history from this day on (YYYY-MM-DD, China time)")
    retention = sub.add_parser(
        "history-retention", help="show, or lengthen, how many days the record history is kept"
    )
    retention.add_argument("days", type=int, nargs="?", help="keep at least this many days (only longer)")
    retention.add_argument("--county", help="county code (6 digits); every county with villages if absent")
    revoke = sub.add_parser("revoke-device", help="refuse every further request from a device")
    revoke.add_argument("device_id")
    prune = sub.add_parser(
        "prune", help="drop stored push answers no laptop can ask for again (run it nightly or weekly)"
    )
    prune.add_argument("--days", type=int, default=90, help="keep every answer younger than this (90)")
    keygen = sub.add_parser(
        "recovery-keygen",
        help="make the county recovery key pair (public half goes in the provisioning file)",
    )
    keygen.add_argument("private_out", type=Path, help="private key, encrypted under a passphrase")
    keygen.add_argument("public_out", type=Path)
    keygen.add_argument("--passphrase-env", help="read the key passphrase from this environment variable")
    provision_cli.add_commands(sub)
    if not missing_server_modules():
        forms_cli.add_commands(sub)
    return p


def _recovery_keygen(args: argparse.Namespace) -> None:
    from sync.recovery import generate_recovery_keypair

    for path in (args.private_out, args.public_out):
        if path.exists():
            raise provision_cli.ProvisionCommandError(f"{path} exists already; not overwriting a key")
    if args.passphrase_env:
        passphrase = os.environ.get(args.passphrase_env, "")
    else:
        passphrase = provision_cli.ask_passphrase("Passphrase for the private key: ", confirm=True)
    if len(passphrase) < 12:
        raise provision_cli.ProvisionCommandError("the private key passphrase needs at least 12 characters")
    private_pem, public_pem = generate_recovery_keypair(passphrase.encode("utf-8"))
    fd = os.open(args.private_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem)
    args.public_out.write_bytes(public_pem)
    print(f"private key {args.private_out} (keep it offline), public key {args.public_out}")


def _password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise admin.AdminError(f"environment variable {args.password_env} is empty")
        return value
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Again: ")
    except EOFError:  # no terminal: a script or a pipe
        raise admin.AdminError(
            "no terminal to type the password in: put it in an environment variable and name that "
            "variable with --password-env VAR"
        ) from None
    if again != first:
        raise admin.AdminError("the two passwords differ")
    return first


def _serve(args: argparse.Namespace, store: Store) -> int:
    from sync.server import serving

    if bool(args.cert) != bool(args.key):
        raise admin.AdminError("--cert and --key go together")
    for path in (args.cert, args.key):
        if path and not os.access(path, os.R_OK):
            raise admin.AdminError(f"cannot read {path} (TLS certificate or key)")
    if not 1 <= args.pool_size <= 100:
        raise admin.AdminError("--pool-size must be from 1 to 100")
    try:
        workers = serving.worker_count(args.workers)
        serving.check_connections(store, workers, args.pool_size)
    except serving.ServeError as exc:
        raise admin.AdminError(str(exc)) from None
    if args.log_file:
        try:
            serving.log_to_file(args.log_file)
        except OSError as exc:
            raise admin.AdminError(f"cannot write the log file {args.log_file}") from exc
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
        raise admin.AdminError("no villages to export")
    unknown = [v for v in chosen if v not in every]
    if unknown:
        raise admin.AdminError("no such village: " + ", ".join(unknown))
    counties = {v[:6] for v in chosen}
    if len(counties) != 1:
        raise admin.AdminError("export one county at a time")
    county = counties.pop()
    with store.read() as conn:  # the county's forms as published: new fields, removed ones' values too
        forms = form_store.current_forms(conn, county) if form_store.listing(conn, county) else load_forms()
    if args.history:
        from sync.server.history_export import export_history

        rows = export_history(
            store, forms, county, args.out, since=args.since,
            village_codes=args.village, names=every,
        )  # fmt: skip
        print(f"written {args.out}: history {rows}")
        return
    if args.since:
        raise admin.AdminError("--since goes with --history")
    counts = export_villages(store, forms, county, chosen, args.out, year=args.year, names=every)
    print(f"written {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _retention(args: argparse.Namespace, store: Store) -> None:
    counties = [args.county] if args.county else sorted({v[:6] for v in admin.all_villages(store)})
    if not counties:
        raise admin.AdminError("no villages yet: give --county")
    for county in counties:
        if args.days is not None:
            try:
                changelog.set_retention(store, county, args.days)
            except changelog.RetentionError as exc:
                raise admin.AdminError(f"county {county}: {exc}") from None
        print(f"county {county}: record history kept {changelog.retention_days(store, county)} days")


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
            print(f"county-server: {exc}", file=sys.stderr)
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
            print(f"database ready: {_safe_url(store.url)} (schema {store.schema_revision()})")
            return 0
        store.migrate()
        if args.command == "restored":
            epoch = renew_epoch(store)
            changelog.mark_restored(store, epoch)
            print(f"new epoch {epoch}: laptops re-sync from this copy and send again what it lacks")
            return 0
        if args.command == "serve":
            return _serve(args, store)
        if args.command == "add-village":
            admin.add_village(store, args.code, args.name)
            print(f"village {args.code} added")
        elif args.command == "add-user":
            admin.add_user(store, args.username, _password(args), args.scope, args.code)
            print(f"user {args.username} added")
        elif args.command == "enroll-code":
            code = enroll.issue_code(store, args.village, args.hours)
            print(code)  # alone on stdout, for scripts; the explanation goes to stderr
            print(
                f"one-time enrollment code for village {args.village}, valid {args.hours:g} hours",
                file=sys.stderr,
            )
        elif args.command == "add-villages":
            added, existing = admin.add_villages_from_table(store, args.table)
            print(f"{added} villages added, {existing} already there")
        elif args.command == "revoke-codes":
            print(f"{admin.revoke_codes(store, args.village)} unused codes revoked")
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
            print(f"device {args.device_id} revoked")
        elif args.command == "forms":
            try:
                print(forms_cli.run(args, store))
            except forms_cli.FormsCommandError as exc:
                raise admin.AdminError(str(exc)) from None
        elif args.command == "prune":
            from sync.server.prune import MAX_DAYS, prune_answers

            if not 0 <= args.days <= MAX_DAYS:
                raise admin.AdminError(f"--days must be between 0 and {MAX_DAYS} (a hundred years)")
            print(f"{prune_answers(store, days=args.days)} stored push answers pruned")
        return 0
    except admin.AdminError as exc:
        print(f"county-server: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
