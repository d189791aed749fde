"""Issue 15, item 3, where counter numbers alone cannot tell: the county goes back to a backup
without ``county-server restored`` and the first laptop to sync knew nothing later than it. Its
writes take counter numbers the lost history had given, up to or past the cursors of laptops that
synced after the backup. The server must still notice, from the stamps those laptops saw
(``sync.server.counter_stamps``), that they knew another history, re-sync them from where the two
histories part, and every value they sent after the backup must end applied, open, or in the
history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.restore_world import Written, assert_every_value_kept, restorable, sync_until_settled

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("renew", [True, False], ids=["restored", "not-renewed"])
@pytest.mark.parametrize("first", ["push", "pull"], ids=["pushes-first", "pulls-first"])
@pytest.mark.parametrize("writes", [2, 18], ids=["below-their-cursors", "past-their-cursors"])
def test_a_laptop_that_knew_nothing_later_than_the_backup_syncs_first(
    backend: str, renew: bool, first: str, writes: int, tmp_path: Path
) -> None:
    with restorable(backend, tmp_path) as world:
        a, b, d = world.laptop("a"), world.laptop("b"), world.laptop("d")
        w = Written()
        early = w.fill(a, 20, "A")
        for lap in (a, b, d):
            lap.sync()
        world.take()
        # After the backup, b and a sync 11 values the restored copy will lack; d stays offline.
        for i, hid in enumerate(early[:5]):
            w.edit(b, hid, {"phone": f"1380013{i:04d}"})
        b.sync()
        b_new = w.fill(b, 3, "B")
        b.sync()
        for hid in early[5:8]:
            w.edit(a, hid, {"address": f"改后 {hid[-4:]}"})
        a.sync()
        b.sync()
        # d, offline since before the backup, writes fewer or more records than they synced.
        d_new = w.fill(d, min(writes, 6), "D")
        for hid in early[8 : 8 + writes - len(d_new)]:
            w.edit(d, hid, {"head_name": f"新户主{hid[-3:]}"})

        world.restore(renew=renew)
        county = world.county
        if first == "push":
            report = d.sync()
            assert not report.rejected, report.rejected
            order = (b, a, d)
        else:
            d.sync()  # it knew nothing later: it pulls, then pushes on the restored copy
            order = (a, b, d)
        sync_until_settled(world, order)
        assert_every_value_kept(county, w, early + b_new + d_new)
