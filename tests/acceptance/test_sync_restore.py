"""The county restores its database from a backup: laptops whose cursor is ahead of the restored copy
re-sync from a snapshot (a new server epoch, or the counter behind their cursor) and send again
what the copy lacks; nothing acknowledged is lost, nothing is duplicated, pending edits survive.
Here: a whole restore, a push under an old epoch, and restores where a laptop syncs first (issue 15,
items 3 and 4). Values waiting on the township: ``test_sync_restore_waiting``; the order of values a
restore lost: ``test_sync_restore_lost_values``; the county and its backups: ``restore_world``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.services.sync_service import http_remote
from tests.acceptance.restore_world import (
    Written,
    assert_every_value_kept,
    assert_no_echo_items,
    county_items,
    fill_households,
    restorable,
    sync_until_settled,
)
from tests.sync_world import VILLAGE, County, Laptop, server_records
from tests.sync_world import assert_laptop_equals_server as equal

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
def test_restore_from_backup_loses_nothing(backend: str, renew: bool, tmp_path: Path) -> None:
    with restorable(backend, tmp_path) as world:
        a, b = world.laptop("a"), world.laptop("b")
        early = fill_households(a, 20, "A")
        a.sync()
        b.sync()
        world.take()  # the county's nightly backup
        # After the backup: a edits and creates, the server acknowledges, b pulls it all.
        late = fill_households(a, 10, "L")
        for hid in early[:5]:
            a.store.household.update(hid, {"address": f"改后 {hid[-4:]}"})
        a.sync()
        assert a.service.pending_count() == 0
        b.sync()
        b.store.household.update(early[5], {"phone": "13800138000"})  # acknowledged, then lost
        b.sync()
        # Pending on a when the restore happens: an edit of a lost value and a new record.
        a.store.household.update(early[0], {"head_name": "新户主"})
        a.store.household.update(late[0], {"address": "未同步的新地址"})
        pending_new = fill_households(a, 1, "P")[0]
        expected_a = {hid: r for hid, r in a.records("household").items()}
        expected_phone = b.records("household")[early[5]]["phone"]

        world.restore(renew=renew)
        county = world.county
        assert len(server_records(county)) == 20  # the copy lacks everything after the backup

        # A laptop enrolled after the restore changes something that a also has.
        c = world.laptop("c")
        c.sync()
        c.store.household.update(early[10], {"phone": "13900139000"})
        c_new = fill_households(c, 3, "C")
        c.sync()

        report = a.sync()
        assert report.resynced
        assert a.service.pending_count() == 0
        server = server_records(county)
        for hid, row in expected_a.items():  # everything a had, pending edits included
            assert hid in server
            for name in ("household_no", "head_name", "address", "phone"):
                if (hid, name) == (early[10], "phone"):
                    continue  # c changed it since
                assert server[hid]["data"].get(name) == row[name], (hid, name)
        assert server[early[0]]["data"]["head_name"] == "新户主"
        assert server[late[0]]["data"]["address"] == "未同步的新地址"
        assert pending_new in server
        assert server[early[10]]["data"]["phone"] == "13900139000"  # c's change reached a...
        assert all(cid in a.records("household") for cid in c_new)  # ...and c's new records
        equal(a, county)

        assert b.sync().resynced
        assert server_records(county)[early[5]]["data"]["phone"] == expected_phone
        equal(b, county)
        c.sync()
        equal(c, county)
        a.sync()
        equal(a, county)
        # Nothing duplicated, nothing turned into a conflict with itself.
        assert len(server_records(county)) == 20 + 10 + 1 + 3
        conf = county_items(county)
        assert conf == [], [(x.get("field"), x.get("values"), x) for x in conf]
        assert not a.sync().resynced  # settled: the next run is an ordinary one


def test_a_push_under_an_old_epoch_is_refused_whole(county: County, laptops: Callable[..., Laptop]) -> None:
    """A batch naming another epoch stores nothing; one naming none (an older laptop) is taken."""
    from sync import protocol
    from sync.errors import RejectedError
    from sync.laptop.engine import CancelToken

    a = laptops("a")
    fill_households(a, 2, "A")
    a.sync()
    epoch = a.service.replica.epoch()
    assert epoch  # learned from the pull
    remote = http_remote(a.service._config(CancelToken()))
    change = a.service.replica.pending_changes(10).changes
    assert change == []
    before = server_records(county)
    hid = next(iter(before))
    edit = protocol.Change(
        entity="household",
        id=hid,
        village_code=VILLAGE,
        fields={"phone": "13700137000"},
        base={},
        base_values={},
        base_seq=0,
        deleted=False,
        hlc=1,
        user="wang",
    )
    stale = protocol.PushRequest(batch_id="old-epoch-batch", changes=[edit], epoch="an-older-epoch")
    with pytest.raises(RejectedError) as err:
        remote.push(protocol.encode(stale))
    assert err.value.code == "epoch_changed" and err.value.status == 409
    assert server_records(county) == before  # nothing stored
    fresh = protocol.PushRequest(batch_id="this-epoch-batch", changes=[edit], epoch=epoch)
    assert remote.push(protocol.encode(fresh)).epoch == epoch
    older = protocol.PushRequest(batch_id="no-epoch-batch", changes=[edit])
    assert remote.push(protocol.encode(older)).results[0].status == "unchanged"
    assert remote.pull(0, 10).epoch == epoch
    assert remote.status()["epoch"] == epoch
    remote.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
@pytest.mark.parametrize("first", ["push", "pull"], ids=["pushes-first", "pulls-first"])
def test_a_restore_where_a_laptop_syncs_first_loses_no_value(
    backend: str, renew: bool, first: str, tmp_path: Path
) -> None:
    """Issue 15, items 3 and 4: after the backup laptops sync changes the restored copy lacks; after
    the restore a laptop with many pending edits pushes first (or one with none pulls first). The
    server must notice it went back from what the laptop knew, and every value ends applied, open,
    or in the history; the first push refuses nothing and opens no item against itself."""
    with restorable(backend, tmp_path) as world:
        a, b, c = world.laptop("a"), world.laptop("b"), world.laptop("c")
        w = Written()
        early = w.fill(a, 30, "A")
        for lap in (a, b, c):
            lap.sync()
        world.take()
        # After the backup: acknowledged changes the copy will lack.
        late = w.fill(a, 8, "L")
        for hid in early[:6]:
            w.edit(a, hid, {"address": f"改后 {hid[-4:]}"})
        a.sync()
        b.sync()
        for i, hid in enumerate(early[6:10]):
            w.edit(b, hid, {"phone": f"1380013{i:04d}"})
        b_new = w.fill(b, 3, "B")
        b.sync()
        c.sync()
        # A conflict after the backup: a and b on one field.
        w.edit(a, early[12], {"phone": "13911110000"})
        w.edit(b, early[12], {"phone": "13922220000"})
        a.sync()
        b.sync()
        c.sync()
        # Pending when the restore happens: many edits on a (lost values and copy values).
        for hid in early[13:28] + late[:4]:
            w.edit(a, hid, {"head_name": f"新户主{hid[-3:]}"})
        w.edit(a, early[0], {"category": "low_income"})
        pending_new = w.fill(a, 5, "P")

        world.restore(renew=renew)
        county = world.county

        if first == "push":
            report = a.sync()
            assert report.resynced and not report.rejected, report.rejected
            assert_no_echo_items(county)
            order = (b, c, a)
        else:
            assert c.sync().resynced
            order = (a, b, c)
        sync_until_settled(world, order)
        assert_every_value_kept(county, w, early + late + b_new + pending_new)
        open_fields = [(x["record_id"], x["field"]) for x in county.staff().conflicts()]
        assert set(open_fields) <= {(early[12], "phone")}
