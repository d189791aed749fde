"""The county-server command line, called through main([...]) on a real database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from sync.server import embedded
from sync.server.cli import main
from sync.server.store import Store
from sync.server.tables import devices, users, villages
from sync.signing import public_key_b64

from .conftest import V1


@pytest.fixture
def db(backend: str, store: Store) -> str:
    return store.url


CJK = re.compile(r"[\u4e00-\u9fff]")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def _run_in(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    """Several commands on a fresh SQLite database under the locale ``lang``: all they printed, with
    the data (paths, the schema revision, the epoch) taken out."""
    monkeypatch.setenv("LC_ALL", lang)
    path = tmp_path / f"{lang}.db"
    db = f"sqlite:///{path}"
    table = tmp_path / "divisions.csv"
    table.write_text("110105001002,西村\n110105001003,南村\n", encoding="utf-8")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "add-village", V1, "东村"]) == 0
    assert main(["--db", db, "add-village", V1, "东村"]) == 2
    assert main(["--db", db, "add-villages", str(table)]) == 0
    said = capsys.readouterr()
    assert main(["--db", db, "enroll-code", V1, "--hours", "2"]) == 0
    issued = capsys.readouterr()
    code = issued.out.strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), (
        "the code alone on stdout, in any language"
    )
    assert main(["--db", db, "revoke-codes", V1]) == 0
    assert main(["--db", db, "revoke-device", "no-such-device"]) == 2
    assert main(["--db", db, "history-retention"]) == 0
    assert main(["--db", db, "history-retention", "1"]) == 2  # only lengthened
    assert main(["--db", db, "restored"]) == 0
    assert main(["--db", db, "export", str(tmp_path / "x.xlsx"), "--village", "999999999999"]) == 2
    rest = capsys.readouterr()
    revision = Store(db).schema_revision()
    printed = "\n".join([said.out, said.err, issued.err, rest.out, rest.err])
    for data in (db, str(tmp_path), str(revision), "county-server:"):
        printed = printed.replace(data, "")
    return re.sub(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", "", printed)  # the new epoch


def test_the_commands_speak_chinese_in_a_chinese_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = _run_in("zh_CN.UTF-8", tmp_path, capsys, monkeypatch)
    for words in (
        "数据库已就绪",
        f"已添加村 {V1}",
        "该村已存在",
        "已添加 2 个村，0 个村已存在",
        f"村 {V1} 的一次性注册码，2 小时内有效",
        "已作废 1 个未使用的注册码",
        "没有这个使用中的设备",
        "记录历史保留",
        "只能延长",
        "新纪元",
        "没有这些村：999999999999",
    ):
        assert words in printed
    assert ASCII_WORD.findall(printed) == []  # no English word left once the data is out


def test_the_commands_speak_english_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = _run_in("en_US.UTF-8", tmp_path, capsys, monkeypatch)
    for words in (
        "database ready",
        f"village {V1} added",
        "that village already exists",
        "2 villages added, 0 already there",
        f"one-time enrollment code for village {V1}, valid 2 hours",
        "1 unused codes revoked",
        "no such active device",
        "record history kept",
        "it can only be lengthened",
        "new epoch",
        "no such village: 999999999999",
    ):
        assert words in printed
    assert CJK.findall(printed) == []


def test_help_is_in_the_locale_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    for command, words in (
        ([], "添加乡镇或县级工作人员账号"),
        (["add-user"], "从此环境变量读取密码"),
        (["serve"], "环境变量 COUNTY_SERVER_HOST"),
        (["forms"], "6 位县代码"),
        (["provision-make"], "县级服务器地址"),
    ):
        with pytest.raises(SystemExit) as done:
            main([*command, "--help"])
        assert done.value.code == 0 and words in capsys.readouterr().out
    monkeypatch.setenv("LC_ALL", "C")
    with pytest.raises(SystemExit):
        main(["add-user", "--help"])
    out = capsys.readouterr().out
    assert "read the password from this environment variable" in out and not CJK.search(out)


def test_admin_commands(db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "add-village", V1, "东村"]) == 0
    assert main(["--db", db, "add-village", V1, "东村"]) == 2  # already there
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("STAFF_PW", "long enough secret")
    assert (
        main(
            [
                "--db",
                db,
                "add-user",
                "li",
                "--scope",
                "township",
                "--code",
                V1[:9],
                "--password-env",
                "STAFF_PW",
            ]
        )
        == 0
    )
    assert (
        main(
            ["--db", db, "add-user", "x", "--scope", "county", "--code", "123", "--password-env", "STAFF_PW"]
        )
        == 2
    )
    capsys.readouterr()
    assert main(["--db", db, "enroll-code", V1, "--hours", "1"]) == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 14 and code.count("-") == 2
    store = Store(db)
    try:
        with store.read() as conn:
            assert conn.execute(select(villages.c.name)).scalars().all() == ["东村"]
            (user,) = conn.execute(select(users)).all()
        assert user.scope == "township" and user.password_hash.startswith("$argon2id$")
        with embedded.start(store, migrate=False) as srv:
            key = public_key_b64(Ed25519PrivateKey.generate())
            reply = requests.post(
                srv.url + "/api/v1/enroll", json={"code": code, "public_key": key, "name": "n"}, timeout=30
            )
            assert reply.status_code == 200
            device_id = reply.json()["device_id"]
            login = requests.post(
                srv.url + "/api/v1/staff/login",
                json={"username": "li", "password": "long enough secret"},
                timeout=30,
            )
            assert login.status_code == 200
        assert main(["--db", db, "revoke-device", device_id]) == 0
        assert main(["--db", db, "revoke-device", device_id]) == 2
        with store.read() as conn:
            assert conn.execute(select(devices.c.revoked_at)).scalar_one() is not None
    finally:
        store.close()


def test_database_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("COUNTY_SERVER_DB", str(path))
    assert main(["init"]) == 0 and path.exists()


def test_unknown_village_for_a_code(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db, "enroll-code", "999999999999"]) == 2
    assert "no such village" in capsys.readouterr().err


def test_villages_from_a_division_table(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "divisions.csv"
    table.write_text(
        "代码,名称\n110105000000,朝阳区\n110105001000,建外街道\n110105001001,东村\n110105001002,西村\n",
        encoding="utf-8",
    )
    assert main(["--db", db, "add-villages", str(table)]) == 0
    assert "2 villages added, 0 already there" in capsys.readouterr().out
    from sync.server.admin import township_name

    assert township_name(Store(db), "110105001") == "建外街道"  # kept for the staff desk's title
    assert main(["--db", db, "add-villages", str(table)]) == 0
    assert "0 villages added, 2 already there" in capsys.readouterr().out
    bad = tmp_path / "bad.tsv"
    bad.write_text("110105001003\t南村\n11010500100X\t北村\n", encoding="utf-8")
    assert main(["--db", db, "add-villages", str(bad)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_revoke_codes_and_list_devices(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--db", db, "add-village", V1, "东村"])
    capsys.readouterr()
    main(["--db", db, "enroll-code", V1])
    spent, unused = capsys.readouterr().out.strip(), None
    main(["--db", db, "enroll-code", V1])
    unused = capsys.readouterr().out.strip()
    store = Store(db)
    try:
        with embedded.start(store, migrate=False) as srv:
            key = public_key_b64(Ed25519PrivateKey.generate())
            ok = requests.post(
                srv.url + "/api/v1/enroll", json={"code": spent, "public_key": key, "name": "甲"}, timeout=30
            )
            assert ok.status_code == 200
            assert main(["--db", db, "revoke-codes", V1]) == 0
            assert "1 unused codes revoked" in capsys.readouterr().out
            refused = requests.post(
                srv.url + "/api/v1/enroll", json={"code": unused, "public_key": key, "name": "乙"}, timeout=30
            )
            assert refused.status_code == 403
        assert main(["--db", db, "list-devices", "--village", V1]) == 0
        (line,) = capsys.readouterr().out.strip().splitlines()
        assert line.split("\t") == [ok.json()["device_id"], V1, "active", "甲"]
    finally:
        store.close()


def test_list_devices_never_prints_raw_escape_sequences(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import insert

    from sync.server.tables import devices

    main(["--db", db, "add-village", V1, "东村"])
    store = Store(db)
    try:  # a name stored before enrollment cleaned names
        with store.write() as conn:
            conn.execute(
                insert(devices).values(
                    county_code=V1[:6],
                    village_code=V1,
                    device_id="d1",
                    name="东村\x1b[2J\x1b]0;pwned\x07\u202e电脑",
                    public_key=public_key_b64(Ed25519PrivateKey.generate()),
                    enrolled_at=1,
                )
            )
    finally:
        store.close()
    capsys.readouterr()
    assert main(["--db", db, "list-devices"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert out.strip().split("\t")[-1] == "东村\\u001b[2J\\u001b]0;pwned\\u0007\\u202e电脑"


def test_export_to_excel(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    from sync.ids import uuid7
    from sync.protocol import Change

    from .conftest import enroll_laptop, household_fields, person_fields

    main(["--db", db, "add-village", V1, "东村"])
    store = Store(db)
    try:
        with embedded.start(store, migrate=False) as srv:
            lap = enroll_laptop(srv, V1)
            hid = uuid7()
            person = person_fields(hid, "head")
            lap.push(
                [
                    Change("household", hid, V1, fields=household_fields()),
                    Change("person", uuid7(), V1, fields=person),
                ]
            )
    finally:
        store.close()
    out = tmp_path / "export.xlsx"
    assert main(["--db", db, "export", str(out), "--year", "2024"]) == 0
    assert "person 1" in capsys.readouterr().out
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "家庭户",
        "家庭成员",
        "家庭收入",
        "公共服务",
        "指标",
        "人口年龄结构",
        "服务按月",
        "各村对比",
    ]
    people = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(people) == 2 and person["resident_id"] in people[1]
    assert main(["--db", db, "export", str(out), "--village", "999999999999"]) == 2


def test_serve_command(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server.cli",
            "--db",
            str(tmp_path / "s.db"),
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                reply = requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.2)
        assert reply.json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
