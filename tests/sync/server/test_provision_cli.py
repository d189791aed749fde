"""county-server as county IT runs it: what each command prints (and nothing else: no Alembic log
lines), and the provisioning commands from key to signed file a laptop accepts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sync.provisioning import load_provisioning
from sync.recovery import generate_recovery_keypair
from sync.server.cli import main
from tests.sync_world import make_pki

VILLAGE = "530102001001"


def _cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def test_commands_print_what_county_it_needs_and_no_migration_noise(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'county.db'}"
    init = _cli("--db", db, "init")
    assert init.returncode == 0, init.stderr
    assert init.stderr == ""
    assert init.stdout.startswith("database ready: sqlite:///") and "(schema 0" in init.stdout
    again = _cli("--db", db, "add-village", VILLAGE, "示范村")
    assert (again.returncode, again.stdout, again.stderr) == (0, f"village {VILLAGE} added\n", "")
    code = _cli("--db", db, "enroll-code", VILLAGE, "--hours", "2")
    assert code.returncode == 0
    lines = code.stdout.splitlines()
    assert len(lines) == 1 and len(lines[0]) == 14 and lines[0].count("-") == 2
    assert code.stderr.strip() == f"one-time enrollment code for village {VILLAGE}, valid 2 hours"
    assert "alembic" not in (init.stdout + init.stderr + code.stdout + code.stderr).lower()


@pytest.mark.postgres
def test_init_on_postgresql_hides_the_password_and_the_migration_log(pg_url: str) -> None:
    url = pg_url.replace("postgres@", "postgres:secret-pw@")  # trust auth ignores it
    init = _cli("--db", url, "init")
    assert init.returncode == 0, init.stderr
    assert init.stderr == "" and "secret-pw" not in init.stdout and "***" in init.stdout


def test_from_signing_key_to_a_signed_file_a_laptop_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGN_PW", "county signing passphrase")
    pki = make_pki(tmp_path / "pki")
    _private, public = generate_recovery_keypair()
    (tmp_path / "recovery.pub.pem").write_bytes(public)
    key, pub = tmp_path / "signing.pem", tmp_path / "signing.pub.pem"
    assert main(["provision-keygen", str(key), str(pub), "--passphrase-env", "SIGN_PW"]) == 0
    assert key.stat().st_mode & 0o777 == 0o600
    unsigned = tmp_path / "unsigned.json"
    args = ["--url", "https://county.example.cn/", "--ca", str(pki.ca_pem)]
    args += ["--recovery-key", str(tmp_path / "recovery.pub.pem"), "--village", VILLAGE]
    assert main(["provision-make", str(unsigned), *args]) == 0
    assert "sign it with provision-sign" in capsys.readouterr().out
    signed = tmp_path / "provisioning.json"
    assert (
        main(["provision-sign", str(unsigned), str(signed), "--key", str(key), "--passphrase-env", "SIGN_PW"])
        == 0
    )
    out = capsys.readouterr().out
    prov = load_provisioning(signed)
    assert prov.server_url == "https://county.example.cn" and prov.village_code == VILLAGE
    assert prov.signing_key and prov.signing_key in out
    assert main(["provision-check", str(signed)]) == 0
    assert "usable" in capsys.readouterr().out


def test_provisioning_commands_refuse_bad_input_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGN_PW", "county signing passphrase")
    monkeypatch.setenv("WRONG_PW", "not the passphrase at all")
    key, pub = tmp_path / "signing.pem", tmp_path / "signing.pub.pem"
    assert main(["provision-keygen", str(key), str(pub), "--passphrase-env", "SIGN_PW"]) == 0
    capsys.readouterr()
    # An existing key is never overwritten.
    assert main(["provision-keygen", str(key), str(tmp_path / "x.pem"), "--passphrase-env", "SIGN_PW"]) == 2
    assert "exists already" in capsys.readouterr().err and not (tmp_path / "x.pem").exists()
    bad_ca = tmp_path / "bad-ca.pem"
    bad_ca.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    out = tmp_path / "p.json"
    assert main(["provision-make", str(out), "--url", "https://c.example.cn", "--ca", str(bad_ca)]) == 2
    assert "certificate" in capsys.readouterr().err and not out.exists()
    assert main(["provision-make", str(out), "--url", "http://c.example.cn"]) == 2
    assert "https://" in capsys.readouterr().err and not out.exists()
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"server_url": "https://c.example.cn"}))
    signed = tmp_path / "signed.json"
    assert (
        main(["provision-sign", str(good), str(signed), "--key", str(key), "--passphrase-env", "WRONG_PW"])
        == 2
    )
    assert "wrong passphrase" in capsys.readouterr().err and not signed.exists()
    notjson = tmp_path / "notjson.json"
    notjson.write_text("server_url: x")
    assert (
        main(["provision-sign", str(notjson), str(signed), "--key", str(key), "--passphrase-env", "SIGN_PW"])
        == 2
    )
    assert "not JSON" in capsys.readouterr().err and not signed.exists()
    assert main(["provision-check", str(notjson)]) == 2


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["recovery-keygen", "recovery.pem", "recovery.pub.pem"], "--passphrase-env"),
        (["provision-keygen", "signing.pem", "signing.pub.pem"], "--passphrase-env"),
    ],
)
def test_without_a_terminal_the_key_commands_say_to_use_the_environment(
    tmp_path: Path, command: list[str], option: str
) -> None:
    """Run as a script would (no controlling terminal, nothing on stdin): a plain message, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", *command],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no /dev/tty: getpass falls back to the empty stdin
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and option in done.stderr
    assert not list(tmp_path.iterdir())  # no key written


