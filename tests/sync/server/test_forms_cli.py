"""``county-server forms check|publish|list|show|diff`` on both backends (issue 17)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sync import form_versions as fv
from sync.server import admin, form_store
from sync.server.cli import main
from sync.server.store import Store
from tests.sync.form_workbooks import v2_household, write_workbook

COUNTY = "110105"


@pytest.fixture
def db(store: Store) -> str:
    admin.add_village(store, "110105001001", "东村")  # the one county: forms commands need no --county
    return store.url


def test_check_publish_list_show_diff(
    db: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGN_PW", "county signing passphrase")
    key, pub = tmp_path / "signing.pem", tmp_path / "signing.pub.pem"
    assert main(["provision-keygen", str(key), str(pub), "--passphrase-env", "SIGN_PW"]) == 0
    book = write_workbook(tmp_path / "household_v2.xlsx", "household", 2, v2_household)
    assert main(["--db", db, "forms", "check", str(book)]) == 0
    out = capsys.readouterr().out
    assert "version 2 can be published" in out and "+ household.family_doctor (choice)" in out
    with store.read() as conn:
        assert form_store.listing(conn, COUNTY) == []  # check publishes nothing
    publish = ["--db", db, "forms", "publish", str(book), "--key", str(key), "--passphrase-env", "SIGN_PW"]
    assert main([*publish, "--by", "县信息中心"]) == 0
    assert "version 2 published" in capsys.readouterr().out
    assert main(publish) == 2  # the same number again
    assert "version 2 is not newer than the version in use (2)" in capsys.readouterr().err
    assert main(["--db", db, "forms", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert (
        listed[0] == "1\tbuilt in" and listed[1].startswith("2\tpublished at") and "县信息中心" in listed[1]
    )
    shown = tmp_path / "v2.json"
    assert main(["--db", db, "forms", "show", "2", "--out", str(shown)]) == 0
    document = json.loads(shown.read_text(encoding="utf-8"))
    assert fv.verify(document, document["signature"]["key"])["household"].field("family_doctor")
    out = tmp_path / "county.xlsx"  # the county's export follows the published forms
    assert main(["--db", db, "export", str(out)]) == 0
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    headers = {c for ws in book.worksheets for r in ws.iter_rows(values_only=True, max_row=3) for c in r}
    book.close()
    assert {"家庭医生签约", "外出务工人数"} <= headers
    capsys.readouterr()
    assert main(["--db", db, "forms", "diff", "1", "2"]) == 0
    assert "- household.phone (hidden on laptops; its values are kept)" in capsys.readouterr().out
    # v3 from v2's JSON, with a core field removed: refused, naming it.
    document["version"] = 3
    person = next(f for f in document["forms"] if f["entity"] == "person")
    person["fields"] = [f for f in person["fields"] if f["name"] != "resident_id"]
    bad = tmp_path / "v3.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", db, "forms", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "person.resident_id is a core field and cannot be removed" in err and "nothing published" in err


def test_a_bad_workbook_is_named_row_by_row_and_nothing_is_published(
    db: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def spoil(survey: list[list[object]], choices: list[list[object]]) -> None:
        survey.append(["select_one nowhere", "x1", "某项", "Something", "no"])

    book = write_workbook(tmp_path / "bad.xlsx", "household", 2, spoil)
    assert main(["--db", db, "forms", "publish", str(book), "--key", str(tmp_path / "none.pem")]) == 2
    err = capsys.readouterr().err
    row = 2 + len(fv.builtin_document()["forms"][0]["fields"])
    assert (
        f"survey sheet, row {row}, column type: the choice list 'nowhere' is not on the choices sheet" in err
    )
    with store.read() as conn:
        assert form_store.listing(conn, COUNTY) == []


@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "en_US.UTF-8"])
def test_the_forms_commands_speak_the_locale_language(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("LC_ALL", lang)
    book = write_workbook(tmp_path / "household_v2.xlsx", "household", 2, v2_household)
    assert main(["--db", db, "forms", "list"]) == 0
    assert main(["--db", db, "forms", "diff", "1", "1"]) == 0
    assert main(["--db", db, "forms", "show", "1", "--out", str(tmp_path / "v1.json")]) == 0
    assert main(["--db", db, "forms", "show", "9"]) == 2
    assert main(["--db", db, "forms", "--county", "12", "list"]) == 2
    assert main(["--db", db, "forms", "publish", str(book), "--key", str(tmp_path / "none.pem")]) == 2
    said = capsys.readouterr()
    printed = (said.out + said.err).replace(str(tmp_path), "").replace("county-server:", "")
    chinese = (
        "1\t内置",
        "没有变化",
        "已写入 /v1.json",
        "没有第 9 版表单",
        "--county 是 6 位县代码",
        "无法读取签名密钥",
    )
    english = (
        "1\tbuilt in",
        "no change",
        "written /v1.json",
        "no form version 9",
        "--county is a 6-digit",
        "cannot be read",
    )
    if lang.startswith("zh"):
        assert all(words in printed for words in chinese), printed
        leftover = (
            printed.replace("forms list", "")
            .replace("--county", "")
            .replace("none.pem", "")
            .replace("v1.json", "")
        )
        assert re.findall(r"[A-Za-z]{2,}", leftover) == []
    else:
        assert all(words in printed for words in english), printed
        assert not re.search(r"[\u4e00-\u9fff]", printed)
