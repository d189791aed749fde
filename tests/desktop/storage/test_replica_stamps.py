"""The stamps the laptop keeps (``StoreReplica.seen``): from push answers and pull pages, newest
first, forgotten on a re-sync and on being pointed to another server, and only with the counter
value they came with."""

from __future__ import annotations

from desktop.storage.replica import StoreReplica
from sync.protocol import ChangeResult, PullResponse, PushResponse, RecordState
from tests.desktop.storage.conftest import VILLAGE, household
from tests.desktop.storage.test_replica import freeze


def _page(cursor: int, stamp: int, *records: RecordState, more: bool = False) -> PullResponse:
    return PullResponse(list(records), cursor=cursor, more=more, epoch="e1", stamp=stamp)


def test_answers_and_pages_leave_their_stamps_newest_first(store) -> None:
    replica = StoreReplica(store)
    assert (replica.known(), replica.seen()) == (0, [])
    other = RecordState("household", "h-1", VILLAGE, 4, household("9", "李四"), dict.fromkeys(household(), 4))
    replica.apply_pull(_page(4, 111, other))
    h = store.household.create(household("001", "张三"))
    batch, _ = freeze(replica)
    result = ChangeResult(h, "applied", seq=7, versions=dict.fromkeys(household(), 7))
    replica.apply_push(batch, PushResponse(batch.batch_id, [result], server_seq=7, stamp=222))
    assert (replica.known(), replica.seen()) == (7, [(7, 222), (4, 111)])
    # A page below what is known (others' records under this laptop's own push) adds nothing.
    replica.apply_pull(_page(5, 333, more=True))
    assert replica.seen() == [(7, 222), (4, 111)]
    # An earlier server gives no stamp: nothing is kept for that value.
    replica.apply_pull(_page(9, 0))
    assert replica.known() == 9 and replica.seen() == [(7, 222), (4, 111)]
    replica.apply_pull(_page(12, 444))
    assert replica.seen()[0] == (12, 444)


def test_a_resync_and_another_server_forget_them(store) -> None:
    replica = StoreReplica(store)
    replica.apply_pull(_page(4, 111))
    replica.resync("e2", 2)
    assert replica.seen() == [] and replica.known() == 0
    replica.apply_pull(_page(6, 555))
    replica.start_over()
    assert replica.seen() == []
