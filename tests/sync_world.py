"""A county server on loopback and village laptops with encrypted stores, for whole-sync tests.

Everything is real: the uvicorn server (SQLite file or PostgreSQL), HTTP(S) on 127.0.0.1, the
SQLCipher stores, the sync service, engine, client and replica. Only the *link* can be made
unreliable, by ``Link`` wrappers around the real HTTP Remote.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import psycopg
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from desktop.services.sync_service import RemoteConfig, SyncService, http_remote
from desktop.storage import KdfParams, Store
from sync import protocol, protocol_decode
from sync.errors import OfflineError, SyncTimeout, TooLargeError
from sync.laptop.engine import SyncReport
from sync.laptop.interfaces import Remote
from sync.server import admin, embedded, enroll
from sync.server.embedded import EmbeddedServer
from sync.server.store import Store as CountyStore
from sync.server.tables import metadata

PG_ADMIN = os.environ.get("TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
COUNTY = "110105"
VILLAGE = "110105001001"
VILLAGE_2 = "110105001002"
STAFF_USER, STAFF_PASSWORD = "township", "township-pass-1"
PASSPHRASE = "correct horse 42"


# --------------------------------------------------------------------------------------------------
# Certificates


@dataclass
class Pki:
    ca_pem: Path
    cert: Path
    key: Path


def make_pki(directory: Path, name: str = "county") -> Pki:
    """A county CA and a server certificate for 127.0.0.1/localhost signed by it."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(
        directory / f"{name}-ca.pem", directory / f"{name}-server.pem", directory / f"{name}-server.key"
    )
    pki.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return pki


# --------------------------------------------------------------------------------------------------
# The county


def in_ci() -> bool:
    """True on a CI machine (``CI`` set to anything but empty, ``0`` or ``false``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_service(reason: str) -> NoReturn:
    """Skip a test whose service is missing; in CI, fail it instead."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set: a missing service is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def postgres_database(admin_url: str = PG_ADMIN) -> Iterator[str]:
    """A fresh PostgreSQL database for one test session.

    When PostgreSQL is not there the test is skipped on a developer's machine, but fails in CI
    (``CI`` set, as every CI service does): there a missing database is a broken setup, and a
    skipped PostgreSQL half would let the suite pass green without it.
    """
    name = f"vdd_sync_{uuid.uuid4().hex[:10]}"
    try:
        conn = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        missing_service("PostgreSQL is not reachable at 127.0.0.1:5432")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class County:
    server: EmbeddedServer
    pki: Pki | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def store(self) -> CountyStore:
        return self.server.store

    @property
    def ca_pem(self) -> str | None:
        return self.pki.ca_pem.read_text("ascii") if self.pki else None

    def code(self, village: str = VILLAGE) -> str:
        return enroll.issue_code(self.store, village)

    def staff(self) -> StaffClient:
        return StaffClient(self.url, str(self.pki.ca_pem) if self.pki else True)

    def stop(self) -> None:
        self.server.stop()


def start_county(database: str | Path, *, pki: Pki | None = None, fresh_pg: bool = False) -> County:
    store = CountyStore(database)
    store.migrate()
    if fresh_pg:
        with store.engine.begin() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            from sqlalchemy import text

            conn.execute(text(f"TRUNCATE {names}"))
    admin.add_village(store, VILLAGE, "东村")
    admin.add_village(store, VILLAGE_2, "西村")
    admin.add_user(store, STAFF_USER, STAFF_PASSWORD, "township", VILLAGE[:9])
    server = embedded.start(
        store,
        migrate=False,
        certfile=pki.cert if pki else None,
        keyfile=pki.key if pki else None,
    )
    server._owns_store = True  # stop() closes the store we made
    return County(server, pki)


@dataclass
class StaffClient:
    url: str
    verify: str | bool
    token: str = ""

    def _session(self) -> requests.Session:
        s = requests.Session()
        s.trust_env = False
        return s

    def login(self) -> StaffClient:
        r = self._session().post(
            f"{self.url}/api/v1/staff/login",
            json={"username": STAFF_USER, "password": STAFF_PASSWORD},
            verify=self.verify,
            timeout=30,
        )
        r.raise_for_status()
        self.token = r.json()["token"]
        return self

    def conflicts(self, status: str = "open") -> list[dict[str, Any]]:
        if not self.token:
            self.login()
        r = self._session().get(
            f"{self.url}/api/v1/staff/conflicts?status={status}",
            headers={"Authorization": f"Bearer {self.token}"},
            verify=self.verify,
            timeout=30,
        )
        r.raise_for_status()
        return list(r.json()["conflicts"])


# --------------------------------------------------------------------------------------------------
# Unreliable links: wrappers around the real HTTP Remote


