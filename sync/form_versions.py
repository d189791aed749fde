"""Form versions: the four forms as data, numbered and signed by the county (issue 17).

A version is one JSON document, UTF-8::

    {"format": "vdd-forms", "version": 2, "forms": [{household form}, {person form}, ...],
     "signature": {"alg": "ed25519", "key": "<base64 public key>", "value": "<base64 signature>"}}

Version 1 is the forms built into the app (``resources/forms``), never published. County IT
publishes later versions (``county-server forms publish``); the signature is by the county key
that already signs provisioning files (same scheme: Ed25519 over the canonical JSON of every other
key, see :mod:`sync.provisioning`), so a laptop trusts a version exactly when it trusts its
provisioning file's signer.

A field a version leaves out is not dropped: :func:`effective_forms` keeps every field an earlier
version had, marked ``hidden`` (not shown, not required; its values stay and sync). Core fields,
those sync, duplicates and indicators rely on, cannot be removed or retyped (:func:`problems`).
Shared by the laptop (verifying) and the county server (checking, publishing). No Qt.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sync.form_rules import FormError
from sync.messages import pair
from sync.provisioning import ProvisioningError, signature_block, verify_signature
from sync.resources import resources_dir
from sync.schema import Forms, forms_from_json, read_form_files

FORMAT = "vdd-forms"
BUILTIN_VERSION = 1
MAX_VERSION_BYTES = 2 * 1024 * 1024

CORE_FIELDS: dict[str, frozenset[str]] = {
    "household": frozenset({"household_no", "head_name", "category", "status"}),
    "person": frozenset({"household_id", "name", "resident_id", "relation", "sex", "birth_date", "status"}),
    "income": frozenset({"household_id", "year", "source", "amount_fen"}),
    "service": frozenset({"household_id", "person_id", "type", "date", "amount_fen"}),
}
"""Fields sync, duplicates, the desks and the indicators rely on (village code is on every record):
a version must keep each with its type."""


class FormVersionRefused(Exception):
    """A form version the laptop will not take; the laptop keeps the version it has."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.zh, self.en = pair(f"forms_version.{reason}")


@functools.lru_cache(maxsize=1)
def _builtin_forms_json() -> str:
    return json.dumps([data for _, data in read_form_files(resources_dir() / "forms")], ensure_ascii=False)


def builtin_document() -> dict[str, Any]:
    """Version 1: the forms built into the app, unsigned (the app's own files are trusted)."""
    return {"format": FORMAT, "version": BUILTIN_VERSION, "forms": json.loads(_builtin_forms_json())}


def forms_of(document: Mapping[str, Any]) -> Forms:
    """The forms a version document states (no hidden fields added). Raises FormError."""
    forms = document.get("forms")
    if not isinstance(forms, list):
        raise FormError("forms: a list of the four forms")
    return forms_from_json([(f"forms[{i}]", f) for i, f in enumerate(forms)])


def effective_forms(documents: Iterable[Mapping[str, Any]]) -> Forms:
    """The forms of the last document, with every field of an earlier one it left out kept hidden
    (in the order they were: a hidden field is where it used to be, at the end of its form)."""
    docs = list(documents)
    latest = copy.deepcopy(list(docs[-1]["forms"]))
    by_entity = {f.get("entity"): f for f in latest}
    for doc in docs[:-1]:
        for old in doc["forms"]:
            form = by_entity.get(old.get("entity"))
            if form is None:
                continue
            names = {f.get("name") for f in form["fields"]}
            for field in old.get("fields") or []:
                if field.get("name") not in names:
                    form["fields"].append({**field, "hidden": True, "required": False})
                    names.add(field.get("name"))
    return forms_from_json([(f"forms[{i}]", f) for i, f in enumerate(latest)])


