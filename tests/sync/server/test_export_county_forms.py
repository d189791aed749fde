"""The county's Excel export follows its published forms (issue 17): a new field is a column with
its values, a removed field's values are still exported, and a field the forms mark for the
indicators is on the indicators sheet. SQLite and PostgreSQL."""

from __future__ import annotations

import copy
from pathlib import Path

from openpyxl import load_workbook

from sync import form_versions as fv
from sync.ids import uuid7
from sync.protocol import PushRequest, encode
from sync.provisioning import generate_signing_keypair
from sync.server import form_store
from sync.server.embedded import EmbeddedServer
from sync.server.export import export_villages

from .conftest import COUNTY, V1, Laptop, household_fields


def test_export_carries_new_fields_removed_values_and_marked_indicators(
    server: EmbeddedServer, laptop: Laptop, tmp_path: Path
) -> None:
    laptop.push([laptop.change("household", uuid7(), household_fields(phone="13812345678"))])  # version 1
    doc = copy.deepcopy(fv.builtin_document())
    doc["version"] = 2
    household = next(f for f in doc["forms"] if f["entity"] == "household")
    household["fields"] = [f for f in household["fields"] if f["name"] != "phone"] + [
        {"name": "family_doctor", "type": "choice", "indicator": "count",
         "label": {"zh_CN": "家庭医生签约", "en": "Family doctor contract"},
         "choices": [{"value": "signed", "label": {"zh_CN": "已签约", "en": "Signed"}},
                     {"value": "not_signed", "label": {"zh_CN": "未签约", "en": "Not signed"}}]},
    ]  # fmt: skip
    private, _ = generate_signing_keypair(b"county key")
    form_store.publish(server.store, COUNTY, fv.sign(doc, private, b"county key"))
    change = laptop.change("household", uuid7(), household_fields(family_doctor="signed"))
    reply = laptop.request("POST", "/api/v1/push", encode(PushRequest(uuid7(), [change], forms_version=2)))
    assert reply.status == 200, reply.json

    with server.store.read() as conn:
        forms = form_store.current_forms(conn, COUNTY)
    out = tmp_path / "county.xlsx"
    export_villages(server.store, forms, COUNTY, [V1], out, year=2024, names={V1: "东村"})
    book = load_workbook(out, read_only=True)
    cells = {ws.title: [c for r in ws.iter_rows(values_only=True) for c in r] for ws in book.worksheets}
    book.close()
    households = next(v for v in cells.values() if "家庭医生签约" in v)
    assert "联系电话" in households and "13812345678" in households  # removed, its value kept
    assert "已签约" in households
    figures = next(v for v in cells.values() if "家庭医生签约：已签约" in v)
    at = figures.index("家庭医生签约：已签约")
    assert 1 in figures[at : at + 3]
