"""The server notices it went back (restored from a backup without ``county-server restored``) when
a laptop shows it knew a later counter, on pull as on push, and renews only that village's epoch,
under its lock (issue 15, items 3 and 5)."""

from __future__ import annotations

from sync.server.store import Store, renew_epoch, village_epoch
from tests.sync.server.conftest import COUNTY, V1, V2, Laptop, enroll_laptop, household_fields


def _epochs(store: Store) -> dict[str, tuple[str, int, int]]:
    with store.read() as conn:
        return {v: village_epoch(conn, COUNTY, v) for v in (V1, V2)}


def _records(laptop: Laptop) -> int:
    return len(laptop.pull_all()[0])


def test_an_ahead_pull_renews_only_its_own_village(server, laptop: Laptop, villages: Store) -> None:
    other = enroll_laptop(server, V2, "west")
    laptop.push([laptop.change("household", rid, household_fields()) for rid in _ids(2)])
    other.push([other.change("household", rid, household_fields()) for rid in _ids(1)])
    before = _epochs(villages)
    counter = before[V1][1]
    page = laptop.pull(cursor=counter + 1)  # this laptop saw a counter value the database never reached
    after = _epochs(villages)
    assert after[V2] == before[V2]  # another village: untouched
    assert after[V1][0] != before[V1][0] and after[V1][2] == counter
    assert (page.epoch, page.epoch_seq) == (after[V1][0], counter)
    # A pull that is not ahead renews nothing.
    laptop.pull(cursor=counter)
    assert _epochs(villages) == after


def test_a_push_knowing_a_later_counter_is_refused_and_renews_only_its_village(
    server, laptop: Laptop, villages: Store
) -> None:
    other = enroll_laptop(server, V2, "west")
    answer = laptop.push([laptop.change("household", rid, household_fields()) for rid in _ids(2)])
    other.push([other.change("household", rid, household_fields()) for rid in _ids(1)])
    before = _epochs(villages)
    counter = before[V1][1]
    assert answer.epoch == before[V1][0]
    late = laptop.change("household", _ids(1)[0], household_fields())
    reply = laptop.push_raw([late], epoch=answer.epoch, known=counter + 3)
    assert reply.status == 409 and reply.error == "epoch_changed"
    after = _epochs(villages)
    assert after[V2] == before[V2]
    assert after[V1][0] != before[V1][0] and after[V1][1:] == (counter, counter)
    assert _records(laptop) == 2  # nothing of the refused batch stored
    # Knowing the new epoch (and no later counter), the laptop's push is taken.
    taken = laptop.push([late], epoch=after[V1][0], known=counter)
    assert taken.results[0].status == "applied" and taken.epoch == after[V1][0]
    # A laptop of an earlier release names neither: taken as before.
    assert laptop.push([laptop.change("household", _ids(1)[0], household_fields())]).epoch == after[V1][0]


def test_county_server_restored_renews_every_village(villages: Store) -> None:
    before = _epochs(villages)
    renew_epoch(villages)
    after = _epochs(villages)
    assert all(after[v][0] != before[v][0] for v in (V1, V2))


def _ids(n: int) -> list[str]:
    from sync.ids import uuid7

    return [uuid7() for _ in range(n)]
