"""``county-server provision-*``: make, sign and check the provisioning files laptops are installed with.

    county-server provision-keygen SIGNING.pem SIGNING.pub.pem [--passphrase-env VAR]
    county-server provision-make OUT.json --url URL [--ca CA.pem] [--recovery-key PUB.pem] [--village CODE]
    county-server provision-sign IN.json OUT.json --key SIGNING.pem [--passphrase-env VAR]
    county-server provision-check FILE.json

None of them needs the database. The file format and signature are in ``sync.provisioning``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
from pathlib import Path
from typing import Any

from sync.messages import Both
from sync.provisioning import (
    ProvisioningError,
    generate_signing_keypair,
    parse_provisioning,
    read_provisioning_json,
    sign_provisioning,
)
from sync.server.cli_words import say
from sync.server.errors import Refusal

COMMANDS = ("provision-keygen", "provision-make", "provision-sign", "provision-check")


class ProvisionCommandError(Refusal):
    """County IT's input cannot be used; the message says why (nothing was written)."""


def add_commands(sub: Any) -> None:
    keygen = sub.add_parser("provision-keygen", help=say("cli.help_provision_keygen"))
    keygen.add_argument("private_out", type=Path, help=say("cli.help_private_out"))
    keygen.add_argument("public_out", type=Path)
    keygen.add_argument("--passphrase-env", help=say("cli.help_passphrase_env"))
    make = sub.add_parser("provision-make", help=say("cli.help_provision_make"))
    make.add_argument("out", type=Path)
    make.add_argument("--url", required=True, help=say("cli.help_url"))
    make.add_argument("--ca", type=Path, help=say("cli.help_ca"))
    make.add_argument("--recovery-key", type=Path, help=say("cli.help_recovery_key"))
    make.add_argument("--village", help=say("cli.help_village"))
    sign = sub.add_parser("provision-sign", help=say("cli.help_provision_sign"))
    sign.add_argument("input", type=Path)
    sign.add_argument("out", type=Path)
    sign.add_argument("--key", type=Path, required=True, help=say("cli.help_sign_key"))
    sign.add_argument("--passphrase-env", help=say("cli.help_passphrase_env"))
    check = sub.add_parser("provision-check", help=say("cli.help_provision_check"))
    check.add_argument("file", type=Path)


def ask_passphrase(prompt: str, *, confirm: bool) -> str:
    """Ask on the terminal. Without one (a script, a scheduled task, a pipe) getpass meets the end
    of its input: say how to give the passphrase instead, rather than end in a traceback."""
    try:
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass(say("cli.prompt_again")) != value:
            raise ProvisionCommandError("cli.passphrases_differ")
    except EOFError:
        raise ProvisionCommandError("cli.passphrase_no_terminal") from None
    return value


def _passphrase(env: str | None, *, confirm: bool) -> bytes:
    if env:
        value = os.environ.get(env, "")
    else:
        value = ask_passphrase(say("cli.prompt_signing_passphrase"), confirm=confirm)
    return value.encode("utf-8")


def _write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _read_text(path: Path, refusal: str) -> str:
    try:
        return path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvisionCommandError(refusal, path=path) from exc


def _describe(data: dict[str, Any], signer: str | None) -> str:
    parts = [say("cli.describe_server", url=data["server_url"])]
    parts.append(say("cli.describe_ca" if data.get("ca_bundle") else "cli.describe_no_ca"))
    parts.append(
        say("cli.describe_recovery" if data.get("recovery_public_key") else "cli.describe_no_recovery")
    )
    village = data.get("village_code")
    parts.append(say("cli.describe_village", village=village) if village else say("cli.describe_any_village"))
    parts.append(say("cli.describe_signed", key=signer) if signer else say("cli.describe_unsigned"))
    return "; ".join(parts)


def run(args: argparse.Namespace) -> str:
    """Carry out one provision-* command; returns the line to print.

    Raises:
        ProvisionCommandError: bad input or an existing output file; nothing was written.
    """
    try:
        return _run(args)
    except ProvisioningError as exc:
        raise ProvisionCommandError(
            "cli.detail", detail=Both(exc.message("zh_CN"), exc.message("en"))
        ) from exc


def _run(args: argparse.Namespace) -> str:
    if args.command == "provision-check":
        data = read_provisioning_json(args.file)
        prov = parse_provisioning(data)
        return say("cli.provision_usable", file=args.file, description=_describe(data, prov.signing_key))
    out = args.public_out if args.command == "provision-keygen" else args.out
    for path in (out, getattr(args, "private_out", None)):
        if path is not None and path.exists():
            raise ProvisionCommandError("cli.file_exists", path=path)
    if args.command == "provision-keygen":
        passphrase = _passphrase(args.passphrase_env, confirm=True)
        if len(passphrase) < 12:
            raise ProvisionCommandError("cli.signing_passphrase_short")
        private_pem, public_pem = generate_signing_keypair(passphrase)
        _write_new(args.private_out, private_pem, 0o600)
        _write_new(args.public_out, public_pem)
        return say("cli.signing_keys_written", private=args.private_out, public=args.public_out)
    if args.command == "provision-make":
        made: dict[str, Any] = {"server_url": args.url}
        if args.ca:
            made["ca_bundle"] = _read_text(args.ca, "cli.ca_unreadable")
        if args.recovery_key:
            made["recovery_public_key"] = _read_text(args.recovery_key, "cli.recovery_key_unreadable")
        if args.village:
            made["village_code"] = args.village
        made["server_url"] = parse_provisioning(made).server_url
        _write_new(args.out, _json_bytes(made))
        return say("cli.provision_made", path=args.out, description=_describe(made, None))
    # provision-sign
    data = read_provisioning_json(args.input)
    if not isinstance(data, dict):
        raise ProvisioningError("not_json")
    try:
        key_pem = args.key.read_bytes()
    except OSError as exc:
        raise ProvisionCommandError("cli.key_unreadable", path=args.key) from exc
    try:
        signed = sign_provisioning(data, key_pem, _passphrase(args.passphrase_env, confirm=False) or None)
    except ValueError as exc:
        if isinstance(exc, ProvisioningError):
            raise
        raise ProvisionCommandError("cli.detail", detail=str(exc)) from exc
    _write_new(args.out, _json_bytes(signed))
    signer = parse_provisioning(signed).signing_key
    return say("cli.written_what", path=args.out, what=_describe(signed, signer))
