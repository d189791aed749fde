"""The county's published form versions, kept in the server database (issue 17).

``publish`` stores a signed version document after checking it against the latest one; the laptops
get the latest on sync (``GET /forms``) and each push is validated against the version its laptop
used (:func:`forms_for`). Documents are stored as published, so the signature still verifies.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, func, insert, select

from sync.form_versions import BUILTIN_VERSION, builtin_document, effective_forms, problems
from sync.provisioning import ProvisioningError, verify_signature
from sync.schema import Forms
from sync.server.store import Store
from sync.server.tables import form_versions


class PublishRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def documents(conn: Connection, county: str) -> list[dict[str, Any]]:
    """Every version of the county's forms, the built-in one first, oldest to newest."""
    cols = form_versions.c
    rows = conn.execute(select(cols.document).where(cols.county_code == county).order_by(cols.version)).all()
    return [builtin_document(), *(json.loads(r[0]) for r in rows)]


def latest(conn: Connection, county: str) -> dict[str, Any]:
    return documents(conn, county)[-1]


def latest_number(conn: Connection, county: str) -> int:
    cols = form_versions.c
    found = conn.execute(select(func.max(cols.version)).where(cols.county_code == county)).scalar()
    return int(found or BUILTIN_VERSION)


def listing(conn: Connection, county: str) -> list[tuple[int, int, str]]:
    """(version, published_at, published_by) of every published version."""
    cols = form_versions.c
    query = select(cols.version, cols.published_at, cols.published_by).where(cols.county_code == county)
    rows = conn.execute(query.order_by(cols.version))
    return [(int(v), int(at), str(by)) for v, at, by in rows]


def publish(store: Store, county: str, document: dict[str, Any], by: str = "") -> int:
    """Store a signed version; returns its number. Raises PublishRefused naming every problem."""
    try:
        signer = verify_signature(document)
    except ProvisioningError as exc:
        raise PublishRefused(["the signature does not match the document"]) from exc
    if signer is None:
        raise PublishRefused(["the version is not signed"])
    with store.write() as conn:
        found = problems(document, latest(conn, county))
        if found:
            raise PublishRefused(found)
        text = json.dumps(document, ensure_ascii=False, sort_keys=True)
        conn.execute(
            insert(form_versions).values(
                county_code=county,
                version=document["version"],
                document=text,
                published_at=store.now(),
                published_by=by,
            )
        )
    return int(document["version"])


def current_forms(conn: Connection, county: str) -> Forms:
    """The county's latest forms with every field an earlier version had kept, hidden (exports)."""
    return effective_forms(documents(conn, county))


def forms_for(conn: Connection, county: str, version: int) -> Forms:
    """The forms a push made with ``version`` (2 or later) is validated with: that version's fields
    plus every earlier field it left out, hidden. KeyError for a version the county never published.

    Compiled once per distinct chain of documents (a published document never changes)."""
    cols = form_versions.c
    query = select(cols.document).where(cols.county_code == county, cols.version <= version)
    texts = [r[0] for r in conn.execute(query.order_by(cols.version))]
    if not texts or json.loads(texts[-1])["version"] != version:
        raise KeyError(version)
    key = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()
    forms = _compiled.get(key)
    if forms is None:
        forms = effective_forms([builtin_document(), *(json.loads(t) for t in texts)])
        if len(_compiled) > 64:
            _compiled.clear()
        _compiled[key] = forms
    return forms


_compiled: dict[str, Forms] = {}
