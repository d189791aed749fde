"""A normal (not editable) install works away from the checkout, as county IT or a new user gets it.

Builds the wheel from a copy of the source tree, installs it into a fresh venv under tmp_path, and
from another folder: the laptop install alone passes ``village-desk --self-test`` and says what to
install for ``--demo`` and ``county-server``; with the ``[server]`` extra, ``county-server init``,
``add-village`` and ``enroll-code`` print what county IT needs, ``serve`` answers on loopback, and
one laptop pushes a household that a second laptop pulls (a script run by the installed venv).
Dependencies come from pip's configured index and cache, so a second run is fast and needs no
network when the cache is warm.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
VILLAGE = "530102001001"
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "screenshots", "tests"
)

OLD_BUILD_SCRIPT = r"""
from desktop.services.settings import AppPaths
from desktop.storage import KdfParams, Store
path = AppPaths.default().ensure().store_path
with Store.create(path, "wang", "correct horse 42", "530102001001", kdf=KdfParams.fast_for_tests()) as s:
    s.household.create({"household_no": "U-001", "head_name": "旧版", "address": "一组",
                        "category": "ordinary", "status": "active"})
print(path)
"""

NEW_BUILD_SCRIPT = r"""
import json
from importlib.metadata import version
from desktop.services.settings import AppPaths
from desktop.storage import Store
from desktop.storage.migrations import applied
with Store.unlock(AppPaths.default().store_path, "wang", "correct horse 42") as s:
    print(json.dumps({"version": version("village-data-desk"), "migrations": applied(s.db),
                      "records": s.household.count(), "pending": s.pending_count()}))
"""

PROBE_MIGRATION = """

def _upgrade_probe(db):  # added by tests/test_wheel_install.py to the "newer build" only
    db.execute("CREATE TABLE upgrade_probe (x TEXT)")


MIGRATIONS.append(("9999_upgrade_probe", _upgrade_probe))
"""

LAPTOP_SCRIPT = r"""
import json, sys
from pathlib import Path
from desktop.services.sync_service import SyncService
from desktop.storage import KdfParams, Store

url, folder, first_code, second_code, village = sys.argv[1:6]
def laptop(name, code):
    store = Store.create(Path(folder) / f"{name}.vdd", "wang", "correct horse 42", village,
                         kdf=KdfParams.fast_for_tests())
    service = SyncService(store)
    service.configure(url, None)
    service.enroll(code, name)
    return store, service

a, sa = laptop("a", first_code)
hid = a.household.create({"household_no": "W-001", "head_name": "王五", "address": "一组",
                          "category": "ordinary", "status": "active"})
