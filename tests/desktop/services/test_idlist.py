"""IdList: record ids packed 16 bytes each, read back exactly as stored; selections share them."""

from __future__ import annotations

import pytest

from desktop.services.idlist import IdList, IdListBuilder
from sync.ids import uuid7

IDS = [uuid7(1_700_000_000_000 + i) for i in range(50)]


def test_uuids_are_packed_and_read_back_exactly() -> None:
    ids = IdList.of(IDS)
    assert len(ids) == 50 and ids[0] == IDS[0] and ids[-1] == IDS[-1] and ids[10:13] == IDS[10:13]
    assert list(ids) == IDS and ids == IDS and ids != IDS[:-1] and IDS[:3] != ids
    assert ids.index(IDS[7]) == 7 and IDS[7] in ids and uuid7() not in ids
    assert ids.position("not an id") is None
    assert ids._strs is None and len(ids._packed) == 50 * 16  # 16 bytes an id, not an 85-byte str
    with pytest.raises(IndexError):
        ids[50]
    with pytest.raises(ValueError):
        ids.index(uuid7())


def test_a_selection_shares_the_ids_and_keeps_their_order() -> None:
    ids = IdList.of(IDS)
    sel = ids.select([3, 5, 40])
    assert sel == [IDS[3], IDS[5], IDS[40]] and sel._packed is ids._packed
    assert sel.index(IDS[40]) == 2 and sel.position(IDS[4]) is None
    assert sel.select([0, 2]) == [IDS[3], IDS[40]]
    assert ids.select([]) == [] and len(ids.select([])) == 0


def test_without_and_plus_make_new_lists_and_leave_the_old_one() -> None:
    ids = IdList.of(IDS[:3])
    shown = ids.select([0, 1, 2])
    fewer = ids.without(1)
    more = fewer.plus(IDS[10])
    assert fewer == [IDS[0], IDS[2]] and more == [IDS[0], IDS[2], IDS[10]]
    assert ids == IDS[:3] and shown == IDS[:3]  # a list already handed to a view never changes


def test_ids_that_are_not_canonical_uuids_are_kept_as_they_are() -> None:
    odd = [IDS[0], IDS[1].upper(), "legacy-7", IDS[2]]
    ids = IdList.of(odd)
    assert list(ids) == odd and ids.index("legacy-7") == 2 and ids.index(IDS[1].upper()) == 1
    assert ids.position(IDS[1]) is None
    assert IdList.of(IDS[:2]).plus("legacy-8") == [IDS[0], IDS[1], "legacy-8"]
    builder = IdListBuilder()
    for record_id in odd:
        builder.append(record_id)
    assert builder.build() == odd


def test_a_masked_list_reads_like_a_selection() -> None:
    from array import array

    from desktop.services.idlist import MaskedIdList

    ids = [uuid7(1_700_000_000_000 + i) for i in range(50)]
    base = IdList.of(ids)
    mask = bytes(1 if i % 3 == 0 else 0 for i in range(50))
    masked = MaskedIdList(base, mask)
    selected = base.select(array("i", range(0, 50, 3)))
    assert masked == selected and list(masked) == list(selected) and len(masked) == 17
    assert masked[16] == ids[48] and masked[-1] == ids[48] and masked[2:4] == ids[6:10:3]
    assert masked.position(ids[9]) == 3 and masked.position(ids[10]) is None
    assert ids[12] in masked and ids[13] not in masked
    assert masked.select([1, 2]) == [ids[3], ids[6]]
