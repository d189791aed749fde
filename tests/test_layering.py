"""The dependency rules in README.md ("What it is"), checked by walking every import of every module.

* Nothing outside desktop/ui imports Qt (PySide6, shiboken6, pyqtgraph).
* sync never imports desktop; sync.server imports only from sync (and third parties).
* desktop.storage and desktop.services never import desktop.ui.
* A name is imported from the module that defines it, not through one that only imports it (no
  re-export shims; a package's ``__init__`` may gather its public names).
"""

from __future__ import annotations

import ast
import functools
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


@functools.cache
def _passed_on(module: Path) -> set[str]:
    """Names a module imports and does not define: taken from it, they come from somewhere else."""
    tree = ast.parse(module.read_text("utf-8"), filename=str(module))
    imported: set[str] = set()
    defined: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            imported.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return imported - defined


def _reexports_used(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0):
                continue
            source = ROOT.joinpath(*node.module.split(".")).with_suffix(".py")  # a package's __init__: no
            if node.module.split(".")[0] in ("desktop", "sync") and source.is_file():
                passed = _passed_on(source)
                rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found += [f"{rel}: {a.name} from {node.module}" for a in node.names if a.name in passed]
    return found


def test_names_are_imported_from_the_module_that_defines_them() -> None:
    # No re-export shims: a module split for size leaves no names behind for old callers, and a name
    # has one address (packages' __init__ may still gather their public names).
    paths = [p for d in ("desktop", "sync", "tests", "benchmarks", "installer") for p in _modules(d)]
    assert _reexports_used(paths) == []


def test_the_shim_checker_catches_a_reexport(tmp_path: Path) -> None:
    caller = tmp_path / "caller.py"
    caller.write_text("from sync.server.writes import Current, dumps\n")  # writes imports Current
    assert _reexports_used([caller]) == [f"{caller}: Current from sync.server.writes"]
