"""TLS as deployed: a county CA and a server certificate made here, HTTPS on 127.0.0.1, the laptop
pinned to the county CA from its provisioning file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from desktop.services.sync_service import SyncService
from desktop.storage import KdfParams, Store
from sync.errors import CertificateError
from sync.laptop import client
from tests.sync_world import (
    PASSPHRASE,
    VILLAGE,
    County,
    Laptop,
    assert_laptop_equals_server,
    fill,
    make_pki,
    server_records,
    start_county,
)


@pytest.fixture
def county(tmp_path: Path) -> Iterator[County]:
    c = start_county(tmp_path / "county.db", pki=make_pki(tmp_path / "pki", "county"))
    yield c
    c.stop()


@pytest.fixture
def impostor(tmp_path: Path) -> Iterator[County]:
    """A server on another port whose certificate comes from another CA (a redirected network)."""
    c = start_county(tmp_path / "impostor.db", pki=make_pki(tmp_path / "pki-other", "other"))
    yield c
    c.stop()


def test_the_laptop_syncs_over_https_with_the_county_ca(tmp_path, county):
    assert county.url.startswith("https://127.0.0.1:")
    a = Laptop(tmp_path / "a.db", county, "a")
    b = Laptop(tmp_path / "b.db", county, "b")
    try:
        fill(a.store, 10)
        a.sync()
        b.sync()
        assert a.service.check_reachable().online
        assert_laptop_equals_server(b, county)
        assert len(server_records(county)) > 10
    finally:
        a.close()
        b.close()


def _laptop_pinned_to(tmp_path: Path, url: str, ca_pem: str) -> SyncService:
    store = Store.create(tmp_path / "pinned.db", "wang", PASSPHRASE, VILLAGE, kdf=KdfParams.fast_for_tests())
    service = SyncService(store)
    service.configure(url, ca_pem)
    return service


def test_a_certificate_from_another_ca_is_refused_in_plain_words(tmp_path, county, impostor, monkeypatch):
    # The network sends the laptop to the impostor; the laptop only trusts the county CA.
    service = _laptop_pinned_to(tmp_path, impostor.url, county.ca_pem)
    try:
        with pytest.raises(CertificateError) as info:
            service.enroll(impostor.code(VILLAGE), "a")
        assert "county IT" in info.value.message("en") and "县信息中心" in info.value.message("zh")
        assert "CERTIFICATE_VERIFY_FAILED" not in info.value.message("en")
        reach = service.check_reachable()
        assert not reach.online and isinstance(reach.error, CertificateError)
        # Environment variables that would make an ordinary requests client trust the impostor...
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
            monkeypatch.setenv(name, str(impostor.pki.ca_pem))
        assert requests.get(impostor.url + "/api/v1/health", timeout=10).status_code == 200
        # ...change nothing for the pinned laptop.
        with pytest.raises(CertificateError):
            service.enroll(impostor.code(VILLAGE), "a")
        with pytest.raises(CertificateError):
            client.check_health(impostor.url, county.pki.ca_pem)
        assert server_records(impostor) == {}
    finally:
        service.store.close()


def test_the_env_cannot_break_trust_in_the_real_county_either(tmp_path, county, impostor, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(impostor.pki.ca_pem))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # a proxy that does not exist
    a = Laptop(tmp_path / "a.db", county, "a")
    try:
        fill(a.store, 5)
        report = a.sync()
        assert report.pushed > 5
    finally:
        a.close()


def test_staff_sign_in_over_https_pinned_to_the_county_ca(county, impostor):
    from desktop.services.township.desk import TownshipService
    from tests.sync_world import STAFF_PASSWORD, STAFF_USER

    with TownshipService(county.url, county.ca_pem) as desk:
        assert desk.sign_in(STAFF_USER, STAFF_PASSWORD).scope == "township"
        assert desk.items().total == 0
    # The county's CA does not vouch for the impostor: nothing is sent, not even the password.
    with TownshipService(impostor.url, county.ca_pem) as desk, pytest.raises(CertificateError):
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
    with pytest.raises(CertificateError):
        TownshipService(county.url, None).sign_in(STAFF_USER, STAFF_PASSWORD)  # https needs the CA