def problems(document: Any, previous: Mapping[str, Any] | None = None) -> list[str]:
    """Everything wrong with a version document, in plain words (empty: it can be published).

    ``previous`` is the latest version (default: the built-in one): the number must grow, and core
    fields must stay with their types."""
    found: list[str] = []
    if not isinstance(document, Mapping):
        return ["the file is not a form version (a JSON object with format, version and forms)"]
    if document.get("format") != FORMAT:
        found.append(f'"format" must be "{FORMAT}"')
    version = document.get("version")
    previous = previous or builtin_document()
    if type(version) is not int or version < 1:
        found.append('"version" must be a whole number of 1 or more')
    elif version <= int(previous["version"]):
        found.append(f"version {version} is not newer than the version in use ({previous['version']})")
    old = forms_of(previous)
    early = len(found)
    raw = {f.get("entity"): f for f in document.get("forms") or [] if isinstance(f, Mapping)}
    for entity in old.entities:
        if entity not in raw:
            found.append(f"the form {entity} is missing (every version has the four forms)")
            continue
        fields = {f.get("name"): f for f in raw[entity].get("fields") or [] if isinstance(f, Mapping)}
        for name in sorted(CORE_FIELDS.get(entity, frozenset())):
            try:
                before = old[entity].field(name)
            except KeyError:
                continue
            now = fields.get(name)
            if now is None or now.get("hidden"):
                found.append(f"{entity}.{name} is a core field and cannot be removed")
            elif now.get("type") != before.type or now.get("ref") != before.ref:
                found.append(
                    f"{entity}.{name} is a core field and cannot change type "
                    f"({before.type} -> {now.get('type')})"
                )
    if len(found) > early:
        return found  # the rules naming a removed core field would only repeat it less plainly
    try:
        forms = forms_of(document)
    except FormError as exc:
        return [*found, f"the forms cannot be used: {exc}"]
    for entity in old.entities:
        for field in forms[entity].fields:
            try:
                before = old[entity].field(field.name)
            except KeyError:
                continue
            gone = [c.value for c in before.choices if c.value not in {c.value for c in field.choices}]
            if gone and field.type == "choice":
                found.append(
                    f"{entity}.{field.name}: the choice {', '.join(gone)} cannot be removed, records "
                    "hold it (change its label instead)"
                )
            if _stored_kind(field.type) != _stored_kind(before.type):
                found.append(
                    f"{entity}.{field.name} cannot change from {before.type} to {field.type}: "
                    "its values are kept as they are (add a new field instead)"
                )
    for entity in forms.entities:
        if entity not in old:
            found.append(f"the form {entity} is unknown: a version changes the four forms, it adds none")
    return found


def _stored_kind(field_type: str) -> str:
    return "number" if field_type in ("int", "money") else "text"


def sign(document: Mapping[str, Any], private_pem: bytes, passphrase: bytes | None) -> dict[str, Any]:
    """The document with a fresh county signature (raises ValueError for an unusable key)."""
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    return {**unsigned, "signature": signature_block(unsigned, private_pem, passphrase)}


def verify(document: Any, trusted_key: str | None) -> Forms:
    """The forms of a published version the laptop may take, checked against the county key it
    trusts (base64, from its provisioning file). Raises FormVersionRefused."""
    if trusted_key is None:
        raise FormVersionRefused("no_key")
    if not isinstance(document, dict):
        raise FormVersionRefused("invalid")
    try:
        signer = verify_signature(document)
    except ProvisioningError as exc:
        raise FormVersionRefused("signature") from exc
    if signer is None:
        raise FormVersionRefused("unsigned")
    if signer != trusted_key:
        raise FormVersionRefused("signer")
    if document.get("format") != FORMAT or type(document.get("version")) is not int:
        raise FormVersionRefused("invalid")
    try:
        return forms_of(document)
    except FormError as exc:
        raise FormVersionRefused("invalid") from exc


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What changed between two versions, one line each, for county IT."""
    lines: list[str] = []
    before, after = forms_of(old), forms_of(new)
    for entity in after.entities:
        if entity not in before:
            continue
        old_fields = {f.name: f for f in before[entity].fields}
        new_fields = {f.name: f for f in after[entity].fields}
        for name, f in new_fields.items():
            o = old_fields.get(name)
            if o is None:
                lines.append(
                    f"+ {entity}.{name} ({f.type}{', required' if f.required else ''}): {f.label_zh}"
                )
                continue
            if (o.label_zh, o.label_en) != (f.label_zh, f.label_en):
                lines.append(f"~ {entity}.{name} label: {o.label_zh} -> {f.label_zh}")
            if o.required != f.required:
                lines.append(f"~ {entity}.{name} {'now required' if f.required else 'no longer required'}")
            old_choices = [c.value for c in o.choices]
            for c in f.choices:
                if c.value not in old_choices:
                    lines.append(f"+ {entity}.{name} choice {c.value}: {c.zh}")
            for value in old_choices:
                if value not in [c.value for c in f.choices]:
                    lines.append(f"- {entity}.{name} choice {value}")
            if (o.min, o.max) != (f.min, f.max):
                lines.append(f"~ {entity}.{name} limits: {o.min}..{o.max} -> {f.min}..{f.max}")
            checks = (
                "min_length",
                "max_length",
                "pattern",
                "not_future",
                "constraint_message",
                "required_message",
            )
            changed = [c for c in checks if getattr(o, c) != getattr(f, c)]
            if changed:
                lines.append(f"~ {entity}.{name} {', '.join(changed)} changed")
        for name in old_fields:
            if name not in new_fields:
                lines.append(f"- {entity}.{name} (hidden on laptops; its values are kept)")
        old_rules, new_rules = before[entity].rules, after[entity].rules
        lines += [f"+ {entity} rule {_rule_text(r)}" for r in new_rules if r not in old_rules]
        lines += [f"- {entity} rule {_rule_text(r)}" for r in old_rules if r not in new_rules]
    return lines


def _rule_text(rule: Mapping[str, Any]) -> str:
    if rule.get("rule") == "min_when":
        when = ", ".join(f"{k} = {v}" for k, v in rule["when"].items())
        return f"{rule['field']} >= {rule['min']} when {when}"
    return f"{rule.get('rule')} {', '.join(rule.get('fields') or [])}".strip()
