"""Review items and decisions on the server (SQLite and PostgreSQL): one item per (record, field)
with every competing value, decisions that name the version they were made on, no value lost."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from sqlalchemy import update

from sync.ids import uuid7
from sync.server import admin
from sync.server.embedded import EmbeddedServer
from sync.server.tables import review_items
from tests.no_value_lost import Sent, assert_no_value_lost

from .conftest import COUNTY, V1, V2, V3, Laptop, enroll_laptop, household_fields, person_fields

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(server: EmbeddedServer) -> EmbeddedServer:
    admin.add_user(server.store, "township1", PASSWORD, "township", V1[:9])
    admin.add_user(server.store, "county", PASSWORD, "county", COUNTY)
    admin.add_user(server.store, "township2", PASSWORD, "township", V3[:9])
    return server


class Desk:
    def __init__(self, server: EmbeddedServer, username: str) -> None:
        self.url = server.url
        reply = requests.post(
            self.url + "/api/v1/staff/login", json={"username": username, "password": PASSWORD}, timeout=30
        )
        assert reply.status_code == 200, reply.text
        self.headers = {"Authorization": f"Bearer {reply.json()['token']}"}

    def get(self, path: str) -> requests.Response:
        return requests.get(self.url + "/api/v1/staff" + path, headers=self.headers, timeout=30)

    def items(self, query: str = "") -> dict[str, Any]:
        reply = self.get("/items" + query)
        assert reply.status_code == 200, reply.text
        return dict(reply.json())

    def decide(
        self, item: dict[str, Any], choice: str, note: str = "入户核实", **extra: Any
    ) -> requests.Response:
        body = {"choice": choice, "version": item["county"]["version"], "note": note, **extra}
        return requests.post(
            f"{self.url}/api/v1/staff/items/{item['id']}/decide", json=body, headers=self.headers, timeout=30
        )


def _person(laptop: Laptop, **over: Any) -> tuple[str, str]:
    hid, pid = uuid7(), uuid7()
    result = laptop.push(
        [
            laptop.change("household", hid, household_fields(head_name="王五")),
            laptop.change("person", pid, person_fields(hid, "head", name="王五", **over)),
        ]
    )
    assert [r.status for r in result.results] == ["applied", "applied"]
    return hid, pid


def _version(laptop: Laptop, record_id: str, field: str) -> int:
    records, _ = laptop.pull_all()
    return int(records[record_id]["versions"][field])


def test_delete_against_edit_keeps_the_edit_and_staff_can_restore_with_it(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    _hid, pid = _person(laptop, occupation="农民")
    base_seq = laptop_b.pull_all()[0][pid]["seq"]
    version = _version(laptop, pid, "occupation")
    laptop.push([laptop.change("person", pid, {}, deleted=True, base_seq=base_seq)])
    result = laptop_b.push(
        [
            laptop_b.change(
                "person", pid, {"occupation": "司机"}, base={"occupation": version}, base_seq=base_seq
            )
        ]
    )
    assert result.results[0].conflicts == ["_deleted"]
    sent = [
        Sent(V1, "person", pid, "occupation", "司机", "B"),
        Sent(V1, "person", pid, "_deleted", True, "A"),
    ]
    assert assert_no_value_lost(staff.store, sent)[sent[0]] == "open"

    desk = Desk(staff, "township1")
    (item,) = desk.items()["items"]
    assert item["kind"] == "delete" and item["county"]["value"] is True
    assert item["record"]["name"] == "王五" and item["record"]["head_name"] == "王五"
    assert item["village_name"] == "东村"
    (value,) = item["village_values"]
    assert value["fields"] == {"occupation": "司机"} and value["device_name"] == "laptop-b"
    (edited,) = item["edited_fields"]
    assert edited["field"] == "occupation" and edited["village"]["value"] == "司机"
    assert edited["county"]["value"] == "农民"

    reply = desk.decide(item, "restore", fields={"occupation": "司机"})
    assert reply.status_code == 200, reply.text
    done = reply.json()["item"]
    assert done["status"] == "decided" and done["decision"]["fields"] == {"occupation": "司机"}
    records, _ = laptop.pull_all()
    assert records[pid]["deleted"] is False and records[pid]["fields"]["occupation"] == "司机"
    places = assert_no_value_lost(staff.store, sent)
    assert places[sent[0]] == "applied" and places[sent[1]] == "decided"


def test_edit_then_delete_on_an_old_base_lists_what_the_county_changed(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    _hid, pid = _person(laptop, occupation="农民")
    base_seq = laptop_b.pull_all()[0][pid]["seq"]
    version = _version(laptop, pid, "occupation")
    laptop.push([laptop.change("person", pid, {"occupation": "教师"}, base={"occupation": version})])
    result = laptop_b.push([laptop_b.change("person", pid, {}, deleted=True, base_seq=base_seq)])
    assert result.results[0].conflicts == ["_deleted"]
    desk = Desk(staff, "township1")
    (item,) = desk.items()["items"]
    assert item["county"]["value"] is False and item["village_values"][0]["value"] is True
    assert [(e["field"], e["county"]["value"], e["village"]) for e in item["edited_fields"]] == [
        ("occupation", "教师", None)
    ]
    reply = desk.decide(item, "stay_deleted", note="户已迁出")
    assert reply.status_code == 200, reply.text
    records, _ = laptop.pull_all()
    assert records[pid]["deleted"] is True
    (entry,) = desk.get(f"/history?record={pid}").json()["history"]
    assert (
        entry["choice"] == "stay_deleted"
        and entry["note"] == "户已迁出"
        and entry["decided_by"] == "township1"
    )
    assert {"source": "county", "value": False} in entry["set_aside"]
    sent = [Sent(V1, "person", pid, "occupation", "教师"), Sent(V1, "person", pid, "_deleted", True)]
    assert_no_value_lost(staff.store, sent)


def test_competing_values_on_one_field_are_one_item_and_a_decision_names_its_version(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop, server: EmbeddedServer
) -> None:
    laptop_c = enroll_laptop(server, V1, "laptop-c")
    _hid, pid = _person(laptop, phone="13800000001")
    v = _version(laptop, pid, "phone")
    laptop.push([laptop.change("person", pid, {"phone": "13800000002"}, base={"phone": v})])
    for lap, phone in ((laptop_b, "13800000003"), (laptop_c, "13800000004")):
        result = lap.push(
            [
                lap.change(
                    "person", pid, {"phone": phone}, base={"phone": v}, base_values={"phone": "13800000001"}
                )
            ]
        )
        assert result.results[0].conflicts == ["phone"]
    desk = Desk(staff, "township1")
    page = desk.items()
    assert page["total"] == 1 and page["counts_by_village"] == {V1: 1}
    (item,) = page["items"]
    assert [x["value"] for x in item["village_values"]] == ["13800000003", "13800000004"]
    assert [x["device_name"] for x in item["village_values"]] == ["laptop-b", "laptop-c"]
    assert item["base"]["value"] == "13800000001" and item["county"]["value"] == "13800000002"
    # The county value names who set it (the change log's write at its version): laptop A's user.
    assert (item["county"]["user"], item["county"]["device_name"]) == ("村干部", "laptop-a")

    # Laptop A edits the field again while the item is open: the decision shown is now stale.
    moved = item["county"]["version"]
    laptop.push([laptop.change("person", pid, {"phone": "13800000005"}, base={"phone": moved})])
    stale = desk.decide(item, "village", conflict_id=item["village_values"][0]["conflict_id"])
    assert stale.status_code == 409 and stale.json()["error"] == "stale"
    assert "message_zh" in stale.json()
    fresh = stale.json()["item"]
    assert fresh["status"] == "open" and fresh["county"]["value"] == "13800000005"
    assert fresh["county"]["device_name"] == "laptop-a"
    assert _version(laptop, pid, "phone") == fresh["county"]["version"]  # nothing was written

    # Another laptop's value joins the item after it was shown: stale as well.
    laptop_d = enroll_laptop(server, V1, "laptop-d")
    laptop_d.push([laptop_d.change("person", pid, {"phone": "13800000006"}, base={"phone": v})])
    late = desk.decide(fresh, "village", values_seen=2, conflict_id=fresh["village_values"][1]["conflict_id"])
    assert late.status_code == 409 and len(late.json()["item"]["village_values"]) == 3
    fresh = late.json()["item"]
    ok = desk.decide(fresh, "village", conflict_id=fresh["village_values"][1]["conflict_id"])
    assert ok.status_code == 200, ok.text
    records, _ = laptop.pull_all()
    assert records[pid]["fields"]["phone"] == "13800000004"
    again = desk.decide(fresh, "county")
    assert again.status_code == 409 and again.json()["error"] == "already_decided"
    # (13800000002 was applied, then replaced by its own laptop's next edit made on top of it.)
    sent = [
        Sent(V1, "person", pid, "phone", p)
        for p in ("13800000003", "13800000004", "13800000005", "13800000006")
    ]
    places = assert_no_value_lost(staff.store, sent)
    assert places[sent[2]] == "decided" and places[sent[1]] == "applied"
    (entry,) = desk.get(f"/history?item={item['id']}").json()["history"]
    assert {(a["source"], a["value"]) for a in entry["set_aside"]} == {
        ("village", "13800000003"),
        ("village", "13800000006"),
        ("county", "13800000005"),
    }
    assert any(a.get("device_name") == "laptop-b" for a in entry["set_aside"])


def test_typed_value_follows_the_form_rules_and_refusals_change_nothing(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    _hid, pid = _person(laptop, occupation="农民")
    v = _version(laptop, pid, "occupation")
    laptop.push([laptop.change("person", pid, {"education": "primary"}, base={})])
    laptop.push([laptop.change("person", pid, {"occupation": "木匠"}, base={"occupation": v})])
    laptop_b.push([laptop_b.change("person", pid, {"occupation": "瓦匠"}, base={"occupation": v})])
    desk = Desk(staff, "township1")
    (item,) = desk.items()["items"]
    before = laptop.pull_all()[0][pid]
    bad = desk.decide(item, "typed", value="x" * 200)
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "occupation"
    assert bad.json()["problems"][0]["zh"] and bad.json()["problems"][0]["en"]
    assert desk.decide(item, "typed", value="木工", note="   ").status_code == 422
    assert desk.decide(item, "village", conflict_id=uuid7()).status_code == 422
    assert desk.decide(item, "stay_deleted").status_code == 422
    assert Desk(staff, "township2").decide(item, "county").status_code == 403
    assert laptop.pull_all()[0][pid] == before
    assert desk.items()["items"][0]["status"] == "open"
    ok = desk.decide(item, "typed", value="木工")
    assert ok.status_code == 200 and ok.json()["item"]["decision"]["value"] == "木工"


def test_scope_listing_filters_paging_and_counts(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop, server: EmbeddedServer
) -> None:
    west = enroll_laptop(server, V2, "west-a")
    west_b = enroll_laptop(server, V2, "west-b")
    far = enroll_laptop(server, V3, "far-a")
    far_b = enroll_laptop(server, V3, "far-b")
    made = []
    for a, b, n in ((laptop, laptop_b, 3), (west, west_b, 2), (far, far_b, 1)):
        for _ in range(n):
            hid = uuid7()
            a.push([a.change("household", hid, household_fields())])
            a.push([a.change("household", hid, {"address": "县"}, base={"address": 1})])
            b.push([b.change("household", hid, {"address": "村"}, base={"address": 1})])
            made.append(hid)
    with staff.store.write() as conn:  # the first village's items were opened a week ago
        items = review_items.c
        conn.execute(
            update(review_items)
            .where(items.village_code == V1)
            .values(created_at=items.created_at - 7 * 86400)
        )
    township = Desk(staff, "township1")
    page = township.items("?limit=2")
    assert page["total"] == 5 and page["counts_by_village"] == {V1: 3, V2: 2} and len(page["items"]) == 2
    rest = township.items("?limit=2&offset=2")["items"] + township.items("?limit=2&offset=4")["items"]
    ids = [i["id"] for i in page["items"] + rest]
    assert len(set(ids)) == 5
    assert [i["village_code"] for i in township.items("?sort=village")["items"]] == [V1, V1, V1, V2, V2]
    assert township.items(f"?village={V2}")["total"] == 2
    assert township.items("?min_age_days=5")["total"] == 3  # only the first village's are that old
    assert township.items("?entity=person")["total"] == 0
    assert township.get(f"/items?village={V3}").status_code == 403
    far_item = Desk(staff, "county").items(f"?village={V3}")["items"][0]
    assert township.get(f"/items/{far_item['id']}").status_code == 403
    county = Desk(staff, "county")
    assert county.decide(far_item, "county", note="县里核定").status_code == 200
    assert township.get(f"/history?item={far_item['id']}").status_code == 403
    assert township.get(f"/history?record={far_item['record_id']}").status_code == 403
    assert township.decide(far_item, "county").status_code == 403
    assert township.get("/history").json()["history"] == []  # every decision of my villages: none yet
    (latest,) = county.get("/history?limit=5").json()["history"]
    assert latest["item_id"] == far_item["id"] and latest["choice"] == "county"
    assert Desk(staff, "township2").items("?status=decided")["total"] == 1
    assert county.items()["total"] == 5 and county.items("?status=all")["total"] == 6


def test_a_laptop_learns_the_outcome_of_its_village_items(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop, server: EmbeddedServer
) -> None:
    hid = uuid7()
    laptop.push([laptop.change("household", hid, household_fields())])
    laptop.push([laptop.change("household", hid, {"address": "县"}, base={"address": 1})])
    laptop_b.push([laptop_b.change("household", hid, {"address": "村"}, base={"address": 1})])
    reply = laptop_b.request("GET", f"/api/v1/review?records={hid}")
    assert reply.status == 200, reply.json
    (state,) = reply.json["items"]
    assert state["status"] == "open" and state["county"]["value"] == "县" and state["field"] == "address"
    desk = Desk(staff, "township1")
    (item,) = desk.items()["items"]
    assert desk.decide(
        item, "village", note="以村里为准", conflict_id=item["village_values"][0]["conflict_id"]
    ).ok
    (state,) = laptop_b.request("GET", f"/api/v1/review?records={hid}").json["items"]
    assert state["status"] == "decided" and state["decision"]["value"] == "村"
    assert state["decision"]["note"] == "以村里为准" and "village_values" not in state
    # Laptop A's later edit on an old base opens a new item: B still sees the outcome of its own.
    laptop.push([laptop.change("household", hid, {"address": "又改"}, base={"address": 1})])
    assert desk.items()["total"] == 1
    (state,) = laptop_b.request("GET", f"/api/v1/review?records={hid}").json["items"]
    assert state["status"] == "decided"
    (state,) = laptop.request("GET", f"/api/v1/review?records={hid}").json["items"]
    assert state["status"] == "open"
    other = enroll_laptop(server, V2, "west")
    assert other.request("GET", f"/api/v1/review?records={hid}").json["items"] == []
    assert laptop.request("GET", f"/api/v1/review?records={hid}", sign=False).status == 401


def _two_households(laptop: Laptop, laptop_b: Laptop) -> dict[str, str]:
    """Two households of two persons; laptop B edits everyone's occupation and A the household
    addresses: items about persons and households, interleaved in time."""
    made: dict[str, str] = {}
    for number, names in (("0007", ("李四", "李小")), ("0003", ("赵一", "赵二"))):
        hid = uuid7()
        changes = [laptop.change("household", hid, household_fields(household_no=number, head_name=names[0]))]
        for i, name in enumerate(names):
            pid = uuid7()
            made[name] = pid
            fields = person_fields(hid, "head" if i == 0 else "child", name=name)
            changes.append(laptop.change("person", pid, fields))
        made[number] = hid
        laptop.push(changes)
    for key, record_id in made.items():
        entity = "household" if key.isdigit() else "person"
        field = "address" if entity == "household" else "occupation"
        laptop.push([laptop.change(entity, record_id, {field: "县"}, base={field: 1})])
        laptop_b.push([laptop_b.change(entity, record_id, {field: "村"}, base={field: 1})])
    return made


def test_search_by_name_household_number_or_resident_id_and_keep_a_household_together(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    made = _two_households(laptop, laptop_b)
    desk = Desk(staff, "township1")
    assert desk.items()["total"] == 6
    found = desk.items("?q=李小")["items"]
    assert [i["record_id"] for i in found] == [made["李小"]]
    household = desk.items("?q=0007")  # the household's own item and each member's
    assert household["total"] == 3 and household["counts_by_village"] == {V1: 3}
    assert {i["record_id"] for i in household["items"]} == {made["0007"], made["李四"], made["李小"]}
    records, _ = laptop.pull_all()
    resident_id = records[made["赵二"]]["fields"]["resident_id"]
    assert [i["record_id"] for i in desk.items(f"?q={resident_id[-6:]}")["items"]] == [made["赵二"]]
    assert desk.items("?q=nobody")["total"] == 0
    assert desk.get("/items?q=" + "x" * 65).status_code == 400  # malformed: too long

    by_household = [i["record_id"] for i in desk.items("?sort=household")["items"]]
    assert by_household == [made[k] for k in ("0003", "赵一", "赵二", "0007", "李四", "李小")]
    by_person = [i["record_id"] for i in desk.items("?sort=person&limit=2&offset=1")["items"]]
    names = sorted(("李四", "李小", "赵一", "赵二"))
    assert by_person == [made[n] for n in names[1:3]]  # paged after sorting
    assert desk.items(f"?sort=household&village={V2}")["total"] == 0


def test_an_item_is_found_by_the_number_shown_on_the_desk(
    staff: EmbeddedServer, laptop: Laptop, laptop_b: Laptop
) -> None:
    _two_households(laptop, laptop_b)
    desk = Desk(staff, "township1")
    item = desk.items()["items"][0]
    assert len(item["number"]) == 8 and item["id"].replace("-", "").endswith(item["number"])
    reply = desk.get(f"/items/{item['number']}")
    assert reply.status_code == 200 and reply.json()["item"]["id"] == item["id"]
    assert desk.get("/items/zzzzzzzz").status_code == 404
    assert desk.get("/items/00000000").status_code == 404
    assert Desk(staff, "township2").get(f"/items/{item['number']}").status_code == 404  # not theirs
