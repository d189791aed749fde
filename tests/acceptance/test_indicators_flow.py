"""The laptop and the county server give identical indicators for the same records: a real encrypted
store, the real server on loopback (SQLite and PostgreSQL), a real sync, the staff endpoint over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import requests

from desktop.services import demo
from desktop.services.indicators import village_indicators
from tests.sync_world import VILLAGE, County, Laptop


def _staff_get(county: County, path: str) -> dict[str, Any]:
    staff = county.staff().login()
    reply = requests.get(
        f"{county.url}{path}", headers={"Authorization": f"Bearer {staff.token}"}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def _without(result: dict[str, Any], *keys: str) -> dict[str, Any]:
    out = {k: v for k, v in result.items() if k not in keys}
    out["quality"] = {k: v for k, v in result["quality"].items() if k not in ("never_synced", "last_push_at")}
    return out


def test_laptop_and_server_give_identical_figures(county: County, laptops: Callable[..., Laptop]) -> None:
    a = laptops("a")
    demo.populate(a.store, 80, seed=3)
    household = next(iter(a.store.household.iter_all()))
    a.store.income.create(
        {
            "household_id": household["id"],
            "year": date.today().year - 1,
            "source": "property",
            "amount_fen": 0,
        }
    )
    a.sync()
    # A second laptop of the same village makes a conflict: both edit one address.
    b = laptops("b")
    b.sync()
    a.store.household.update(household["id"], {"address": "一组1号"})
    b.store.household.update(household["id"], {"address": "二组2号"})
    a.sync()
    b.sync()
    a.sync()  # learns the open conflict count from the county

    year = date.today().year - 1
    server = _staff_get(county, f"/api/v1/staff/indicators?village={VILLAGE}&year={year}")
    today = date.fromisoformat(server["date"])
    for lap in (a, b):
        laptop = json.loads(json.dumps(village_indicators(lap.store, year=year, today=today)))
        assert laptop["quality"]["never_synced"] == 0 and server["quality"]["never_synced"] is None
        assert laptop["quality"]["open_conflicts"] == 1
        assert _without(laptop, "villages") == _without(server, "villages", "by_village")
    assert server["population"]["total"] > 50 and server["income"]["gini"] is not None
    village = server["by_village"][VILLAGE]
    assert village["name"] == "东村" and village["quality"]["last_push_at"] is not None
    assert _without(village, "name") == _without(server, "villages", "by_village")


def test_a_record_made_offline_counts_as_never_synced(county: County, laptops: Callable[..., Laptop]) -> None:
    a = laptops("a")
    demo.populate(a.store, 10, seed=4)
    made = village_indicators(a.store)
    assert made["quality"]["never_synced"] == a.store.pending_count() > 0
    assert made["quality"]["open_conflicts"] is None  # never synced: not known yet
    a.sync()
    assert village_indicators(a.store)["quality"]["never_synced"] == 0
