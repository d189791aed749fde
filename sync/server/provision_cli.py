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

from sync.provisioning import (
    ProvisioningError,
    generate_signing_keypair,
    parse_provisioning,
    read_provisioning_json,
    sign_provisioning,
)

COMMANDS = ("provision-keygen", "provision-make", "provision-sign", "provision-check")


class ProvisionCommandError(Exception):
    """County IT's input cannot be used; the message says why (nothing was written)."""


def add_commands(sub: Any) -> None:
    keygen = sub.add_parser(
        "provision-keygen", help="make the county key that signs provisioning files (keep it offline)"
    )
    keygen.add_argument("private_out", type=Path, help="private key, encrypted under a passphrase")
    keygen.add_argument("public_out", type=Path)
    keygen.add_argument("--passphrase-env", help="read the key passphrase from this environment variable")
    make = sub.add_parser("provision-make", help="write a provisioning file (then sign it)")
    make.add_argument("out", type=Path)
    make.add_argument("--url", required=True, help="the county server's address, https://…")
    make.add_argument("--ca", type=Path, help="the county CA certificate(s) the laptops pin (PEM)")
    make.add_argument("--recovery-key", type=Path, help="the county recovery PUBLIC key (recovery-keygen)")
    make.add_argument("--village", help="the 12-digit village code, for a file made for one village")
    sign = sub.add_parser("provision-sign", help="sign a provisioning file with the county signing key")
    sign.add_argument("input", type=Path)
    sign.add_argument("out", type=Path)
    sign.add_argument("--key", type=Path, required=True, help="the private key from provision-keygen")
    sign.add_argument("--passphrase-env", help="read the key passphrase from this environment variable")
    check = sub.add_parser("provision-check", help="check a provisioning file as a laptop would")
    check.add_argument("file", type=Path)


def ask_passphrase(prompt: str, *, confirm: bool) -> str:
    """Ask on the terminal. Without one (a script, a scheduled task, a pipe) getpass meets the end
    of its input: say how to give the passphrase instead, rather than end in a traceback."""
    try:
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again: ") != value:
            raise ProvisionCommandError("the two passphrases differ")
    except EOFError:
        raise ProvisionCommandError(
            "no terminal to type the passphrase in: put it in an environment variable and name "
            "that variable with --passphrase-env VAR"
        ) from None
    return value


def _passphrase(env: str | None, *, confirm: bool) -> bytes:
    if env:
        value = os.environ.get(env, "")
    else:
        value = ask_passphrase("Passphrase for the signing key: ", confirm=confirm)
    return value.encode("utf-8")


def _write_new(path: Path, data: bytes, mode: int = 0o644) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvisionCommandError(f"{what} {path} cannot be read as a PEM file") from exc


def _describe(data: dict[str, Any], signer: str | None) -> str:
    parts = [f"server {data['server_url']}"]
    parts.append("county CA included" if data.get("ca_bundle") else "NO county CA (only for loopback http)")
    parts.append("recovery key included" if data.get("recovery_public_key") else "NO recovery key")
    parts.append(f"village {data['village_code']}" if data.get("village_code") else "any village")
    parts.append(f"signed by key {signer}" if signer else "unsigned")
    return "; ".join(parts)


def run(args: argparse.Namespace) -> str:
    """Carry out one provision-* command; returns the line to print.

    Raises:
        ProvisionCommandError: bad input or an existing output file; nothing was written.
    """
    try:
        return _run(args)
    except ProvisioningError as exc:
        raise ProvisionCommandError(exc.message("en")) from exc


def _run(args: argparse.Namespace) -> str:
    if args.command == "provision-check":
        data = read_provisioning_json(args.file)
        prov = parse_provisioning(data)
        return f"{args.file}: usable; " + _describe(data, prov.signing_key)
    out = args.public_out if args.command == "provision-keygen" else args.out
    for path in (out, getattr(args, "private_out", None)):
        if path is not None and path.exists():
            raise ProvisionCommandError(f"{path} exists already; not overwriting it")
    if args.command == "provision-keygen":
        passphrase = _passphrase(args.passphrase_env, confirm=True)
        if len(passphrase) < 12:
            raise ProvisionCommandError("the signing key passphrase needs at least 12 characters")
        private_pem, public_pem = generate_signing_keypair(passphrase)
        _write_new(args.private_out, private_pem, 0o600)
        _write_new(args.public_out, public_pem)
        return f"signing key {args.private_out} (keep it offline), public key {args.public_out}"
    if args.command == "provision-make":
        made: dict[str, Any] = {"server_url": args.url}
        if args.ca:
            made["ca_bundle"] = _read_text(args.ca, "the CA file")
        if args.recovery_key:
            made["recovery_public_key"] = _read_text(args.recovery_key, "the recovery key")
        if args.village:
            made["village_code"] = args.village
        made["server_url"] = parse_provisioning(made).server_url
        _write_new(args.out, _json_bytes(made))
        return f"written {args.out}: " + _describe(made, None) + "; sign it with provision-sign"
    # provision-sign
    data = read_provisioning_json(args.input)
    if not isinstance(data, dict):
        raise ProvisioningError("not_json")
    try:
        key_pem = args.key.read_bytes()
    except OSError as exc:
        raise ProvisionCommandError(f"the signing key {args.key} cannot be read") from exc
    try:
        signed = sign_provisioning(data, key_pem, _passphrase(args.passphrase_env, confirm=False) or None)
    except ValueError as exc:
        if isinstance(exc, ProvisioningError):
            raise
        raise ProvisionCommandError(str(exc)) from exc
    _write_new(args.out, _json_bytes(signed))
    signer = parse_provisioning(signed).signing_key
    return f"written {args.out}: " + _describe(signed, signer)
