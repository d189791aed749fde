"""Pruning stored push answers: only those no laptop can ask for again, the rows kept for good, a
resend of a pruned batch refused (never applied twice), and pull still leaving out a laptop's own
writes (issue 10 item 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sync.ids import uuid7
from sync.protocol import PushRequest, encode
from sync.server.cli import main
from sync.server.prune import prune_answers
from sync.server.store import Store
from sync.server.tables import batches

from .conftest import Clock, Laptop, household_fields

DAY = 86400


def _push_batches(laptop: Laptop, clock: Clock, n: int) -> list[tuple[str, bytes]]:
    """``n`` batches of one new household each, a second apart: (batch id, exact body)."""
    sent = []
    for _ in range(n):
        batch_id = uuid7()
        body = encode(PushRequest(batch_id, [laptop.change("household", uuid7(), household_fields())]))
        reply = laptop.request("POST", "/api/v1/push", body)
        assert reply.status == 200, reply.json
        sent.append((batch_id, body))
        clock.advance(1)
    return sent


def _rows(store: Store) -> dict[str, tuple[bool, int | None, int | None]]:
    b = batches.c
    with store.read() as conn:
        return {
            r.batch_id: (r.response is not None, r.seq_lo, r.seq_hi)
            for r in conn.execute(select(b.batch_id, b.response, b.seq_lo, b.seq_hi))
        }


def _batch_count(store: Store) -> int:
    with store.read() as conn:
        return len(conn.execute(select(batches.c.batch_id)).all())


def test_only_answers_of_settled_old_batches_are_pruned(
    laptop: Laptop, laptop_b: Laptop, store: Store, clock: Clock
) -> None:
    a = _push_batches(laptop, clock, 4)
    b = _push_batches(laptop_b, clock, 2)
    before = _rows(store)
    assert prune_answers(store, days=90, now=store.now() + 89 * DAY) == 0  # all too young
    assert prune_answers(store, days=90, now=store.now() + 91 * DAY) == 2
    after = _rows(store)
    # a's first two have two newer batches of a each: settled on the laptop, never resent.
    assert [after[i][0] for i, _ in a] == [False, False, True, True]
    # b's batches: another device's newer batches prove nothing about b.
    assert [after[i][0] for i, _ in b] == [True, True]
    # Rows and seq ranges stay: pull keeps leaving out the device's own writes.
    assert {k: v[1:] for k, v in after.items()} == {k: v[1:] for k, v in before.items()}
    assert prune_answers(store, days=90, now=store.now() + 91 * DAY) == 0  # nothing more


def test_a_resend_of_a_pruned_batch_is_refused_and_never_applied_twice(
    laptop: Laptop, store: Store, clock: Clock
) -> None:
    sent = _push_batches(laptop, clock, 3)
    records_before = laptop.pull_all()[0]
    assert prune_answers(store, days=0, now=store.now() + 1) == 1
    (old_id, old_body), (_, kept_body) = sent[0], sent[1]
    reply = laptop.request("POST", "/api/v1/push", old_body)
    assert reply.status == 409 and reply.error == "batch_pruned"
    assert reply.json and reply.json["message"] and reply.json["message_zh"]
    assert laptop.pull_all()[0] == records_before  # nothing applied again
    replay = laptop.request("POST", "/api/v1/push", kept_body)
    assert replay.status == 200
    other = encode(PushRequest(old_id, [laptop.change("household", uuid7(), household_fields())]))
    assert laptop.request("POST", "/api/v1/push", other).error == "batch_mismatch"
    assert _batch_count(store) == 3


def test_pull_leaves_out_own_writes_after_pruning(laptop: Laptop, store: Store, clock: Clock) -> None:
    _push_batches(laptop, clock, 3)
    own = laptop.pull(0, own=3)
    assert prune_answers(store, days=0, now=store.now() + 1) == 1
    assert laptop.pull(0, own=3) == own


def test_the_prune_command(
    store: Store, laptop: Laptop, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.advance(-10)  # stored a little while ago: the command goes by the real clock
    _push_batches(laptop, clock, 3)
    url = str(store.url)
    assert main(["--db", url, "prune", "--days", "-1"]) == 2
    capsys.readouterr()
    for days in ("1000000000000000", str(2**70)):  # past what the database's integers hold
        assert main(["--db", url, "prune", "--days", days]) == 2
        err = capsys.readouterr().err
        assert "--days" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:
        main(["--db", url, "prune", "--days", "1e15"])
    assert usage.value.code == 2 and "Traceback" not in capsys.readouterr().err
    assert main(["--db", url, "prune"]) == 0
    assert "0 stored push answers pruned" in capsys.readouterr().out
    assert main(["--db", url, "prune", "--days", "0"]) == 0  # the two-newer rule still holds
    assert "1 stored push answers pruned" in capsys.readouterr().out
