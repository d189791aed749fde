"""Deleting a household takes its members, income and services with it (issue 15): none is left
behind as a present person of no household (which no form could save again), and every tombstone
goes out with the next sync."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.services.session import Session
from desktop.storage import KdfParams, Store
from sync.resident_id import make_resident_id

VILLAGE = "530102001001"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    store = Store.create(
        tmp_path / "v.vdd", "clerk", "green hills 2025", VILLAGE, kdf=KdfParams.fast_for_tests()
    )
    yield Session(store)
    store.close()


def _household(s: Session, no: str, head: str) -> str:
    return s.save(
        "household",
        None,
        {
            "household_no": no,
            "head_name": head,
            "address": "一组",
            "category": "ordinary",
            "status": "active",
        },
    )


def _person(s: Session, hid: str, name: str, seq: int, relation: str = "head") -> str:
    rid = make_resident_id("530102", date(1970, 3, 9), seq)
    return s.save(
        "person",
        None,
        {"household_id": hid, "name": name, "resident_id": rid, "relation": relation,
         "birth_date": "1970-03-09", "sex": "male" if int(rid[16]) % 2 else "female",
         "ethnicity": "01", "status": "present"},
    )  # fmt: skip


def _family(s: Session) -> tuple[str, list[str]]:
    hid = _household(s, "007", "赵六")
    members = [_person(s, hid, "赵六", 11), _person(s, hid, "钱七", 22, "spouse")]
    s.save("income", None, {"household_id": hid, "year": 2024, "source": "wages", "amount_fen": 100})
    s.save(
        "service",
        None,
        {"household_id": hid, "person_id": members[0], "type": "education_aid", "date": "2024-09-01"},
    )
    return hid, members


def test_the_preview_names_the_members_and_counts_the_rest(session: Session) -> None:
    hid, _members = _family(session)
    other = _household(session, "008", "孙八")
    _person(session, other, "孙八", 33)
    preview = session.entry.delete_preview("household", hid)
    assert preview.members == ["赵六", "钱七"]
    assert (preview.income, preview.service) == (1, 1)
    assert preview.title == "007 赵六"


def test_deleting_a_household_tombstones_every_record_of_it(session: Session) -> None:
    hid, members = _family(session)
    other = _household(session, "008", "孙八")
    neighbour = _person(session, other, "孙八", 33)
    store = session.store
    before = store.pending_count()
    assert len(session.ids("person")) == 3  # the list's index, built before the delete
    assert session.delete("household", hid) is True

    for entity in ("person", "income", "service"):
        assert store.repository(entity).ids(household_id=hid) == []  # nothing live is left
    assert store.person.ids() == [neighbour]
    assert list(session.ids("person")) == [neighbour]  # the list view follows
    assert list(session.ids("income")) == [] and list(session.ids("service")) == []
    tombstones = store.db.query("SELECT entity, record_id FROM outbox WHERE deleted = 1 ORDER BY seq")
    assert store.pending_count() == before + 5
    assert {e for e, _ in tombstones} == {"household", "person", "income", "service"}
    assert {r for e, r in tombstones if e == "person"} == set(members)
    assert all(json.loads(f) == {} for (f,) in store.db.query("SELECT fields FROM outbox WHERE deleted = 1"))


def test_a_household_delete_that_fails_half_way_deletes_nothing(session: Session) -> None:
    hid, _members = _family(session)
    store = session.store
    before = store.pending_count()
    # A member that cannot be tombstoned (the file refuses the write) stops the whole delete.
    store.db.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE OF deleted ON income BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    with pytest.raises(Exception, match="no"):
        session.delete("household", hid)
    assert store.pending_count() == before
    assert store.household.get(hid)["deleted"] is False
    assert len(store.person.ids(household_id=hid)) == 2
