"""The stamps a laptop keeps and names (``sync.stamps``): newest first, thinned to reach back, and
read back strictly from JSON and from the pull's query."""

from __future__ import annotations

import itertools

import pytest

from sync import stamps


def _kept(values: range) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    for seq in values:
        seen = stamps.remember(seen, seq, seq * 7 + 1)
    return seen


def test_the_newest_come_first_and_the_list_stays_short() -> None:
    seen = _kept(range(1, 501))
    assert len(seen) == stamps.MAX_SEEN
    assert [s for s, _ in seen[: stamps.KEEP_NEWEST]] == [500, 499, 498, 497]
    assert seen[-1] == (1, 8)  # the oldest stays: the floor can be found that far back
    assert all(stamp == seq * 7 + 1 for seq, stamp in seen)
    assert stamps.as_pairs([list(p) for p in seen]) == seen


def test_kept_values_spread_back_with_growing_gaps() -> None:
    seqs = [s for s, _ in _kept(range(1, 10_001))]
    gaps = [a - b for a, b in itertools.pairwise(seqs)]
    assert seqs[0] == 10_000 and seqs[-1] == 1
    assert gaps[: stamps.KEEP_NEWEST - 1] == [1, 1, 1]  # the newest as they came
    assert all(a <= b for a, b in itertools.pairwise(gaps))  # then ever wider
    assert gaps[-2] > 100 * gaps[0]  # far back, far apart


def test_a_value_seen_again_with_another_stamp_replaces_it() -> None:
    seen = stamps.remember(stamps.remember([], 5, 11), 9, 12)
    assert stamps.remember(seen, 9, 13) == [(9, 13), (5, 11)]


@pytest.mark.parametrize(
    "value",
    [
        "not a list",
        [[1]],
        [[1, 2, 3]],
        [[-1, 2]],
        [[1, -2]],
        [[1, 2**63]],
        [[1.0, 2]],
        [[True, 2]],
        [["1", 2]],
        [[1, 2], [3, 4]],  # oldest first
        [[3, 2], [3, 4]],  # a value twice
        [[n, 1] for n in range(40, 0, -1)],  # too many
    ],
)
def test_malformed_pairs_read_as_none(value: object) -> None:
    assert stamps.as_pairs(value) is None


def test_the_query_text_reads_back() -> None:
    seen = [(900, 2**63 - 1), (12, 5), (1, 1)]
    text = stamps.query_text(seen)
    assert text == f"900.{2**63 - 1},12.5,1.1"
    assert stamps.from_query(text) == seen
    assert stamps.from_query("") == []


@pytest.mark.parametrize(
    "text",
    [
        "12",
        "12.",
        ".5",
        "a.5",
        "12.5,",
        "12.5,,1.1",
        "１２.5",
        "12.５",
        "1.1,12.5",
        "-1.5",
        f"1.{2**63}",
        "1" * 20 + ".1",
    ],
)
def test_a_malformed_query_reads_as_none(text: str) -> None:
    assert stamps.from_query(text) is None
