"""``village-desk --self-test`` checks the provisioning file first run would use, as deployed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _self_test(provisioning: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "VILLAGE_DESK_PROVISIONING": str(provisioning)}
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test"], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_a_placed_file_is_reported_and_a_bad_one_fails_the_self_test(tmp_path: Path) -> None:
    path = tmp_path / "provisioning.json"
    result = _self_test(path)
    assert result.returncode == 0 and f"provisioning: none placed (looked in {path}" in result.stdout
    path.write_text(json.dumps({"server_url": "https://c.example.cn", "village_code": "530102001001"}))
    result = _self_test(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"provisioning: {path} (https://c.example.cn, 530102001001, unsigned)" in result.stdout
    path.write_text(json.dumps({"server_url": "https://c.example.cn", "ca_bundle": "not a certificate"}))
    result = _self_test(path)
    assert (
        result.returncode == 1 and "county certificate in the provisioning file is damaged" in result.stdout
    )
