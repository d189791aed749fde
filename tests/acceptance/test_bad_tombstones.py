"""Issue 10 item 2 across the whole sync: hostile tombstones from a signed device never reach the
village's other laptops, and a bad value already on the server (stored before the server checked
deleted records) is kept aside on the laptop instead of failing every later sync."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import update

from desktop.services.sync_service import describe
from sync.errors import OfflineError
from sync.ids import uuid7
from sync.server.prune import prune_answers
from sync.server.tables import records
from tests.sync.server.conftest import enroll_laptop, household_fields
from tests.sync_world import VILLAGE, County, Laptop, assert_laptop_equals_server


def test_hostile_tombstones_from_a_signed_device_never_reach_other_laptops(
    county: County, laptops: Callable[..., Laptop]
) -> None:
    a = laptops("a")
    a.store.household.create(household_fields())
    a.sync()
    device = enroll_laptop(county.server, VILLAGE, "hostile")
    hostile = [
        device.change("household", uuid7(), {"address": "村" * 10_000_000}, deleted=True),
        device.change(
            "household",
            uuid7(),
            {"head_name": "张\x00三", "address": "\u202e东村", "unknown": [1, 2]},
            deleted=True,
        ),
        device.change("household", uuid7(), {"address": {"x": [1]}}, deleted=True),
    ]
    response = device.push(hostile)
    assert [r.status for r in response.results] == ["rejected"] * 3
    assert all(p.zh and p.en for r in response.results for p in r.errors)
    b = laptops("b")
    report = b.sync()
    assert report.pulled == 1 and report.quarantined == []
    assert_laptop_equals_server(b, county)
    assert_laptop_equals_server(a, county)


def _tamper(county: County, record_id: str, data: dict) -> None:
    """What a server of an earlier release may hold: a value no form allows."""
    with county.store.write() as conn:
        conn.execute(update(records).where(records.c.id == record_id).values(data=json.dumps(data)))


def test_a_bad_value_on_the_server_is_kept_aside_and_the_sync_goes_on(
    county: County, laptops: Callable[..., Laptop]
) -> None:
    device = enroll_laptop(county.server, VILLAGE, "old-release")
    gone, long, fine = uuid7(), uuid7(), uuid7()
    first = device.push(
        [
            device.change("household", gone, {"address": "一组"}, deleted=True),
            device.change("household", long, household_fields()),
            device.change("household", fine, household_fields()),
        ]
    )
    assert [r.status for r in first.results] == ["applied"] * 3
    _tamper(county, gone, {"address": {"x": [1]}})
    _tamper(county, long, dict(household_fields(), address="村" * 5000))

    b = laptops("b")
    report = b.sync()  # on a laptop of an earlier release: "Error binding parameter", every run
    assert {n.id for n in report.quarantined} == {gone, long}
    notes = {n.id: n for n in report.quarantined}
    assert notes[gone].fields == ("address",) and notes[gone].problems[0].code == "not_text"
    assert notes[long].problems[0].code == "too_long"
    assert set(b.records("household")) == {fine}
    assert b.service.replica.cursor() == first.server_seq
    assert "县信息中心" in describe(report, "zh") and "county IT" in describe(report, "en")
    assert "村村" not in describe(report, "zh")
    again = b.sync()  # the next run is not stopped either
    assert {n.id for n in again.quarantined} == {gone, long}

    # Kept aside in the encrypted store across a restart, without the bad values.
    b.reopen()
    rows = b.store.db.query("SELECT record_id, record FROM quarantine")
    assert {r[0] for r in rows} == {gone, long}
    assert all("村村" not in r[1] and '"x"' not in r[1] for r in rows)

    # The county puts the value right: the record is released whole.
    fixed = device.push(
        [
            device.change(
                "household",
                long,
                {"address": "二组3号"},
                base={"address": first.results[1].versions["address"]},
                base_seq=first.results[1].seq,
            )
        ]
    ).results[0]
    assert fixed.status == "applied", fixed
    report = b.service.run_sync()
    assert {n.id for n in report.quarantined} == {gone}
    row = b.records("household")[long]
    assert row["address"] == "二组3号" and row["head_name"] == household_fields()["head_name"]


def test_a_laptop_back_from_an_old_copy_resends_a_pruned_batch_safely(
    county: County, laptops: Callable[..., Laptop], tmp_path: Path
) -> None:
    """Issue 10 item 10: the county prunes a batch's answer; a laptop restored from a copy of its file
    made while that batch was unanswered sends it again. The server refuses it (never applied twice);
    the laptop sends its records as a new batch and ends equal to the county, with no conflict."""
    a = laptops("a")
    a.link.script = ["drop_response"]
    hid = a.store.household.create(household_fields())
    with pytest.raises(OfflineError):
        a.sync()
    assert a.service.replica.frozen_batch() is not None
    a.store.close()
    copy = tmp_path / "copy"
    copy.mkdir()
    files = [p for p in tmp_path.iterdir() if p.is_file() and p.name.startswith(a.path.name)]
    for p in files:
        shutil.copy2(p, copy / p.name)
    a.reopen()
    a.sync()  # the answer replayed
    for n in range(2):  # two newer batches: the first one is settled for good
        a.store.household.create(household_fields(household_no=f"H-{n}", head_name=f"户主{n}"))
        a.sync()
    assert prune_answers(county.store, days=0, now=county.store.now() + 1) == 1
    seq_before = server_seq(county)

    a.store.close()
    for p in files:
        shutil.copy2(copy / p.name, p)
    a.reopen()
    assert a.service.replica.frozen_batch() is not None  # the old, unanswered batch
    report = a.sync()
    assert a.service.replica.frozen_batch() is None and a.service.replica.pending_count() == 0
    assert report.conflicts == [] and report.rejected == []
    assert server_seq(county) == seq_before  # the values were there already: nothing written
    assert hid in a.records("household")
    b = laptops("b")
    b.sync()
    assert len(b.records("household")) == 3
    assert_laptop_equals_server(b, county)


def server_seq(county: County) -> int:
    from sqlalchemy import func, select

    from sync.server.tables import records as rec

    with county.store.read() as conn:
        return int(conn.execute(select(func.max(rec.c.seq))).scalar_one())
