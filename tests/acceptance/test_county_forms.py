"""County-published forms reach the laptops on sync (issue 17), on both backends.

The county publishes v2 from a workbook (a new choice field, a new choice in an existing list, a new
required field, one field removed); laptops take it at their next sync, enter and sync the new
field; a laptop that cannot check the signature keeps version 1 and its pushes are still accepted
and validated against version 1; the removed field's values stay on the server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.services.setup import STATE_SIGNING_KEY
from desktop.services.sync_service import describe
from desktop.services.township.desk import TownshipService
from sync import form_versions as fv
from sync.form_workbook import document_from_workbook, read_workbook
from sync.provisioning import generate_signing_keypair
from sync.server import form_store
from tests.sync.form_workbooks import v2_household, write_workbook
from tests.sync_world import STAFF_PASSWORD, STAFF_USER, County, Laptop, server_records

PASS = b"county signing key 1"
COUNTY = "110105"


def household(no: str, **more: Any) -> dict[str, Any]:
    return {"household_no": no, "head_name": "张三", "address": "一组", "category": "ordinary",
            "status": "active", **more}  # fmt: skip


def publish(county: County, tmp_path: Path, version: int, change: Any, key: bytes) -> dict[str, Any]:
    with county.store.read() as conn:
        latest = form_store.latest(conn, COUNTY)
    path = write_workbook(tmp_path / f"v{version}.xlsx", "household", version, change, document=latest)
    book = read_workbook(path)
    try:
        document = document_from_workbook(book, latest)
    finally:
        book.close()
    signed = fv.sign(document, key, PASS)
    assert form_store.publish(county.store, COUNTY, signed, "县信息中心") == version
    return signed


def v3_household(survey: list[list[Any]], choices: list[list[Any]]) -> None:
    survey.append(["text", "risk_note", "返贫风险说明", "Note on the risk of falling back", "no"])


def test_laptops_follow_the_county_forms(
    county: County, laptops: Callable[..., Laptop], tmp_path: Path
) -> None:
    private, _ = generate_signing_keypair(PASS)
    other, _ = generate_signing_keypair(PASS)
    a, b, old = laptops("a"), laptops("b"), laptops("old")
    key = fv.sign(fv.builtin_document(), private, PASS)["signature"]["key"]
    for lap in (a, b):
        lap.store.state_set(STATE_SIGNING_KEY, key)  # pinned from the county's provisioning file
    old.store.state_set(STATE_SIGNING_KEY, fv.sign(fv.builtin_document(), other, PASS)["signature"]["key"])
    # Before v2: the old laptop records a household with a phone (the field v2 removes).
    made = old.store.household.create(household("0001", phone="13812345678"))
    old.sync()
    publish(county, tmp_path, 2, v2_household, private)

    report = a.sync()
    assert report.forms_taken == 2 and a.store.forms_version == 2
    assert "第 2 版表单" in describe(report, "zh")
    assert a.store.forms["household"].field("phone").hidden
    assert "relapse_risk" in [c.value for c in a.store.forms["household"].field("category").choices]
    # The new fields: entered, synced, seen by the other laptop.
    new = a.store.household.create(
        household("0002", family_doctor="signed", members_away=2, category="relapse_risk")
    )
    a.store.household.update(
        made, {"family_doctor": "not_signed"}
    )  # an old record: not blocked by members_away
    a.sync()
    assert b.sync().forms_taken == 2
    assert b.store.household.get(new)["family_doctor"] == "signed"
    assert b.store.household.get(made)["family_doctor"] == "not_signed"
    assert b.store.household.get(made)["phone"] == "13812345678"  # hidden, never dropped
    # The new field collides on two laptops and is decided on the township desk, with the forms as
    # published (the record also holds the removed phone and lacks nothing the desk would block on).
    a.store.household.update(made, {"members_away": 3})
    b.store.household.update(made, {"members_away": 4})
    a.sync()
    b.sync()
    desk = TownshipService(county.url, county.ca_pem, language="zh_CN")
    try:
        desk.sign_in(STAFF_USER, STAFF_PASSWORD)
        (item,) = desk.items().items
        assert item.field == "members_away" and item.field_label == "外出务工人数"  # the county's forms
        pick = next(v for v in item.village_values if v.value == 4)
        decided = desk.decide(item, "village", conflict_id=pick.conflict_id, note="入户核实")
        assert decided.status == "decided"
    finally:
        desk.close()
    a.sync()
    b.sync()
    assert a.store.household.get(made)["members_away"] == 4 == b.store.household.get(made)["members_away"]
    assert server_records(county)[made]["data"]["phone"] == "13812345678"

    # Excel export carries the new field and the removed one's values; the import template the new field.
    from openpyxl import load_workbook

    from desktop.services.excel_export import export_village
    from desktop.services.roster_template import write_template

    export_village(b.store, tmp_path / "b.xlsx")
    book = load_workbook(tmp_path / "b.xlsx", read_only=True)
    sheet = book.worksheets[0]
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    book.close()
    header = next(r for r in rows if "家庭医生签约" in r)
    assert "联系电话" in header or any("电话" in str(h) for h in header)
    assert any("已签约" in r for r in rows) and any("13812345678" in r for r in rows)
    write_template(tmp_path / "template.xlsx", b.store.forms)
    book = load_workbook(tmp_path / "template.xlsx", read_only=True)
    template_header = [c for r in book.worksheets[0].iter_rows(values_only=True, max_row=1) for c in r]
    book.close()
    assert "家庭医生签约" in template_header and "外出务工人数*" in template_header

    # The push named its version.
    from sync import protocol_decode

    assert protocol_decode.decode_push_request(a.link.pushes[-1]).forms_version == 2

    # A laptop whose pinned key did not sign v2 refuses it, keeps version 1, and its pushes
    # (validated against version 1) are accepted; v2 fields it does not know stay on the server.
    report = old.sync()
    assert report.forms_taken == 0 and report.forms_refused is not None
    assert "another key" in report.forms_refused[1] and old.store.forms_version == 1
    assert "不是用本县的密钥签名的" in describe(report, "zh") and "keeps the forms it has" in describe(
        report, "en"
    )
    old.store.household.update(made, {"address": "二组"})
    old.sync()
    assert protocol_decode.decode_push_request(old.link.pushes[-1]).forms_version == 1
    on_server = server_records(county)[made]["data"]
    assert on_server["address"] == "二组" and on_server["family_doctor"] == "not_signed"
    assert on_server["phone"] == "13812345678"

    # Given the county's key at last (a new provisioning file), it takes v2 and pulls again the
    # values of the new fields it had left out.
    old.store.state_set(STATE_SIGNING_KEY, key)
    assert old.sync().forms_taken == 2
    assert old.store.household.get(made)["family_doctor"] == "not_signed"
    assert old.store.household.get(new)["members_away"] == 2

    # v3 while b is closed (offline): on reopen and sync it takes v3 straight from v2.
    b.close()
    publish(county, tmp_path, 3, v3_household, private)
    b.reopen()
    assert b.store.forms_version == 2  # the version taken before survives a restart
    assert b.sync().forms_taken == 3
    assert "risk_note" in b.store.forms["household"].field_names
    assert b.store.forms["household"].field("phone").hidden  # still hidden after v3
    b.store.household.update(new, {"risk_note": "已核实"})
    b.sync()
    assert server_records(county)[new]["data"]["risk_note"] == "已核实"
    audit = [r[0] for r in old.store.db.query("SELECT detail FROM audit_log WHERE action = 'forms_refused'")]
    assert audit and "signer" in audit[0]
    assert json.loads(json.dumps(b.store.state_get("form_documents")))[-1]["version"] == 3
