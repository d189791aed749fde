"""Every file under resources/ that the program reads ships in the wheel (package-data covers it),
and the resources are found through the installed package, not a path next to the code."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from sync import resources

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = {".ts"}  # translation sources: the compiled .qm ships


def test_every_runtime_resource_matches_a_package_data_pattern() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    missing = []
    for path in sorted((ROOT / "resources").rglob("*")):
        if not path.is_file() or path.suffix in NOT_SHIPPED or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(ROOT / "resources")
        if rel.parent == Path("."):
            continue  # __init__.py
        package = "sync.bundled." + ".".join(rel.parent.parts)
        patterns = config.get(package, []) + config.get("*", [])
        if not any(fnmatch.fnmatch(path.name, p) for p in patterns):
            missing.append(str(rel))
    assert missing == [], "add these to [tool.setuptools.package-data] in pyproject.toml"


def test_resources_come_from_the_package_first() -> None:
    assert resources.resource_candidates()[0] == resources.package_data_dir(resources.PACKAGE)
    assert (resources.resources_dir() / "forms" / "person.json").is_file()


def test_server_migrations_are_found_through_their_package() -> None:
    folder = resources.package_data_dir("sync.server.migrations")
    assert (folder / "env.py").is_file() and list((folder / "versions").glob("0001_*.py"))


def test_a_missing_package_is_a_clear_error() -> None:
    with pytest.raises(FileNotFoundError, match="not installed"):
        resources.package_data_dir("sync.no_such_package")
