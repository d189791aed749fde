"""A hand-worked village entered as an official would (the encrypted store's repositories, negative net
income included), synced to the real county server (SQLite and PostgreSQL): the laptop's figures and
the server's are the hand-worked ones, and identical.

Village (income year Y = last year):
- h1 active, 2 present: wages 10,000.00, business -12,000.00 (a net loss) -> -2,000.00 / 2
- h2 active, 1 present: transfers -500.00, property 200.00 -> -300.00 / 1
- h3 active, its only person moved out: business 300.00 -> left out, no present member
- h4 moved out: wages 400.00 -> left out, moved out
- h5 dissolved: property -50.00 -> left out, dissolved
- h6 deleted: transfers 70.00 -> left out, deleted
- h7 active, 1 present, no income record -> counted as without income
- h1 wages 9,999.00 of Y-1 -> not a record of Y
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests

from desktop.services.indicators import village_indicators
from desktop.storage import Store, ValidationFailed
from sync.resident_id import make_resident_id
from tests.sync_world import VILLAGE, County, Laptop

YEAR = date.today().year - 1


def _household(store: Store, no: str, status: str = "active") -> str:
    hid = store.household.create(
        {
            "household_no": no,
            "head_name": "某某",
            "address": "一组",
            "category": "ordinary",
            "status": "active",
        }
    )
    if status != "active":
        store.household.update(hid, {"status": status})
    return hid


def _person(store: Store, hid: str, seq: int, status: str = "present", relation: str = "head") -> str:
    born = date(1980, 1, 1 + seq)
    rid = make_resident_id("110101", born, seq)
    return store.person.create(
        {"household_id": hid, "name": "某某", "resident_id": rid, "relation": relation,
         "sex": "male" if int(rid[16]) % 2 else "female", "birth_date": born.isoformat(),
         "ethnicity": "01", "status": status}
    )  # fmt: skip


def _income(store: Store, hid: str, source: str, amount: int, year: int = YEAR) -> str:
    return store.income.create({"household_id": hid, "year": year, "source": source, "amount_fen": amount})


def enter_the_village(store: Store) -> None:
    h = {n: _household(store, f"{n:03d}") for n in (1, 2, 3, 4, 5, 6, 7)}
    _person(store, h[1], 11), _person(store, h[1], 12, relation="spouse"), _person(store, h[2], 13)
    _person(store, h[3], 14, status="moved_out")
    _person(store, h[7], 15)
    _income(store, h[1], "wages", 1_000_000)
    _income(store, h[1], "business", -1_200_000)
    _income(store, h[1], "wages", 999_900, year=YEAR - 1)
    _income(store, h[2], "transfers", -50_000)
    _income(store, h[2], "property", 20_000)
    _income(store, h[3], "business", 30_000)
    _income(store, h[4], "wages", 40_000)
    _income(store, h[5], "property", -5_000)
    _income(store, h[6], "transfers", 7_000)
    store.household.update(h[4], {"status": "moved_out"})
    store.household.update(h[5], {"status": "dissolved"})
    store.household.delete(h[6])


def check_hand_worked(result: dict[str, Any]) -> None:
    inc, quality = result["income"], result["quality"]
    assert (inc["households"], inc["persons"], inc["total_fen"]) == (2, 3, -230_000)
    assert inc["mean_fen"] == -76_667 and inc["median_fen"] == -100_000 and inc["gini"] is None
    assert inc["by_source_fen"] == {"wages": 1_000_000, "business": -1_200_000, "property": 20_000,
                                    "transfers": -50_000}  # fmt: skip
    assert inc["coverage"] == {"households": 2, "active_households": 4, "share": 0.5, "low": True}
    assert inc["records"] == {
        "of_year": 8,
        "of_year_fen": -158_000,
        "in_figures": 4,
        "in_figures_fen": -230_000,
    }
    left = quality["income_left_out"]
    assert {k: (v["records"], v["amount_fen"]) for k, v in left.items() if v["records"]} == {
        "no_present_member": (1, 30_000),
        "household_moved_out": (1, 40_000),
        "household_dissolved": (1, -5_000),
        "household_deleted": (1, 7_000),
    }
    assert inc["total_fen"] + sum(v["amount_fen"] for v in left.values()) == inc["records"]["of_year_fen"]
    assert quality["households_without_income"] == 1


def test_wages_cannot_be_negative_and_nothing_is_written(tmp_path: Any) -> None:
    from desktop.storage import KdfParams

    store = Store.create(
        tmp_path / "v.db", "wang", "correct horse 42", VILLAGE, kdf=KdfParams.fast_for_tests()
    )
    try:
        hid = _household(store, "001")
        loss = _income(store, hid, "business", -100_000)
        assert store.income.get(loss)["amount_fen"] == -100_000
        before = store.pending_count()
        with pytest.raises(ValidationFailed) as refused:
            _income(store, hid, "wages", -1)
        (problem,) = refused.value.problems
        assert problem.field == "amount_fen" and problem.code == "negative_wages"
        assert problem.zh == "工资性收入不能为负数（只有经营、财产、转移净收入可以为负）"
        assert store.pending_count() == before and len(list(store.income.iter_all())) == 1
    finally:
        store.close()


def test_hand_worked_village_on_laptop_and_server(county: County, laptops: Callable[..., Laptop]) -> None:
    a = laptops("a")
    enter_the_village(a.store)
    a.sync()
    assert a.store.pending_count() == 0
    staff = county.staff().login()
    reply = requests.get(
        f"{county.url}/api/v1/staff/indicators?village={VILLAGE}&year={YEAR}",
        headers={"Authorization": f"Bearer {staff.token}"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    server = reply.json()
    laptop = json.loads(
        json.dumps(village_indicators(a.store, year=YEAR, today=date.fromisoformat(server["date"])))
    )
    check_hand_worked(laptop)
    check_hand_worked(server)
    check_hand_worked(server["by_village"][VILLAGE])
    for key in ("income", "population", "households", "coverage", "services"):
        assert laptop[key] == server[key], key
    same = (
        "required_missing",
        "unknown_age",
        "households_without_income",
        "income_left_out",
        "open_conflicts",
    )
    assert {k: laptop["quality"][k] for k in same} == {k: server["quality"][k] for k in same}
