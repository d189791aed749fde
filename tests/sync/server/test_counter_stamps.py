"""Counter stamps (``sync.server.counter_stamps``): every commit that moves a village's counter is
stamped; answers give the laptop the stamp of the value they bring it to; a laptop naming a value
this database gave to another commit shows the database went back, and the new epoch starts where
the two histories part, not at the counter (issue 15, item 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text, update

from sync import stamps
from sync.ids import uuid7
from sync.protocol_decode import decode_pull_response
from sync.server.store import Store, village_epoch
from sync.server.tables import counter_stamps
from sync.server.tables import villages as village_rows
from tests.sync.server.conftest import COUNTY, V1, V2, Laptop, enroll_laptop, household_fields, migrate_to


def _epoch(store: Store, village: str = V1) -> tuple[str, int, int]:
    with store.read() as conn:
        return village_epoch(conn, COUNTY, village)


def _stamps(store: Store, village: str = V1) -> dict[int, int]:
    cs = counter_stamps.c
    with store.read() as conn:
        rows = conn.execute(
            select(cs.seq, cs.stamp).where(cs.county_code == COUNTY, cs.village_code == village)
        ).all()
    return {int(s): int(v) for s, v in rows}


def _new(laptop: Laptop, n: int) -> list[Any]:
    return [laptop.change("household", uuid7(), household_fields()) for _ in range(n)]


def _pull(laptop: Laptop, cursor: int = 0, **query: object) -> Any:
    text = f"cursor={cursor}&limit=1000" + "".join(f"&{k}={v}" for k, v in query.items())
    return laptop.request("GET", f"/api/v1/pull?{text}")


def test_each_commit_that_moves_the_counter_is_stamped_and_answers_name_it(
    laptop: Laptop, villages: Store
) -> None:
    first = laptop.push(_new(laptop, 3))
    second = laptop.push(_new(laptop, 2))
    kept = _stamps(villages)
    assert kept == {3: first.stamp, 5: second.stamp} and first.stamp != second.stamp
    assert all(0 < v <= stamps.MAX_STAMP for v in kept.values())
    # A push that writes nothing takes no number: it answers the stamp of the counter as it is.
    again = laptop.push([laptop.change("household", second.results[0].id, {})])
    assert again.server_seq == 5 and again.stamp == second.stamp and _stamps(villages) == kept
    # A pull page names the stamp of its cursor: the commit that wrote it.
    page = laptop.pull(limit=4)
    assert page.cursor == 4 and page.stamp == second.stamp
    assert laptop.pull(cursor=0, limit=2).stamp == first.stamp
    assert laptop.pull(cursor=5).stamp == second.stamp  # nothing after it: still its stamp


def test_a_replayed_answer_names_the_stamp_of_its_own_commit(laptop: Laptop) -> None:
    batch = uuid7()
    changes = _new(laptop, 2)
    first = laptop.push(changes, batch)
    laptop.push(_new(laptop, 1))
    replay = laptop.push(changes, batch)
    assert replay.replayed and replay.stamp == first.stamp


def test_a_push_naming_a_stamp_of_another_history_is_refused_and_starts_the_epoch_where_they_part(
    server: Any, laptop: Laptop, villages: Store
) -> None:
    other = enroll_laptop(server, V2, "west")
    other.push(_new(other, 1))
    a = laptop.push(_new(laptop, 3))  # 1..3
    b = laptop.push(_new(laptop, 4))  # 4..7
    before, other_before = _epoch(villages), _epoch(villages, V2)
    # What a laptop would hold after the database went back to a copy at 3 and took other writes
    # at 4..7: it saw 7 with a stamp this database gave to no commit.
    seen = [(7, b.stamp ^ 1), (3, a.stamp)]
    late = _new(laptop, 1)
    reply = laptop.push_raw(late, epoch=before[0], known=7, seen=seen)
    assert reply.status == 409 and reply.error == "epoch_changed"
    after = _epoch(villages)
    assert after[0] != before[0] and after[1:] == (7, 3)  # the floor: where the histories part
    assert _epoch(villages, V2) == other_before  # another village: untouched
    assert len(laptop.pull_all()[0]) == 7  # nothing of the refused batch stored
    # The same stamps under the new epoch are one history again up to the floor... and the
    # laptop re-syncs before it names any: a push naming the matching pair is taken.
    taken = laptop.push(late, epoch=after[0], known=7, seen=[(7, b.stamp)])
    assert taken.results[0].status == "applied"


def test_a_push_naming_its_own_history_or_unknown_stamps_is_taken(laptop: Laptop, villages: Store) -> None:
    a = laptop.push(_new(laptop, 2))
    epoch = _epoch(villages)[0]
    assert laptop.push(_new(laptop, 1), epoch=epoch, known=2, seen=[(2, a.stamp)]).stamp
    assert laptop.push(_new(laptop, 1), epoch=epoch, known=3, seen=[(1, a.stamp)]).stamp  # 1 is in 1..2
    # A database whose commits were made before stamps existed cannot say: no check.
    with villages.write() as conn:
        conn.execute(delete(counter_stamps))
    assert (
        laptop.push(_new(laptop, 1), epoch=epoch, known=4, seen=[(4, 12345)]).results[0].status == "applied"
    )
    assert _epoch(villages)[0] == epoch


def test_a_laptop_naming_no_stamp_and_a_counter_ahead_still_starts_at_the_counter(
    laptop: Laptop, villages: Store
) -> None:
    laptop.push(_new(laptop, 2))
    reply = laptop.push_raw(_new(laptop, 1), known=9)
    assert reply.status == 409 and reply.error == "epoch_changed"
    assert _epoch(villages)[1:] == (2, 2)  # a laptop of an earlier release: the counter is all there is


def test_a_pull_naming_another_history_renews_the_epoch_at_the_floor(laptop: Laptop, villages: Store) -> None:
    a = laptop.push(_new(laptop, 2))
    b = laptop.push(_new(laptop, 2))
    before = _epoch(villages)
    same = _pull(laptop, cursor=4, known=4, seen=stamps.query_text([(4, b.stamp), (2, a.stamp)]))
    assert same.status == 200 and _epoch(villages) == before
    reply = _pull(laptop, cursor=4, known=4, seen=stamps.query_text([(4, b.stamp + 1), (2, a.stamp)]))
    assert reply.status == 200
    page = decode_pull_response(reply.body)
    after = _epoch(villages)
    assert after[0] != before[0] and after[2] == 2
    assert (page.epoch, page.epoch_seq) == (after[0], 2)
    # Nothing it saw matches: the floor is 0 (the laptop compares every value it holds).
    with villages.write() as conn:
        conn.execute(update(village_rows).values(epoch=before[0]))  # as if never renewed
    _pull(laptop, cursor=4, known=4, seen=stamps.query_text([(4, 77), (2, 78)]))
    assert _epoch(villages)[2] == 0


def test_a_malformed_seen_is_refused_and_renews_nothing(laptop: Laptop, villages: Store) -> None:
    laptop.push(_new(laptop, 2))
    before = _epoch(villages)
    for bad in (
        "2",
        "2.x",
        "%EF%BC%91.5",
        "1.5,2.5",
        ",".join(f"{n}.1" for n in range(40, 0, -1)),
        "1." + "9" * 19,
    ):
        reply = _pull(laptop, cursor=2, known=2, seen=bad)
        assert reply.status in (400, 422) and reply.error == "malformed", (bad, reply.json)
    assert _epoch(villages) == before


def test_migration_0013_stamps_each_village_counter_as_it_stands(tmp_path: Path) -> None:
    store = Store(tmp_path / "old.db")
    migrate_to(store, "0012")
    with store.engine.begin() as conn:
        for village, seq in ((V1, 41), (V2, 0)):
            conn.execute(
                text(
                    "INSERT INTO villages (county_code, village_code, township_code, name, seq, created_at,"
                    " epoch, epoch_seq) VALUES (:c, :v, '110105001', 'x', :s, 1, 'e', 0)"
                ),
                {"c": COUNTY, "v": village, "s": seq},
            )
    store.migrate()
    kept = _stamps(store)
    assert list(kept) == [41] and 0 < kept[41] <= stamps.MAX_STAMP
    assert _stamps(store, V2) == {}  # nothing counted yet: nothing to stamp
    store.close()


def test_staff_decisions_stamp_the_commits_they_make(server: Any, laptop: Laptop, laptop_b: Laptop) -> None:
    from sync.server import admin
    from tests.sync.server.test_review import PASSWORD, Desk

    admin.add_user(server.store, "township1", PASSWORD, "township", V1[:9])
    rid = uuid7()
    laptop.push([laptop.change("household", rid, household_fields())])
    laptop.push([laptop.change("household", rid, {"phone": "13800138000"}, base={"phone": 1})])
    laptop_b.push([laptop_b.change("household", rid, {"phone": "13900139000"}, base={"phone": 1})])
    counter = _epoch(server.store)[1]
    desk = Desk(server, "township1")
    (item,) = desk.items()["items"]
    reply = desk.decide(item, "village", conflict_id=item["village_values"][0]["conflict_id"])
    assert reply.status_code == 200, reply.text
    assert _epoch(server.store)[1] == counter + 1 and counter + 1 in _stamps(server.store)


def test_a_push_with_malformed_seen_is_refused_and_stores_nothing(laptop: Laptop, villages: Store) -> None:
    laptop.push(_new(laptop, 1))
    before = _epoch(villages)
    for bad in ([(1, 5), (3, 6)], [(2**70, 1)], [(1, -1)]):
        reply = laptop.push_raw(_new(laptop, 1), known=1, seen=bad)
        assert reply.status == 400 and reply.error == "malformed", (bad, reply.json)
    assert _epoch(villages) == before and len(laptop.pull_all()[0]) == 1
