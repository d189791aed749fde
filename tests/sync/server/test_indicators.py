"""Indicators: hand-checked numbers on small data, and the staff endpoint over real HTTP."""

from __future__ import annotations

from datetime import date

import pytest
import requests

from sync.ids import uuid7
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.server.indicators import compute, gini, quintile_ratio

from .conftest import COUNTY, V1, V3, Laptop, household_fields, person_fields

TODAY = date(2025, 6, 1)


def test_gini_and_quintile_ratio_by_hand() -> None:
    assert gini([(100.0, 1), (100.0, 1)]) == 0.0
    assert gini([(0.0, 1), (100.0, 1)]) == 0.5
    assert gini([(0.0, 3), (100.0, 1)]) == 0.75
    assert gini([]) is None
    assert quintile_ratio([(10.0, 1), (20.0, 1), (30.0, 1), (40.0, 1), (50.0, 1)]) == 5.0
    assert quintile_ratio([(10.0, 2)]) is None


def test_compute_on_a_small_village() -> None:
    h1, h2, h3 = (
        {"id": "h1", "status": "active", "category": "ordinary"},
        {"id": "h2", "status": "active", "category": "low_income"},
        {"id": "h3", "status": "dissolved", "category": "ordinary"},
    )
    persons = [
        {"id": "p1", "household_id": "h1", "status": "present", "sex": "male", "birth_date": "1960-01-01",
         "medical_insurance": "resident", "pension_insurance": "resident"},
        {"id": "p2", "household_id": "h1", "status": "present", "sex": "female", "birth_date": "2015-07-01",
         "medical_insurance": "resident"},
        {"id": "p3", "household_id": "h2", "status": "present", "sex": "female", "birth_date": "1990-05-05",
         "medical_insurance": "none", "pension_insurance": "none"},
        {"id": "p4", "household_id": "h2", "status": "deceased", "sex": "male", "birth_date": "1930-01-01"},
    ]  # fmt: skip
    incomes = [
        {"household_id": "h1", "year": 2024, "source": "wages", "amount_fen": 2_000_000},
        {"household_id": "h1", "year": 2023, "source": "wages", "amount_fen": 9_999_999},
        {"household_id": "h2", "year": 2024, "source": "transfers", "amount_fen": 400_000},
        {"household_id": "h3", "year": 2024, "source": "wages", "amount_fen": 9_999_999},
    ]
    services = [
        {"person_id": "p3", "type": "health_check", "date": "2024-03-01"},
        {"household_id": "h1", "type": "subsidy", "date": "2023-03-01"},
    ]
    result = compute([h1, h2, h3], persons, incomes, services, year=2024, today=TODAY, threshold_fen=600_000)
    assert result["population"] == {
        "total": 3,
        "by_sex": {"male": 1, "female": 2},
        "by_age": {"60+": 1, "0-14": 1, "15-59": 1},
    }
    assert result["households"] == {"total": 2, "by_category": {"ordinary": 1, "low_income": 1}}
    income = result["income"]
    assert income["per_capita_fen"] == 800_000  # (2,000,000 + 400,000) / 3 persons
    assert income["by_source_fen"] == {"wages": 2_000_000, "transfers": 400_000}
    assert income["share_below_threshold"] == round(1 / 3, 4)  # h2: 400,000 per capita
    assert income["gini"] == gini([(1_000_000.0, 2), (400_000.0, 1)])
    coverage = result["coverage"]
    assert coverage["medical_insurance"] == round(2 / 3, 4)
    assert coverage["pension_insurance"] == 0.5  # p1 and p3 are adults; p2 is a child
    assert coverage["any_service"] == round(1 / 3, 4) and coverage["services_by_type"] == {"health_check": 1}


@pytest.fixture
def county_user(server: EmbeddedServer) -> str:
    admin.add_user(server.store, "county", "a long password", "county", COUNTY)
    reply = requests.post(
        server.url + "/api/v1/staff/login",
        json={"username": "county", "password": "a long password"},
        timeout=30,
    )
    return reply.json()["token"]


def test_indicators_endpoint(server: EmbeddedServer, laptop: Laptop, county_user: str) -> None:
    hid = uuid7()
    laptop.push(
        [
            laptop.change("household", hid, household_fields(category="monitored")),
            laptop.change("person", uuid7(), person_fields(hid, "head")),
            laptop.change(
                "income",
                uuid7(),
                {"household_id": hid, "year": 2024, "source": "wages", "amount_fen": 1_200_000},
            ),
        ]
    )
    headers = {"Authorization": f"Bearer {county_user}"}
    one = requests.get(
        f"{server.url}/api/v1/staff/indicators?village={V1}&year=2024", headers=headers, timeout=30
    )
    assert one.status_code == 200, one.text
    body = one.json()
    assert body["villages"] == [V1] and body["year"] == 2024
    assert body["households"]["by_category"] == {"monitored": 1}
    assert body["income"]["per_capita_fen"] == 1_200_000 and body["population"]["total"] == 1
    rolled = requests.get(
        f"{server.url}/api/v1/staff/indicators?year=2024", headers=headers, timeout=30
    ).json()
    assert V3 in rolled["villages"] and rolled["population"]["total"] == 1
    assert requests.get(f"{server.url}/api/v1/staff/indicators", timeout=30).status_code == 401


def test_indicators_outside_the_scope_are_forbidden(server: EmbeddedServer) -> None:
    admin.add_user(server.store, "town", "a long password", "township", V1[:9])
    token = requests.post(
        server.url + "/api/v1/staff/login",
        json={"username": "town", "password": "a long password"},
        timeout=30,
    ).json()["token"]
    reply = requests.get(
        f"{server.url}/api/v1/staff/indicators?village={V3}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert reply.status_code == 403 and reply.json()["error"] == "forbidden"
