"""The dependency rules in README.md ("What it is"), checked by walking every import of every module.

* Nothing outside desktop/ui imports Qt (PySide6, shiboken6, pyqtgraph).
* sync never imports desktop; sync.server imports only from sync (and third parties).
* desktop.storage and desktop.services never import desktop.ui.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6", "pyqtgraph")


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in paths:
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                bad.append(f"{rel} imports {name}")
    return bad


def test_there_is_code_to_check() -> None:
    assert len(_modules("desktop")) > 5 and len(_modules("sync")) > 5


def test_qt_only_in_desktop_ui() -> None:
    paths = [p for p in _modules("desktop") + _modules("sync") if "desktop/ui" not in p.as_posix()]
    assert _offenders(paths, QT) == []


def test_sync_never_imports_desktop() -> None:
    assert _offenders(_modules("sync"), ("desktop",)) == []


@pytest.mark.parametrize("layer", ["desktop/storage", "desktop/services"])
def test_lower_desktop_layers_do_not_import_the_ui(layer: str) -> None:
    assert _offenders(_modules(layer), ("desktop.ui",)) == []


def test_storage_does_not_import_services() -> None:
    assert _offenders(_modules("desktop/storage"), ("desktop.services",)) == []


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n")
    bad.write_text("import os\nfrom PySide6.QtCore import QObject\n")
    assert _offenders([bad], QT) == [f"{bad} imports PySide6.QtCore"]


DEMO_MODULES = ("desktop/services/demo.py", "desktop/services/demo_review.py")
"""The only desktop modules that may start a county server (``village-desk --demo``, and the made-up
township scene the screenshots show); the server stack is the optional ``[server]`` extra, so nothing
else in the app may need it."""


def test_desktop_imports_the_server_only_in_the_demo() -> None:
    paths = [p for p in _modules("desktop") if p.relative_to(ROOT).as_posix() not in DEMO_MODULES]
    assert _offenders(paths, ("sync.server",)) == []
    assert all((ROOT / m).is_file() for m in DEMO_MODULES)  # a renamed demo module updates this list


def test_the_laptop_never_imports_the_server_stack_outside_sync_server() -> None:
    stack = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg", "starlette")
    paths = [p for p in _modules("desktop") + _modules("sync") if "sync/server" not in p.as_posix()]
    assert _offenders(paths, stack) == []
