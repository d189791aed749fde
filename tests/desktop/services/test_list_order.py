"""Lists in the village register's order: household by household, the head first, then the members
by relation and age; income and services household by household. Kept so by every write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.services.search import SearchService
from desktop.services.session import Session
from desktop.storage import KdfParams, Store
from tests.desktop.storage.conftest import household, person

VILLAGE = "110101001001"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    store = Store.create(
        tmp_path / "v.db", "wang", "correct horse 42", VILLAGE, kdf=KdfParams.fast_for_tests()
    )
    yield Session(store)
    store.close()


def _member(session: Session, home: str, name: str, relation: str, seq: int, born: int) -> str:
    return session.save(
        "person", None, person(home, name, seq=seq, relation=relation, birth=date(born, 1, 2))
    )


def _village(session: Session) -> dict[str, str]:
    """Households and members registered out of order: numbers 0002 before 0001, heads last."""
    made = {"h2": session.save("household", None, household("0002", "李四"))}
    made["h1"] = session.save("household", None, household("0001", "张三"))
    made["h1_child"] = _member(session, made["h1"], "张小二", "child", 11, 1995)
    made["h2_head"] = _member(session, made["h2"], "李四", "head", 13, 1960)
    made["h1_parent"] = _member(session, made["h1"], "张老汉", "parent", 15, 1940)
    made["h1_older_child"] = _member(session, made["h1"], "张大", "child", 17, 1990)
    made["h1_spouse"] = _member(session, made["h1"], "王秀英", "spouse", 19, 1968)
    made["h1_head"] = _member(session, made["h1"], "张三", "head", 21, 1966)
    return made


H1_ORDER = ("h1_head", "h1_spouse", "h1_older_child", "h1_child", "h1_parent")


def test_persons_household_by_household_head_first(session: Session) -> None:
    made = _village(session)
    assert session.ids("household") == [made["h1"], made["h2"]]
    assert session.ids("person", household_id=made["h1"]) == [made[k] for k in H1_ORDER]
    assert session.ids("person") == [*(made[k] for k in H1_ORDER), made["h2_head"]]
    assert session.ids("person", "张") == [made[k] for k in H1_ORDER]  # a filter keeps the order


def test_every_write_puts_the_record_in_its_place(session: Session) -> None:
    made = _village(session)
    session.ids("household")  # the index is built now: later writes update it in place
    # A new household numbered between the two, with its members (head registered last).
    h15 = session.save("household", None, household("00015", "赵六"))
    before = session.ids("person")
    wife = _member(session, h15, "钱七", "spouse", 23, 1970)
    head = _member(session, h15, "赵六", "head", 25, 1969)
    # The parent becomes the head (a death in the family): the head moves to the front.
    session.save("person", made["h1_head"], {"relation": "other", "status": "deceased"})
    session.save("person", made["h1_parent"], {"relation": "head"})
    expected = [
        made["h1_parent"],
        made["h1_spouse"],
        made["h1_older_child"],
        made["h1_child"],
        made["h1_head"],
        head,
        wife,
        made["h2_head"],
    ]
    assert session.ids("household") == [made["h1"], h15, made["h2"]]
    assert session.ids("person") == expected
    fresh = SearchService(session.store)  # the same order read afresh from the database
    assert fresh.ids("person") == expected
    assert len(before) == 6  # a result handed out earlier does not change
    assert session.search._indexes["person"] is not None  # kept in place, not rebuilt


def test_income_and_services_household_by_household(session: Session) -> None:
    made = _village(session)

    def income(home: str, year: int, source: str) -> str:
        record = {"household_id": made[home], "year": year, "source": source, "amount_fen": 1}
        return session.save("income", None, record)

    def service(home: str, who: str, day: str) -> str:
        record = {"household_id": made[home], "person_id": made[who], "type": "pension", "date": day}
        return session.save("service", None, record)

    incomes = [income("h2", 2024, "wages"), income("h1", 2023, "wages")]
    incomes += [income("h1", 2024, "transfers"), income("h1", 2024, "wages")]
    # Household 0001 first, the latest year first, sources in the form's order.
    assert session.ids("income") == [incomes[3], incomes[2], incomes[1], incomes[0]]
    assert session.ids("income", household_id=made["h1"]) == [incomes[3], incomes[2], incomes[1]]
    services = [
        service("h2", "h2_head", "2024-03-01"),
        service("h1", "h1_child", "2023-03-01"),
        service("h1", "h1_head", "2024-05-01"),
    ]
    assert session.ids("service") == [services[2], services[1], services[0]]
    assert SearchService(session.store).ids("service") == session.ids("service")


def test_records_of_a_deleted_household_come_last(session: Session) -> None:
    made = _village(session)
    session.ids("person")
    # A household tombstoned without its members (as a pull of another laptop's older delete can
    # leave it; a delete here takes the members along): they are listed after every household.
    session.store.household.delete(made["h1"])
    session.search.touch("household", made["h1"])
    expected = [made["h2_head"], *(made[k] for k in H1_ORDER)]
    assert session.ids("person") == expected
    assert SearchService(session.store).ids("person") == expected
    late = _member(session, made["h2"], "李小", "child", 27, 2001)
    assert session.ids("person") == [made["h2_head"], late, *(made[k] for k in H1_ORDER)]