@pytest.mark.parametrize("lang", ["zh_CN.UTF-8", "en_US.UTF-8"])
def test_the_provisioning_commands_speak_the_locale_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("LC_ALL", lang)
    monkeypatch.setenv("SIGN_PW", "county signing passphrase")
    key, pub, made = tmp_path / "signing.pem", tmp_path / "signing.pub.pem", tmp_path / "p.json"
    assert main(["provision-keygen", str(key), str(pub), "--passphrase-env", "SIGN_PW"]) == 0
    assert main(["provision-keygen", str(key), str(pub), "--passphrase-env", "SIGN_PW"]) == 2
    assert main(["provision-make", str(made), "--url", "https://c.example.cn", "--village", VILLAGE]) == 0
    assert main(["provision-check", str(made)]) == 0
    assert main(["provision-make", str(tmp_path / "q.json"), "--url", "http://c.example.cn"]) == 2
    said = capsys.readouterr()
    printed = (said.out + said.err).replace(str(tmp_path), "").replace("county-server:", "")
    chinese = (
        "签名私钥 /signing.pem（请离线保存）",
        "已存在，不会覆盖",
        "请用 provision-sign 签名",
        "可以使用",
        "未签名",
        f"村 {VILLAGE}",
        "不含县级 CA 证书",
        "服务器地址必须以 https:// 开头",
    )
    english = (
        "signing key /signing.pem (keep it offline)",
        "exists already",
        "sign it with provision-sign",
        "usable",
        "unsigned",
        f"village {VILLAGE}",
        "NO county CA",
        "must start with https://",
    )
    if lang.startswith("zh"):
        assert all(words in printed for words in chinese), printed
        leftover = re.sub(r"https?(://[\w.]*)?", "", printed)  # the address, and http(s) in the words
        for data in ("provision-sign", "CA", "signing.pem", "signing.pub.pem", "p.json"):
            leftover = leftover.replace(data, "")
        assert re.findall(r"[A-Za-z]{2,}", leftover) == []
    else:
        assert all(words in printed for words in english), printed
        assert not re.search(r"[\u4e00-\u9fff]", printed)
