"""installer/server: the systemd unit and its settings file, and backup and restore with pg_dump as
the documented scripts do it, against the local PostgreSQL, with a served database."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy import func, select

from desktop.services.sync_service import SyncService
from desktop.storage import KdfParams, Store
from sync.server import embedded
from sync.server.store import Store as CountyStore
from sync.server.tables import devices, records
from tests.sync_world import PG_ADMIN, make_pki, postgres_database

ROOT = Path(__file__).resolve().parents[3]
SERVER = ROOT / "installer" / "server"
VILLAGE = "530102001001"
HEAD = "赵六"


def _env_file() -> dict[str, str]:
    out = {}
    for line in (SERVER / "county-server.env").read_text("utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            out[name.strip()] = value.strip()
    return out


def test_the_env_file_sets_what_serve_reads_and_the_unit_uses_it() -> None:
    env = _env_file()
    assert set(env) == {
        "COUNTY_SERVER_DB",
        "COUNTY_SERVER_HOST",
        "COUNTY_SERVER_PORT",
        "COUNTY_SERVER_CERT",
        "COUNTY_SERVER_KEY",
        "COUNTY_SERVER_LOG",
    }
    cli = (ROOT / "sync" / "server" / "cli.py").read_text("utf-8")
    assert all(f'"{name}"' in cli for name in env), "every setting is read by county-server"
    unit = (SERVER / "county-server.service").read_text("utf-8")
    assert "EnvironmentFile=/etc/county-server/county-server.env" in unit
    assert re.search(r"^User=county-server$", unit, re.M) and "NoNewPrivileges=yes" in unit
    assert env["COUNTY_SERVER_LOG"].startswith("/var/log/county-server/")  # the unit's LogsDirectory


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize(
    "unit", ["county-server.service", "county-server-backup.service", "county-server-backup.timer"]
)
def test_systemd_accepts_the_units(unit: str) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", str(SERVER / unit)], capture_output=True, text=True, timeout=60
    )
    # Only complaint allowed: the programs are not installed on this machine.
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert problems == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_env() -> dict[str, str]:
    return {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "postgres"}


def _counts(url: str) -> tuple[int, int]:
    store = CountyStore(url)
    try:
        with store.read() as conn:
            n_records = conn.execute(select(func.count()).select_from(records)).scalar_one()
            n_devices = conn.execute(select(func.count()).select_from(devices)).scalar_one()
        return int(n_records), int(n_devices)
    finally:
        store.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_backup_of_a_served_database_restores_with_records_and_devices(tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "tls")
    log = tmp_path / "log" / "county-server.log"
    log.parent.mkdir()
    with postgres_database() as url:
        cli = [sys.executable, "-m", "sync.server.cli"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("COUNTY_SERVER")}
        port = _free_port()
        env.update(  # as the EnvironmentFile sets them for the unit
            COUNTY_SERVER_DB=url,
            COUNTY_SERVER_HOST="127.0.0.1",
            COUNTY_SERVER_PORT=str(port),
            COUNTY_SERVER_CERT=str(pki.cert),
            COUNTY_SERVER_KEY=str(pki.key),
            COUNTY_SERVER_LOG=str(log),
        )
        for args in (["init"], ["add-village", VILLAGE, "示范村"]):
            subprocess.run([*cli, *args], env=env, check=True, capture_output=True, timeout=120)
        code = subprocess.run(
            [*cli, "enroll-code", VILLAGE], env=env, check=True, capture_output=True, text=True, timeout=120
        ).stdout.strip()
        serve = subprocess.Popen([*cli, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server_url = f"https://127.0.0.1:{port}"
        laptop = Store.create(
            tmp_path / "v.vdd", "wang", "correct horse 42", VILLAGE, kdf=KdfParams.fast_for_tests()
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert serve.poll() is None, serve.stderr.read() if serve.stderr else ""
                try:
                    requests.get(f"{server_url}/api/v1/health", verify=str(pki.ca_pem), timeout=1)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            service = SyncService(laptop)
            service.configure(server_url, pki.ca_pem.read_text("ascii"))
            service.enroll(code, "office laptop")
            hid = laptop.household.create(
                {
                    "household_no": "B-001",
                    "head_name": HEAD,
                    "address": "二组",
                    "category": "ordinary",
                    "status": "active",
                }
            )
            assert service.run_sync().pushed == 1
        finally:
            serve.terminate()
            serve.wait(timeout=30)
        text = log.read_text("utf-8")
        assert "/api/v1/push" in text and HEAD not in text  # the log file has requests, no record data

        backups = tmp_path / "backups"
        done = subprocess.run(
            [SERVER / "backup.sh"],
            env={**_pg_env(), "PGDATABASE": url.rsplit("/", 1)[1], "BACKUP_DIR": str(backups)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        archive = Path(done.stdout.strip())
        assert archive.parent == backups and archive.suffix == ".dump" and archive.stat().st_size > 0
        assert not list(backups.glob("*.partial"))

        restored = url.rsplit("/", 1)[1] + "_restored"
        owner = "county-server-" + restored[-10:]  # a hyphen, as the service's role has
        try:
            done = subprocess.run(
                [SERVER / "restore.sh", archive, restored],
                env=_pg_env(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            assert done.stdout.strip() == f"restored into {restored}: 1 villages, 1 records, 1 devices"
            restored_url = url.rsplit("/", 1)[0] + "/" + restored
            assert _counts(restored_url) == _counts(url) == (1, 1)
            # The restored county serves the same laptop: its device (and key) survived.
            county = embedded.start(restored_url, log_level="warning")
            try:
                # Same server database at another address: the enrollment is kept (configure()
                # would forget it, as it must for a different server).
                laptop.state_set("server_url", county.url)
                service = SyncService(laptop)
                laptop.household.update(hid, {"address": "三组"})
                report = service.run_sync()
                assert report.pushed == 1 and not report.rejected
            finally:
                county.stop()
            # A damaged archive is refused before a database is made.
            bad = tmp_path / "bad.dump"
            bad.write_bytes(archive.read_bytes()[:200])
            done = subprocess.run(
                [SERVER / "restore.sh", bad, restored + "_2"],
                env=_pg_env(),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode != 0
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (restored + "_2",)
                ).fetchone()
            assert exists is None
            # With an owner (as the docs do it for the service's role): its tables, its database.
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE ROLE "{owner}"')
            done = subprocess.run(
                [SERVER / "restore.sh", archive, restored + "_owned", owner],
                env=_pg_env(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            with psycopg.connect(url.replace("postgresql+psycopg", "postgresql") + "_restored_owned") as conn:
                owners = {
                    r[0] for r in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")
                }
                db_owner = conn.execute(
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
                ).fetchone()
            assert owners == {owner} and db_owner == (owner,)
        finally:
            laptop.close()
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                for name in (restored, restored + "_owned"):
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'DROP ROLE IF EXISTS "{owner}"')


@pytest.mark.parametrize("script", ["install.sh", "backup.sh", "restore.sh", "county-server-admin"])
def test_the_scripts_parse_and_are_executable(script: str) -> None:
    path = SERVER / script
    assert os.access(path, os.X_OK)
    shell = "sh" if path.read_text("utf-8").startswith("#!/bin/sh") else "bash"
    assert subprocess.run([shell, "-n", str(path)], capture_output=True, timeout=30).returncode == 0


def test_restore_refuses_to_run_without_its_arguments() -> None:
    done = subprocess.run([SERVER / "restore.sh"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "usage:" in done.stderr


def test_backup_needs_a_database_name(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    done = subprocess.run(
        [SERVER / "backup.sh"],
        env={**env, "BACKUP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0 and "PGDATABASE" in done.stderr and not list(tmp_path.iterdir())
