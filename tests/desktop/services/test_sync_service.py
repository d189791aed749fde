"""The sync service as the UI uses it, against the real county server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.sync_service import NotConfigured, NotEnrolled, RemoteConfig, SyncService, describe
from desktop.storage import KdfParams, Store
from sync.errors import OfflineError, RejectedError
from sync.laptop.client import HttpRemote
from sync.retry import RetryPolicy
from tests.sync_world import PASSPHRASE, VILLAGE, VILLAGE_2, fill, make_pki, start_county


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.db", "wang", PASSPHRASE, VILLAGE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


def test_not_configured_then_not_enrolled(store, county):
    service = SyncService(store)
    assert service.server_url is None and not service.enrolled and service.last_sync is None
    with pytest.raises(NotConfigured):
        service.run_sync()
    assert not service.check_reachable().online
    service.configure(county.url, None)
    assert service.check_reachable().online
    with pytest.raises(NotEnrolled) as info:
        service.run_sync()
    assert "注册码" in info.value.message("zh")


def test_enroll_sync_and_status(store, county):
    clock = iter([1_800_000_000.0, 1_800_000_100.0])
    service = SyncService(store, clock=lambda: next(clock))
    service.configure(county.url, None)
    info = service.enroll(county.code(VILLAGE), "东村办公室")
    assert info.village_code == VILLAGE and info.county_code == VILLAGE[:6] and service.enrolled
    fill(store, 12)
    waiting = service.pending_count()
    assert waiting > 12
    seen = []
    report = service.run_sync(progress=lambda *a: seen.append(a))
    # The push answer told the laptop every version: its own records do not come back on pull.
    assert report.pushed == waiting and report.pulled == 0 and report.open_conflicts == 0
    assert service.pending_count() == 0 and service.last_sync == 1_800_000_000.0
    assert {s[0] for s in seen} == {"push", "pull"}
    assert describe(report, "zh").startswith(f"已上传 {waiting} 条") and "Sent" in describe(report, "en")


def test_an_enrollment_code_of_another_village_is_refused(store, county):
    service = SyncService(store)
    service.configure(county.url, None)
    with pytest.raises(RejectedError) as info:
        service.enroll(county.code(VILLAGE_2), "x")
    assert info.value.code == "wrong_village" and not service.enrolled


def test_changing_the_server_forgets_the_enrollment(store, county):
    service = SyncService(store)
    service.configure(county.url, None)
    service.enroll(county.code(VILLAGE), "x")
    service.configure(county.url + "/", None)  # same server
    assert service.enrolled
    service.configure("http://127.0.0.1:9", None)
    assert not service.enrolled


def fast_retry(config: RemoteConfig) -> HttpRemote:
    retry = RetryPolicy(backoff_factor=0.01, sleep=config.cancel.sleep)
    return HttpRemote(config.server_url, config.ca_bundle, config.device_id, config.key, retry=retry)


def test_offline_is_reported_quickly_and_changes_stay(store, county, tmp_path):
    service = SyncService(store, fast_retry)
    service.configure(county.url, None)
    service.enroll(county.code(VILLAGE), "x")
    fill(store, 3)
    county.stop()
    reach = service.check_reachable(timeout=1.0)
    assert not reach.online and isinstance(reach.error, OfflineError)
    assert "无法连接" in reach.message("zh")
    with pytest.raises(OfflineError):
        service.run_sync()
    assert service.pending_count() > 3


def test_the_county_ca_is_kept_beside_the_store(store, tmp_path):
    pki = make_pki(tmp_path / "pki")
    service = SyncService(store)
    service.configure("https://127.0.0.1:1", pki.ca_pem.read_text())
    path = service.ca_bundle_path()
    assert path is not None and path.read_bytes() == pki.ca_pem.read_bytes()
    assert path.parent == Path(store.path).parent


def test_a_laptop_pointed_to_another_server_starts_over_there(store, county, tmp_path):
    """Issue 15, item 5: re-pointing forgets the device and also the cursor and epoch of the old
    server, so the new one sees no cursor ahead of its counter (which would renew its epoch), and
    every record of the laptop goes up to it."""
    from sync.server.store import village_epoch
    from tests.sync_world import assert_laptop_equals_server, server_records

    service = SyncService(store)
    service.configure(county.url, None)
    service.enroll(county.code(VILLAGE), "x")
    made = fill(store, 6)
    service.run_sync()
    assert service.replica.cursor() or service.replica.own_upto()
    other = start_county(tmp_path / "other.db")
    try:
        with other.store.read() as conn:
            before = village_epoch(conn, VILLAGE[:6], VILLAGE)
        service.configure(other.url, None)
        assert (service.replica.cursor(), service.replica.own_upto(), service.replica.epoch()) == (0, 0, "")
        service.enroll(other.code(VILLAGE), "x")
        store.household.update(made[0], {"address": "改到新服务器之后"})
        report = service.run_sync()
        assert not report.rejected and not report.conflicts
        with other.store.read() as conn:
            assert village_epoch(conn, VILLAGE[:6], VILLAGE)[0] == before[0]  # not renewed
        assert set(server_records(other)) == set(made)
        assert server_records(other)[made[0]]["data"]["address"] == "改到新服务器之后"
        assert service.pending_count() == 0

        class _Lap:  # the shape assert_laptop_equals_server reads
            def records(self, entity):
                return {
                    r["id"]: {k: v for k, v in r.items() if k != "seq"}
                    for r in store.repository(entity).iter_all(include_deleted=True)
                }

        assert_laptop_equals_server(_Lap(), other)  # type: ignore[arg-type]
    finally:
        other.stop()
