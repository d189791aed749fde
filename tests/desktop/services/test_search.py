"""The in-memory search index: substring search over Chinese and Latin text, kept up to date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.services.idlist import IdList, MaskedIdList
from desktop.services.search import SearchService, _Index, _key
from desktop.storage import KdfParams, Store
from sync.ids import uuid7
from tests.desktop.storage.conftest import household, person

VILLAGE = "110101001001"
IDS = [uuid7(1_700_000_000_000 + i) for i in range(40)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "v.db", "wang", "correct horse 42", VILLAGE, kdf=KdfParams.fast_for_tests())
    yield s
    s.close()


@pytest.fixture
def village(store: Store) -> dict[str, str]:
    made = {
        "h1": store.household.create(household("0001", "张三")),
        "h2": store.household.create(household("00A2", "李四")),
    }
    names = [("p1", "h1", "张三", "head"), ("p2", "h1", "王秀英", "spouse"), ("p3", "h2", "李四", "head")]
    for i, (key, home, name, relation) in enumerate(names):
        made[key] = store.person.create(person(made[home], name, seq=11 + i * 2, relation=relation))
    return made


def in_order(*ids: str) -> list[str]:
    """Persons are listed in household order (see test_list_order); the arguments are given in it.
    (Not sorted by id: two ids made in the same millisecond need not sort in the order made.)"""
    return list(ids)


def test_search_by_name_id_and_household(store: Store, village: dict[str, str]) -> None:
    search = SearchService(store)
    everyone = search.ids("person")
    assert isinstance(everyone, IdList) and everyone == in_order(village["p1"], village["p2"], village["p3"])
    assert search.ids("person", "秀英") == [village["p2"]]
    assert search.ids("person", "张") == in_order(village["p1"], village["p2"])  # p2 by the head
    # household number and head are part of a person's search text; Latin letters fold case
    assert search.ids("person", "00a2") == [village["p3"]]
    assert search.ids("person", " 李四 ") == [village["p3"]]
    rid = store.person.get(village["p2"])["resident_id"]
    assert search.ids("person", rid[-6:]) == [village["p2"]]
    assert search.ids("person", "110101") == everyone  # many hits: every record is tested
    assert search.ids("person", "赵") == []
    assert search.ids("household", "李") == [village["h2"]]
    assert search.ids("person", "", household_id=village["h1"]) == in_order(village["p1"], village["p2"])
    assert search.ids("person", "王", household_id=village["h1"]) == [village["p2"]]
    assert search.count("person") == 3


def test_a_longer_text_narrows_the_last_result(store: Store, village: dict[str, str]) -> None:
    search = SearchService(store)
    assert search.ids("person", "1") == search.ids("person")
    assert search.ids("person", "王") == [village["p2"]]
    assert search.ids("person", "王秀") == [village["p2"]]
    assert search.ids("person", "王秀英x") == []
    assert search.ids("person", "李") == [village["p3"]]


def test_writes_keep_the_index_current(store: Store, village: dict[str, str]) -> None:
    search = SearchService(store)
    shown = search.ids("person")
    store.person.update(village["p2"], {"name": "王桂兰"})
    search.touch("person", village["p2"])
    assert search.ids("person", "秀英") == [] and search.ids("person", "桂兰") == [village["p2"]]
    store.person.delete(village["p1"])
    search.touch("person", village["p1"])
    assert search.ids("person") == in_order(village["p2"], village["p3"])
    new = store.person.create(person(village["h2"], "赵六", seq=91, relation="child"))
    search.touch("person", new)
    assert search.ids("person", "赵") == [new] and search.ids("person", "李") == [village["p3"], new]
    assert search.ids("person") == [*in_order(village["p2"], village["p3"]), new]  # added at the end
    assert shown == in_order(village["p1"], village["p2"], village["p3"])  # a result handed out before
    # a new household head changes the persons' search text: their index is rebuilt
    store.household.update(village["h2"], {"head_name": "周七"})
    search.touch("household", village["h2"])
    assert search.ids("person", "周七") == [village["p3"], new]


def test_text_with_a_line_break_stays_one_record() -> None:
    # The forms refuse control characters, but the index must not split a record on one anyway.
    index = _Index([(IDS[0], _key(["一组\n12号"])), *((i, _key(["二组"])) for i in IDS[1:16])])
    assert list(index.ids.select(index.find("12号".encode()))) == [IDS[0]]
    assert list(index.ids.select(index.find("组".encode()))) == IDS[:16]  # many hits: split by record


def test_narrowing_re_tests_only_the_last_hits() -> None:
    names = ["王秀英", "王桂兰", "李秀英", *(f"张{i}" for i in range(37))]
    index = _Index((record_id, _key([name])) for record_id, name in zip(IDS, names, strict=True))
    assert list(index.ids.select(index.refine("王".encode()))) == IDS[:2]
    assert index.last_hits is not None and list(index.last_hits) == [0, 1]
    assert list(index.ids.select(index.refine("王秀".encode()))) == IDS[:1]
    assert list(index.ids.select(index.refine("秀".encode()))) == [IDS[0], IDS[2]]  # not a narrowing
    assert list(index.ids.select(index.refine(b"3"))) == [IDS[6], IDS[16], IDS[26], *IDS[33:]]


def test_a_search_with_many_hits_finds_what_a_plain_test_finds() -> None:
    # Dense searches mark hits in the whole text; the answer is the record-by-record one.
    names = ["王秀英", "王桂兰", "李秀英", "1王王", "\x02王", *(f"张{i}王" for i in range(35))]
    index = _Index((record_id, _key([name])) for record_id, name in zip(IDS, names, strict=True))
    for needle in ("王", "秀英", "1", "张1", "王桂兰", "x", "王王"):
        expected = [IDS[i] for i, name in enumerate(names) if needle in name.replace("\x02", " ")]
        found = index.search(needle.encode())
        assert list(found) == expected, needle
        assert len(found) == len(expected) and [found[i] for i in range(len(found))] == expected
        assert all(found.position(record_id) == row for row, record_id in enumerate(expected))
    assert isinstance(index.search("王".encode()), MaskedIdList)  # many hits: the marking pass ran
    assert index.search(b"\x02") == []  # the mark byte itself is never a hit


def test_search_looks_in_the_fields_a_county_version_added(store: Store) -> None:
    """After a version is taken, search finds a value of a new field (a choice by its label, a number,
    a text), built from the database and kept up to date by saves; a field removed again is not."""
    import copy

    from desktop.services.session import Session
    from sync.form_versions import builtin_document

    document = copy.deepcopy(builtin_document())
    document["version"] = 2
    form = next(f for f in document["forms"] if f["entity"] == "household")
    form["fields"] += [
        {"name": "family_doctor", "type": "choice", "label": {"zh_CN": "家庭医生签约", "en": "Family doctor"},
         "choices": [{"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}}]},
        {"name": "helper", "type": "text", "label": {"zh_CN": "帮扶责任人", "en": "Helper"}},
        {"name": "members_away", "type": "int", "label": {"zh_CN": "外出务工人数", "en": "Members away"}},
    ]  # fmt: skip
    before = store.household.create(household("0001", "张三"))
    session = Session(store)
    store.take_forms(document)
    session.after_sync()
    store.household.update(before, {"helper": "刘干部", "members_away": 17})
    session.search.invalidate()
    assert list(session.ids("household", "刘干部")) == [before]  # built from the database
    assert list(session.ids("household", "17")) == [before]
    made = session.save("household", None, household("0002", "李四") | {"family_doctor": "signed"})
    assert list(session.ids("household", "已签约")) == [made]  # kept up to date by the save
    assert list(session.ids("household", "signed")) == [made]
    session.search.invalidate()  # built from the database again: the same texts
    assert list(session.ids("household", "已签约")) == [made]
    assert list(session.ids("household", "signed")) == [made]
    later = copy.deepcopy(document)
    later["version"] = 3
    form = next(f for f in later["forms"] if f["entity"] == "household")
    form["fields"] = [f for f in form["fields"] if f["name"] != "helper"]
    store.take_forms(later)
    session.after_sync()
    assert list(session.ids("household", "刘干部")) == []  # removed again: hidden, not searched
    assert store.household.get(before)["helper"] == "刘干部"  # its value kept
