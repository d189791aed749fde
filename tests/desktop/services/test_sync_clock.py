"""A laptop clock far off the county's: sync goes on with the server's time, the official is told
the clock is wrong, and the learned offset is kept for the next run. Real county server on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.sync_service import RemoteConfig, SyncService, describe, http_remote
from desktop.storage import KdfParams, Store
from sync.laptop.client import HttpRemote
from tests.sync_world import PASSPHRASE, VILLAGE, County, fill

DAY = 86400.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.db", "wang", PASSPHRASE, VILLAGE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


class Recording:
    """The real HTTP remote, remembered so the test can count its requests."""

    def __init__(self) -> None:
        self.remotes: list[HttpRemote] = []

    def __call__(self, config: RemoteConfig) -> HttpRemote:
        remote = http_remote(config)
        self.remotes.append(remote)
        return remote


def test_a_wrong_clock_does_not_block_sync_and_is_reported(store: Store, county: County) -> None:
    made = Recording()
    service = SyncService(store, made)
    service.configure(county.url, None)
    service.enroll(county.code(VILLAGE), "东村办公室")
    # The laptop's clock is three days behind the county's (a flat CMOS battery).
    county.store.clock = lambda: time.time() + 3 * DAY
    ids = fill(store, 5)
    waiting = service.pending_count()
    report = service.run_sync()
    assert report.pushed == waiting and service.pending_count() == 0
    assert report.clock_offset == pytest.approx(3 * DAY, abs=10)
    zh, en = describe(report, "zh"), describe(report, "en")
    assert "时间" in zh and "3 天" in zh
    assert "clock" in en and "3 days" in en
    first_run_requests = made.remotes[0].stats.requests

    # The next run (another session, same store) signs right from the first request.
    store.household.update(ids[0], {"address": "二组5号"})
    again = SyncService(store, made).run_sync()
    assert again.pushed > 0 and again.clock_offset == pytest.approx(3 * DAY, abs=10)
    assert made.remotes[1].stats.requests < first_run_requests
    assert made.remotes[1].stats.requests == again.batches + again.pages + 1  # + the status call


def test_reachability_tells_the_clock_is_off(store: Store, county: County) -> None:
    service = SyncService(store)
    service.configure(county.url, None)
    county.store.clock = lambda: time.time() - 2 * 3600
    reach = service.check_reachable()
    assert reach.online and reach.clock_offset == pytest.approx(-2 * 3600, abs=10)
    assert "2 小时" in reach.message("zh") and "2 hours" in reach.message("en")


def test_a_right_clock_says_nothing_about_it(store: Store, county: County) -> None:
    service = SyncService(store)
    service.configure(county.url, None)
    service.enroll(county.code(VILLAGE), "东村办公室")
    fill(store, 1)
    report = service.run_sync()
    assert abs(report.clock_offset) < 10
    assert "clock" not in describe(report, "en") and "时间" not in describe(report, "zh")
    assert service.check_reachable().message("en") == "Connected to the county server"


def test_the_offset_seen_by_a_reachability_check_signs_the_first_push(store: Store, county: County) -> None:
    made = Recording()
    service = SyncService(store, made)
    service.configure(county.url, None)
    service.enroll(county.code(VILLAGE), "东村办公室")
    county.store.clock = lambda: time.time() - DAY  # the laptop is a day ahead
    assert service.check_reachable().online
    fill(store, 3)
    report = service.run_sync()
    assert report.pushed > 0 and report.clock_offset == pytest.approx(-DAY, abs=10)
    remote = made.remotes[0]
    assert remote.stats.requests == report.batches + report.pages + 1  # no stale first try
