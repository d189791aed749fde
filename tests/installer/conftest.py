"""Shared by the installer tests: the build scripts (``installer/`` is a folder of scripts, not a
package, so nothing named ``installer`` can shadow another distribution) and the tools they need."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"


def load_script(name: str) -> ModuleType:
    """``installer/<name>.py`` as a module, loaded from its file: the folder is not put on sys.path,
    where ``build.py`` would shadow PyPA's ``build`` for the rest of the test run."""
    key = f"_vdd_installer_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def need_tools(*tools: str) -> None:
    """Skip on a developer machine without the tools; in CI (``CI`` set) a missing tool fails."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    message = f"needs {', '.join(missing)} (.ci/run installs them)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