pushed = sa.run_sync().pushed
b, sb = laptop("b", second_code)
pulled = sb.run_sync().pulled
got = b.household.get(hid)
print(json.dumps({"pushed": pushed, "pulled": pulled, "head": got and got["head_name"]}))
"""


def _run(
    args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    skip = ("VILLAGE_DESK", "PYTHON", "VIRTUAL_ENV", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(QT_QPA_PLATFORM="offscreen", PIP_DISABLE_PIP_VERSION_CHECK="1", HOME=str(tmp_path / "home"))
    env["XDG_CACHE_HOME"] = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))  # pip's cache
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "home").mkdir()

    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    dist = tmp_path / "dist"
    _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src], elsewhere, env))
    (wheel,) = dist.glob("village_data_desk-*.whl")

    venv = tmp_path / "venv"
    _ok(_run([sys.executable, "-m", "venv", venv], elsewhere, env))
    bin_ = venv / "bin"
    _ok(_run([bin_ / "pip", "install", "-q", "--no-compile", wheel], elsewhere, env))

    # Laptop install: its own dependencies only, resources from inside the venv.
    where = _ok(
        _run(
            [
                bin_ / "python",
                "-c",
                "import sync.resources as r, importlib.util as u;"
                "print(r.resources_dir()); print(u.find_spec('fastapi') is None)",
            ],
            elsewhere,
            env,
        )
    ).split()
    assert Path(where[0]).is_relative_to(venv) and where[1] == "True"
    selftest = _ok(_run([bin_ / "village-desk", "--self-test"], elsewhere, env))
    assert "self-test passed" in selftest and "zh_CN catalogue present" in selftest
    demo = _run([bin_ / "village-desk", "--demo"], elsewhere, env)
    assert demo.returncode == 3 and "village-data-desk[server]" in demo.stderr
    assert "演示模式" in demo.stderr and "The demo runs a county server" in demo.stderr
    server = _run([bin_ / "county-server", "--db", tmp_path / "x.db", "init"], elsewhere, env)
    assert server.returncode == 3 and "village-data-desk[server]" in server.stderr
    assert not (tmp_path / "x.db").exists()
    # Keys and provisioning files need no server stack (an offline key machine has only this).
    keys = tmp_path / "keys"
    keys.mkdir()
    key_env = {**env, "KEY_PW": "county key passphrase"}
    for command in ("recovery-keygen", "provision-keygen"):
        args = [keys / f"{command}.pem", keys / f"{command}.pub.pem", "--passphrase-env", "KEY_PW"]
        _ok(_run([bin_ / "county-server", command, *args], elsewhere, key_env))
    provision = [bin_ / "county-server", "provision-make", keys / "p.json", "--url", "https://c.example.cn"]
    _ok(_run([*provision, "--recovery-key", keys / "recovery-keygen.pub.pem"], elsewhere, env))
    sign = [bin_ / "county-server", "provision-sign", keys / "p.json", keys / "provisioning.json"]
    sign += ["--key", keys / "provision-keygen.pem", "--passphrase-env", "KEY_PW"]
    signed = _ok(_run(sign, elsewhere, key_env))
    assert "signed by key" in signed

    # Upgrade in place: data made by this build, then a newer build (one more store migration)
    # installed over it keeps the data and migrates the store at the next unlock.
    store_path = Path(_ok(_run([bin_ / "python", "-c", OLD_BUILD_SCRIPT], elsewhere, env)).strip())
    assert store_path.is_relative_to(tmp_path / "home") and not store_path.is_relative_to(venv)
    pyproject = src / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8").replace('version = "0.1.0"', 'version = "0.1.1"'), "utf-8"
    )
    with (src / "desktop" / "storage" / "migrations.py").open("a", encoding="utf-8") as f:
        f.write(PROBE_MIGRATION)
    newer_dist = tmp_path / "dist-newer"
    _ok(
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", newer_dist, src], elsewhere, env)
    )
    (wheel,) = newer_dist.glob("village_data_desk-0.1.1-*.whl")
    _ok(_run([bin_ / "pip", "install", "-q", "--no-compile", wheel], elsewhere, env))
    upgraded = json.loads(_ok(_run([bin_ / "python", "-c", NEW_BUILD_SCRIPT], elsewhere, env)).strip())
    assert upgraded["version"] == "0.1.1" and upgraded["migrations"][-1] == "9999_upgrade_probe"
    assert upgraded["records"] == 1 and upgraded["pending"] == 1

    # County server: the [server] extra on top.
    _ok(_run([bin_ / "pip", "install", "-q", "--no-compile", f"{wheel}[server]"], elsewhere, env))
    db = f"sqlite:///{tmp_path / 'county.sqlite3'}"
    init = _ok(_run([bin_ / "county-server", "--db", db, "init"], elsewhere, env))
    assert init.startswith("database ready") and "alembic" not in init.lower()
    _ok(_run([bin_ / "county-server", "--db", db, "add-village", VILLAGE, "示范村"], elsewhere, env))
    codes = [
        _ok(_run([bin_ / "county-server", "--db", db, "enroll-code", VILLAGE], elsewhere, env)).strip()
        for _ in range(2)
    ]
    assert all(len(c) == 14 for c in codes)

    port = _free_port()
    serve = subprocess.Popen(
        [bin_ / "county-server", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert serve.poll() is None, serve.stderr.read() if serve.stderr else ""
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the installed server did not answer"
            time.sleep(0.2)
        script = tmp_path / "laptops.py"
        script.write_text(LAPTOP_SCRIPT, encoding="utf-8")
        laptops = tmp_path / "laptops"
        laptops.mkdir()
        out = _ok(_run([bin_ / "python", script, url, laptops, *codes, VILLAGE], elsewhere, env))
        assert json.loads(out.strip().splitlines()[-1]) == {"pushed": 1, "pulled": 1, "head": "王五"}
    finally:
        serve.terminate()
        serve.wait(timeout=30)
