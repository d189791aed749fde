"""``county-server forms ...``: county IT checks, publishes and reads the county's form versions.

    county-server forms check FILE            (a version .json, or a workbook .xlsx: survey/choices/settings)
    county-server forms publish FILE --key SIGNING.pem [--passphrase-env VAR] [--by NAME]
    county-server forms list
    county-server forms show VERSION [--out FILE.json]
    county-server forms diff OLD NEW

``check`` names every problem (a workbook's by sheet, row and column) and publishes nothing.
``publish`` checks the same way, signs with the county signing key (the one that signs
provisioning files, ``provision-keygen``) and stores the version: laptops take it on their next sync.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sync import form_versions
from sync.form_workbook import WorkbookProblems, document_from_workbook, read_workbook
from sync.server import form_store
from sync.server.cli_words import say
from sync.server.errors import Refusal
from sync.server.store import Store
from sync.server.tables import villages


class FormsCommandError(Refusal):
    """The command cannot be carried out; the message says why (nothing was published)."""


def add_commands(sub: Any) -> None:
    forms = sub.add_parser("forms", help=say("cli.help_forms"))
    forms.add_argument("--county", help=say("cli.help_forms_county"))
    fsub = forms.add_subparsers(dest="forms_command", required=True)
    check = fsub.add_parser("check", help=say("cli.help_forms_check"))
    check.add_argument("file", type=Path)
    publish = fsub.add_parser("publish", help=say("cli.help_forms_publish"))
    publish.add_argument("file", type=Path)
    publish.add_argument("--key", type=Path, required=True, help=say("cli.help_forms_key"))
    publish.add_argument("--passphrase-env", help=say("cli.help_passphrase_env"))
    publish.add_argument("--by", default="", help=say("cli.help_forms_by"))
    fsub.add_parser("list", help=say("cli.help_forms_list"))
    show = fsub.add_parser("show", help=say("cli.help_forms_show"))
    show.add_argument("version", type=int)
    show.add_argument("--out", type=Path)
    diff = fsub.add_parser("diff", help=say("cli.help_forms_diff"))
    diff.add_argument("old", type=int)
    diff.add_argument("new", type=int)


def _document(path: Path, latest: dict[str, Any]) -> dict[str, Any]:
    if path.suffix.lower() == ".xlsx":
        book = read_workbook(path)
        try:
            return document_from_workbook(book, latest)
        finally:
            book.close()
    try:
        if path.stat().st_size > form_versions.MAX_VERSION_BYTES:
            raise FormsCommandError("cli.forms_too_large", name=path.name)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormsCommandError("cli.forms_not_json", name=path.name) from exc
    if not isinstance(data, dict):
        raise FormsCommandError("cli.forms_not_object", name=path.name)
    return data


def _county(args: argparse.Namespace, store: Store) -> str:
    if args.county:
        if not (len(args.county) == 6 and args.county.isdigit() and args.county.isascii()):
            raise FormsCommandError("cli.forms_county_code")
        return str(args.county)
    with store.read() as conn:
        counties = sorted({str(r[0]) for r in conn.execute(select(villages.c.county_code))})
    if len(counties) != 1:
        if not counties:
            raise FormsCommandError("cli.forms_no_county")
        raise FormsCommandError("cli.forms_which_county", counties=", ".join(counties))
    return counties[0]


def _checked(store: Store, county: str, path: Path) -> dict[str, Any]:
    with store.read() as conn:
        latest = form_store.latest(conn, county)
    try:
        document = _document(path, latest)
    except WorkbookProblems as exc:
        raise _refused(path, exc.problems) from exc
    found = form_versions.problems(document, latest)
    if found:
        raise _refused(path, found)
    return document


def _refused(path: Path, problems: list[str]) -> FormsCommandError:
    lines = "\n".join(f"  - {p}" for p in problems)
    return FormsCommandError("cli.forms_problems", name=path.name, count=len(problems), problems=lines)


def _version(store: Store, county: str, number: int) -> dict[str, Any]:
    with store.read() as conn:
        for doc in form_store.documents(conn, county):
            if doc["version"] == number:
                return doc
    raise FormsCommandError("cli.forms_no_version", number=number)


def _published_at(at: Any) -> str:
    return say("cli.forms_published_at", at=at)


def run(args: argparse.Namespace, store: Store) -> str:
    """Carry out one ``forms`` command; returns what to print. Raises FormsCommandError."""
    command = args.forms_command
    county = _county(args, store)
    if command == "check":
        doc = _checked(store, county, args.file)
        with store.read() as conn:
            changes = form_versions.diff(form_store.latest(conn, county), doc)
        head = say("cli.forms_can_publish", name=args.file.name, version=doc["version"])
        return head + "\n" + "\n".join(changes)
    if command == "publish":
        doc = _checked(store, county, args.file)
        from sync.server.provision_cli import ProvisionCommandError, _passphrase

        try:
            key = args.key.read_bytes()
        except OSError as exc:
            raise FormsCommandError("cli.key_unreadable", path=args.key) from exc
        try:
            signed = form_versions.sign(doc, key, _passphrase(args.passphrase_env, confirm=False) or None)
            number = form_store.publish(store, county, signed, args.by)
        except ProvisionCommandError as exc:
            raise FormsCommandError(exc.code, **exc.params) from exc
        except ValueError as exc:
            raise FormsCommandError("cli.detail", detail=str(exc)) from exc
        except form_store.PublishRefused as exc:
            raise _refused(args.file, exc.problems) from exc
        return say("cli.forms_published", number=number)
    if command == "list":
        with store.read() as conn:
            rows = form_store.listing(conn, county)
        built_in = "1\t" + say("cli.forms_built_in")
        lines = [built_in] + [f"{v}\t{_published_at(at)}\t{by}".rstrip() for v, at, by in rows]
        return "\n".join(lines)
    if command == "show":
        text = json.dumps(_version(store, county, args.version), ensure_ascii=False, indent=2) + "\n"
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            return say("cli.written", path=args.out)
        return text.rstrip("\n")
    old, new = _version(store, county, args.old), _version(store, county, args.new)
    return "\n".join(form_versions.diff(old, new)) or say("cli.forms_no_change")
