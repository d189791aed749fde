"""The staff indicators endpoint over real HTTP: rolled up, per village, and scoped to the staff member.

The definitions are checked by hand in tests/sync/test_indicators.py."""

from __future__ import annotations

import pytest
import requests

from sync.ids import uuid7
from sync.server import admin
from sync.server.embedded import EmbeddedServer

from .conftest import COUNTY, V1, V3, Laptop, household_fields, person_fields


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
    assert body["income"]["mean_fen"] == 1_200_000 and body["population"]["total"] == 1
    assert body["by_village"][V1]["income"]["mean_fen"] == 1_200_000
    assert body["by_village"][V1]["quality"]["open_conflicts"] == 0
    rolled = requests.get(
        f"{server.url}/api/v1/staff/indicators?year=2024", headers=headers, timeout=30
    ).json()
    assert V3 in rolled["villages"] and rolled["population"]["total"] == 1
    assert set(rolled["by_village"]) == set(rolled["villages"])
    assert rolled["by_village"][V3]["population"]["total"] == 0
    assert rolled["by_village"][V3]["quality"]["last_push_at"] is None
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


def test_the_server_takes_net_losses_and_refuses_negative_wages(laptop: Laptop) -> None:
    hid = uuid7()

    def income(source: str, amount: int) -> dict:
        return {"household_id": hid, "year": 2024, "source": source, "amount_fen": amount}

    results = laptop.push(
        [
            laptop.change("household", hid, household_fields()),
            laptop.change("income", uuid7(), income("business", -100_000)),
            laptop.change("income", uuid7(), income("transfers", -1)),
            laptop.change("income", uuid7(), income("wages", -1)),
        ]
    ).results
    assert [r.status for r in results] == ["applied", "applied", "applied", "rejected"]
    (problem,) = results[3].errors
    assert (problem.field, problem.code) == ("amount_fen", "negative_wages")
    assert problem.zh.startswith("工资性收入不能为负数")


def test_fields_the_county_marks_are_counted_per_village(
    server: EmbeddedServer, laptop: Laptop, county_user: str
) -> None:
    """Issue 17: a published version marks a new choice field (count) and a new money field (sum);
    the staff indicators count them, rolled up and per village, on both backends."""
    import copy

    from sync import form_versions as fv
    from sync.protocol import PushRequest, encode
    from sync.protocol_decode import decode_push_response
    from sync.provisioning import generate_signing_keypair
    from sync.server import form_store

    doc = copy.deepcopy(fv.builtin_document())
    doc["version"] = 2
    household = next(f for f in doc["forms"] if f["entity"] == "household")
    household["fields"] += [
        {"name": "family_doctor", "type": "choice", "indicator": "count",
         "label": {"zh_CN": "家庭医生签约", "en": "Family doctor contract"},
         "choices": [{"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}},
                     {"value": "not_signed", "label": {"zh_CN": "未签约", "en": "Not signed"}}]},
        {"name": "relief_fen", "type": "money", "indicator": "sum",
         "label": {"zh_CN": "救助金额", "en": "Relief"}},
    ]  # fmt: skip
    private, _ = generate_signing_keypair(b"county key")
    form_store.publish(server.store, COUNTY, fv.sign(doc, private, b"county key"))
    changes = [
        laptop.change("household", uuid7(), household_fields(family_doctor="signed", relief_fen=120_050)),
        laptop.change("household", uuid7(), household_fields(family_doctor="signed", relief_fen=30_000)),
        laptop.change("household", uuid7(), household_fields(status="moved_out", relief_fen=7)),
        laptop.change("household", uuid7(), household_fields()),
    ]
    body = encode(PushRequest(uuid7(), changes, forms_version=2))
    reply = laptop.request("POST", "/api/v1/push", body)
    assert reply.status == 200, reply.json
    assert all(r.status == "applied" for r in decode_push_response(reply.body, body).results)

    headers = {"Authorization": f"Bearer {county_user}"}
    answer = requests.get(f"{server.url}/api/v1/staff/indicators?year=2024", headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    for figures in (result, result["by_village"][V1]):
        marked = {f["field"]: f for f in figures["form_fields"]}
        doctor, relief = marked["family_doctor"], marked["relief_fen"]
        assert doctor["by_choice"] == {"signed": 2, "not_signed": 0} and doctor["unanswered"] == 1
        assert (relief["sum"], relief["mean"], relief["answered"]) == (150_050, 75_025, 2)
        assert relief["left_out"] == {"records": 1, "sum": 7}  # every fen of the live records
    other = {f["field"]: f for f in result["by_village"][V3]["form_fields"]}
    assert other["family_doctor"]["records"] == 0 and other["relief_fen"]["sum"] == 0
