"""The sync engine over a real encrypted store and the real county server on loopback; only the link
in between is made unreliable (tests.sync_world.Link)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.storage.replica import StoreReplica
from sync import protocol_decode
from sync.errors import Cancelled, OfflineError, SyncTimeout
from sync.laptop.engine import BatchSizer, CancelToken, SyncEngine
from tests.sync_world import (
    County,
    Laptop,
    Link,
    assert_laptop_equals_server,
    fill,
    server_records,
)


@pytest.fixture
def laptop(tmp_path: Path, county: County) -> Iterator[Laptop]:
    lap = Laptop(tmp_path / "a.db", county, "a")
    yield lap
    lap.close()


def engine(laptop: Laptop, link: Link | None = None, **kw) -> SyncEngine:
    link = link or laptop.link
    remote = link(laptop.service._config(CancelToken()))
    return SyncEngine(StoreReplica(laptop.store), remote, **kw)


def batch_sizes(link: Link) -> list[int]:
    return [len(protocol_decode.decode_push_request(b).changes) for b in link.pushes]


def ticking(step: float):
    """A monotonic clock that moves ``step`` seconds each time it is read."""
    counter = itertools.count()
    return lambda: next(counter) * step


def test_batch_sizer_grows_when_fast_and_full_shrinks_when_slow():
    s = BatchSizer(size=200, cap=2000, minimum=10)
    s.observe(200, 0.2)
    assert s.size == 400
    s.observe(100, 0.2)  # a short last batch says nothing about speed
    assert s.size == 400
    for _ in range(5):
        s.observe(s.size, 0.1)
    assert s.size == 2000
    s.observe(2000, 20.0)
    assert s.size == 1000
    for _ in range(10):
        s.shrink()
    assert s.size == 10


def test_batches_grow_while_round_trips_are_fast(laptop, county):
    fill(laptop.store, 1200)
    records = laptop.service.pending_count()
    report = engine(laptop, clock=ticking(0.05)).run()
    sizes = batch_sizes(laptop.link)
    # Each batch is prepared while the previous one is at the server, so growth shows one batch late.
    assert sizes[:4] == [200, 200, 400, min(800, records - 800)] and sum(sizes) == records
    assert report.pushed == records and report.batches == len(sizes)
    assert laptop.service.pending_count() == 0
    assert_laptop_equals_server(laptop, county)


def test_batches_shrink_when_round_trips_are_slow(laptop):
    fill(laptop.store, 300)
    engine(laptop, clock=ticking(10.0)).run()
    assert batch_sizes(laptop.link)[:3] == [200, 100, 50]


def test_a_timeout_resends_the_frozen_batch_unchanged_and_shrinks_later_ones(laptop, county):
    fill(laptop.store, 500)
    laptop.link.script = ["timeout_after", "ok", "timeout_before", "ok"]
    report = engine(laptop, clock=ticking(0.05)).run()
    p = laptop.link.pushes
    assert p[0] == p[1] and p[2] == p[3]  # same bytes after each timeout
    assert laptop.link.answers[1].replayed  # the first had committed: stored answer
    sizes = batch_sizes(laptop.link)
    assert sizes[:5] == [200, 200, 100, 100, 50]  # halved after each timeout
    assert sizes[6] == 100  # and growing again while fast (one batch late: prepared ahead)
    assert report.pushed == laptop.store.db.query("SELECT count(*) FROM person")[0][0] + len(
        laptop.store.household.ids()
    )
    assert_laptop_equals_server(laptop, county)


def test_timeouts_in_a_row_give_up_and_keep_the_batch_frozen(laptop):
    fill(laptop.store, 20)
    laptop.link.script = ["timeout_before"] * 3
    with pytest.raises(SyncTimeout):
        engine(laptop).run()
    frozen = StoreReplica(laptop.store).frozen_batch()
    assert frozen is not None and frozen.body == laptop.link.pushes[0]
    report = laptop.sync()
    assert report.resumed and laptop.link.pushes[-1] == frozen.body


def test_too_large_batches_are_split(laptop, county):
    fill(laptop.store, 150)
    laptop.link.max_changes = 60
    total = laptop.service.pending_count()
    report = engine(laptop).run()
    sizes = batch_sizes(laptop.link)
    refused = [s for s in sizes if s > 60]
    assert refused[0] == total  # refused whole, then split in halves until it passes
    assert all(b <= (a + 1) // 2 for a, b in itertools.pairwise(refused))
    assert sum(s for s in sizes if s <= 60) == total == report.pushed
    assert laptop.service.pending_count() == 0
    assert_laptop_equals_server(laptop, county)


def test_progress_and_cancel_between_batches(laptop, county):
    fill(laptop.store, 600)
    total = laptop.service.pending_count()
    seen: list[tuple[str, int, int]] = []
    cancel = CancelToken()

    def progress(phase: str, done: int, all_: int) -> None:
        seen.append((phase, done, all_))
        if phase == "push" and done >= 200:
            cancel.cancel()

    eng = engine(laptop, progress=progress, clock=ticking(0.05))
    with pytest.raises(Cancelled):
        eng.run(cancel)
    assert seen[0] == ("push", 0, total)
    assert seen[1] == ("push", 200, total)
    assert StoreReplica(laptop.store).frozen_batch() is None  # stopped cleanly between batches
    assert laptop.service.pending_count() == total - 200
    seen.clear()
    report = engine(laptop, progress=lambda *a: seen.append(a)).run()
    assert report.pushed == total - 200
    pull = [s for s in seen if s[0] == "pull"]
    assert pull[-1][1] == pull[-1][2] > 0  # done == total at the end of the pull
    assert_laptop_equals_server(laptop, county)


def test_lost_answer_is_resent_first_and_applied_once(laptop, county):
    ids = fill(laptop.store, 30)
    laptop.link.script = ["drop_response"]
    with pytest.raises(OfflineError):
        laptop.sync()
    assert laptop.service.pending_count() == len(ids)  # nothing acknowledged locally yet
    assert len(server_records(county)) == len(ids)  # the county did commit
    laptop.reopen()  # as after a restart
    report = laptop.sync()
    assert report.resumed and report.pushed == len(ids)
    assert laptop.link.pushes[1] == laptop.link.pushes[0]
    assert laptop.link.answers[1].replayed
    assert laptop.link.answers[1].results == laptop.link.answers[0].results
    assert laptop.service.pending_count() == 0
    assert report.server_seq == len(ids)  # one counter step per record: applied once
    assert_laptop_equals_server(laptop, county)


def test_pull_pages_resume_from_the_last_applied_cursor(tmp_path, laptop, county):
    fill(laptop.store, 120)
    laptop.sync()
    other = Laptop(tmp_path / "b.db", county, "b")
    try:
        other.link.pull_script = ["ok", "drop_response"]
        eng = engine(other, pull_sizer=BatchSizer(size=50, cap=50))
        with pytest.raises(OfflineError):
            eng.run()
        replica = StoreReplica(other.store)
        first_page = replica.cursor()
        assert first_page > 0
        report = engine(other, pull_sizer=BatchSizer(size=50, cap=50)).run()
        assert report.pages >= 2 and report.cursor == len(server_records(county))
        assert_laptop_equals_server(other, county)
    finally:
        other.close()


class _Watched(StoreReplica):
    """The real replica, noting how many batches were frozen and how many sent each time an answer
    is settled, and stopping once while settling (as a crash would) when told to."""

    def __init__(self, laptop: Laptop, fail_at: int = 0) -> None:
        super().__init__(laptop.store)
        self.link = laptop.link
        self.frozen_when_settling: list[int] = []
        self.sent_when_settling: list[int] = []
        self.fail_at = fail_at

    def apply_push(self, batch, response):
        frozen = len(self.frozen_batches())
        self.frozen_when_settling.append(frozen)
        settling = len(self.frozen_when_settling)
        deadline = time.monotonic() + 10
        while frozen == 2 and len(self.link.pushes) <= settling and time.monotonic() < deadline:
            time.sleep(0.01)  # the next batch was handed to the link thread: let it reach the server
        self.sent_when_settling.append(len(self.link.pushes))
        if settling == self.fail_at:
            raise RuntimeError("stopped while settling")
        return super().apply_push(batch, response)


def test_the_next_batch_is_at_the_server_while_the_answered_one_is_settled(laptop, county):
    fill(laptop.store, 600)
    replica = _Watched(laptop)
    remote = laptop.link(laptop.service._config(CancelToken()))
    report = SyncEngine(replica, remote, clock=ticking(0.05)).run()
    n = report.batches
    assert n >= 3 and replica.frozen_when_settling == [2] * (n - 1) + [1]
    assert replica.sent_when_settling == [*range(2, n + 1), n]  # batch k+1 sent before k settles
    assert laptop.service.pending_count() == 0
    assert_laptop_equals_server(laptop, county)


def test_stopped_while_settling_with_two_batches_frozen_both_are_resent_in_order(laptop, county):
    ids = fill(laptop.store, 600)
    remote = laptop.link(laptop.service._config(CancelToken()))
    with pytest.raises(RuntimeError):
        SyncEngine(_Watched(laptop, fail_at=1), remote, clock=ticking(0.05)).run()
    frozen = StoreReplica(laptop.store).frozen_batches()
    assert [b.body for b in frozen] == laptop.link.pushes == laptop.link.pushes[:2]
    laptop.reopen()
    report = laptop.sync()
    assert report.resumed and laptop.link.pushes[2:4] == [b.body for b in frozen]
    assert laptop.link.answers[2].replayed and laptop.link.answers[3].replayed
    assert report.server_seq == len(ids)  # one counter step per record: nothing applied twice
    assert laptop.service.pending_count() == 0
    assert_laptop_equals_server(laptop, county)


def _record_seqs(county: County) -> dict[str, int]:
    from sqlalchemy import select

    from sync.server.tables import records

    with county.store.read() as conn:
        return {row.id: row.seq for row in conn.execute(select(records.c.id, records.c.seq))}


def test_a_resumed_batch_refused_as_too_large_is_not_overtaken_by_the_one_frozen_after_it(laptop, county):
    fill(laptop.store, 120)
    replica = StoreReplica(laptop.store)
    eng = engine(laptop, push_sizer=BatchSizer(size=100, cap=100))
    first = eng._prepare()
    replica.freeze(first.batch, first.pending)
    eng.push_sizer.size = 20
    second = eng._prepare()
    replica.freeze(second.batch, second.pending)
    assert [b.count for b in replica.frozen_batches()] == [100, 20]  # as a run stopped mid-push leaves them
    laptop.reopen()
    laptop.link.max_changes = 60  # the first is now refused whole; the second would pass
    laptop.sync()
    seqs = _record_seqs(county)
    assert max(seqs[c.id] for c in first.pending.changes) < min(seqs[c.id] for c in second.pending.changes)
    assert laptop.service.pending_count() == 0
    assert_laptop_equals_server(laptop, county)


def test_a_laptop_does_not_download_its_own_changes_back(tmp_path, laptop, county):
    fill(laptop.store, 200)
    first = laptop.sync()
    assert first.pushed > 200 and first.pulled == 0  # the push answer told it every version
    other = Laptop(tmp_path / "b.db", county, "b")
    try:
        assert other.sync().pulled == first.pushed  # another laptop gets everything
        # Each edits a different person; each gets only the other's edit back.
        a_id, b_id = list(laptop.records("person"))[:2]
        laptop.store.person.update(a_id, {"occupation": "教师"})
        other.store.person.update(b_id, {"occupation": "司机"})
        assert other.sync().pulled == 0
        report = laptop.sync()
        assert report.pulled == 1
        assert laptop.records("person")[b_id]["occupation"] == "司机"
        assert other.sync().pulled == 1
        for lap in (laptop, other):
            assert_laptop_equals_server(lap, county)
    finally:
        other.close()


def test_a_new_laptop_paging_its_first_pull_gets_records_edited_after_a_page_boundary_whole(
    tmp_path, laptop, county
):
    ids = fill(laptop.store, 60)
    laptop.sync()
    early = [i for i in ids if i in laptop.records("person")][:5]
    for record_id in early:  # made early, edited late: listed at the end, with old and new fields
        laptop.store.person.update(record_id, {"occupation": "村干部"})
    laptop.sync()
    other = Laptop(tmp_path / "b.db", county, "b")
    try:
        report = engine(other, pull_sizer=BatchSizer(size=10, cap=10, minimum=10)).run()
        assert report.pages > 5
        assert_laptop_equals_server(other, county)
    finally:
        other.close()


def test_a_first_pull_cut_short_resumes_and_still_gets_late_edited_records_whole(tmp_path, laptop, county):
    ids = fill(laptop.store, 60)
    laptop.sync()
    for record_id in [i for i in ids if i in laptop.records("person")][:5]:
        laptop.store.person.update(record_id, {"occupation": "村干部"})
    laptop.sync()
    other = Laptop(tmp_path / "b.db", county, "b")
    try:
        other.link.pull_script = ["ok", "ok", "drop_response"]
        with pytest.raises(OfflineError):
            engine(other, pull_sizer=BatchSizer(size=10, cap=10, minimum=10)).run()
        assert StoreReplica(other.store).cursor() > 0 and StoreReplica(other.store).pull_since() == 0
        other.reopen()
        engine(other, pull_sizer=BatchSizer(size=10, cap=10, minimum=10)).run()
        assert_laptop_equals_server(other, county)
    finally:
        other.close()


def test_the_first_request_of_a_run_names_every_stamp_kept_the_rest_only_the_newest(laptop, county):
    from tests.acceptance.restore_world import fill_households

    for tag in "ABC":  # three runs, a few stamps kept
        fill_households(laptop, 20, tag)
        engine(laptop).run()
    kept = StoreReplica(laptop.store).seen()
    assert len(kept) >= 3 and kept[0][0] == StoreReplica(laptop.store).known()
    laptop.link.pushes.clear()
    fill_households(laptop, 700, "D")
    engine(laptop, push_sizer=BatchSizer(size=200, cap=200)).run()
    named = [protocol_decode.decode_push_request(b).seen for b in laptop.link.pushes]
    assert len(named) == 4 and named[0] == kept
    # Later batches name the newest pair only: after the first answers, the one those left (the
    # second batch is prepared while the first is at the server).
    assert all(len(n) == 1 for n in named[1:]) and named[-1][0][0] > kept[0][0]