@dataclass
class Link:
    """Wraps each Remote the service makes. ``script`` entries say what happens to the next push:
    ``ok``, ``drop_request`` (never reaches the server), ``drop_response`` (server commits, answer
    lost), ``duplicate`` (sent twice, second answer used), ``timeout_before`` / ``timeout_after``
    (no answer in time; the server never saw it / committed it). Pulls: ``pull_script`` likewise.
    ``max_changes``: a proxy in the way refuses larger batches with 413."""

    script: list[str] = field(default_factory=list)
    pull_script: list[str] = field(default_factory=list)
    pushes: list[bytes] = field(default_factory=list)
    answers: list[protocol.PushResponse] = field(default_factory=list)
    inner_factory: Callable[[RemoteConfig], Any] = http_remote
    max_changes: int | None = None

    def __call__(self, config: RemoteConfig) -> Remote:
        return _LinkRemote(self, self.inner_factory(config))


class _LinkRemote:
    def __init__(self, link: Link, inner: Any) -> None:
        self.link = link
        self.inner = inner

    def push(self, body: bytes) -> protocol.PushResponse:
        what = self.link.script.pop(0) if self.link.script else "ok"
        self.link.pushes.append(body)
        limit = self.link.max_changes
        if limit is not None and len(protocol_decode.decode_push_request(body).changes) > limit:
            raise TooLargeError(status=413)
        if what == "drop_request":
            raise OfflineError()
        if what == "timeout_before":
            raise SyncTimeout()
        answer = self.inner.push(body)
        if what == "duplicate":
            self.link.answers.append(answer)
            answer = self.inner.push(body)
        self.link.answers.append(answer)
        if what == "drop_response":
            raise OfflineError()
        if what == "timeout_after":
            raise SyncTimeout()
        return answer

    def pull(self, cursor: int, limit: int, **kw: Any) -> protocol.PullResponse:
        what = self.link.pull_script.pop(0) if self.link.pull_script else "ok"
        if what == "drop_request":
            raise OfflineError()
        page = self.inner.pull(cursor, limit, **kw)
        if what == "drop_response":
            raise OfflineError()
        return page

    def status(self) -> dict[str, Any]:
        return dict(self.inner.status())

    def review(self, record_ids: list[str]) -> list[dict[str, Any]]:
        return list(self.inner.review(record_ids))

    def forms(self) -> dict[str, Any]:
        return dict(self.inner.forms())

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------------------------------
# Laptops


class Laptop:
    def __init__(
        self, path: Path, county: County, name: str, village: str = VILLAGE, link: Link | None = None
    ):
        self.path = path
        self.county = county
        self.name = name
        self.link = link or Link()
        self.store = Store.create(path, "wang", PASSPHRASE, village, kdf=KdfParams.fast_for_tests())
        self.service = SyncService(self.store, self.link)
        self.service.configure(county.url, county.ca_pem)
        self.service.enroll(county.code(village), name)

    def sync(self) -> SyncReport:
        return self.service.run_sync()

    def reopen(self) -> None:
        """Close and unlock again (as after a restart)."""
        self.store.close()
        self.store = Store.unlock(self.path, "wang", PASSPHRASE)
        self.service = SyncService(self.store, self.link)

    def records(self, entity: str) -> dict[str, dict[str, Any]]:
        repo = self.store.repository(entity)
        out = {}
        for r in repo.iter_all(include_deleted=True):
            out[r["id"]] = {k: v for k, v in r.items() if k not in ("seq",)}
        return out

    def close(self) -> None:
        self.store.close()


def server_records(county: County, village: str = VILLAGE) -> dict[str, dict[str, Any]]:
    """The county's copy of every record of a village, shaped like ``Laptop.records`` rows."""
    import json

    from sqlalchemy import select

    from sync.server.tables import records

    rc = records.c
    out: dict[str, dict[str, Any]] = {}
    with county.store.read() as conn:
        for row in conn.execute(
            select(rc.entity, rc.id, rc.data, rc.deleted).where(rc.village_code == village)
        ):
            data = json.loads(row.data)
            out[row.id] = {"entity": row.entity, "data": data, "deleted": bool(row.deleted)}
    return out


def assert_laptop_equals_server(laptop: Laptop, county: County, village: str = VILLAGE) -> None:
    server = server_records(county, village)
    seen = set()
    for entity in ("household", "person", "income", "service"):
        for record_id, row in laptop.records(entity).items():
            seen.add(record_id)
            assert record_id in server, "a local record the county does not have"
            s = server[record_id]
            assert s["entity"] == entity
            assert row["deleted"] == s["deleted"], (entity, record_id)
            for name, value in row.items():
                if name in ("id", "village_code", "deleted"):
                    continue
                assert value == s["data"].get(name), (entity, record_id, name)
    assert seen == set(server), "county records missing on the laptop"


def fill(store: Store, persons: int, *, seed: int = 1) -> list[str]:
    """Create realistic households and persons through the repositories (outbox capture and all),
    in one transaction. Returns the new record ids in order."""
    from sync import sample_data

    made: list[str] = []
    households: dict[str, str] = {}
    with store.atomic():
        for entity, sample_id, fields in sample_data.village(store.village_code, persons, seed=seed):
            if entity == "household":
                households[sample_id] = store.household.create(fields)
                made.append(households[sample_id])
            else:
                made.append(
                    store.person.create(dict(fields, household_id=households[fields["household_id"]]))
                )
    return made
