"""Packaging beyond what pyproject.toml can say: the top-level ``resources/`` folder ships inside the
wheel as the package ``sync.bundled`` (forms, translations, icons, demo data; each subfolder a
subpackage), so an installed app finds them through ``importlib.resources`` and never through a
checkout. Which files of each ship: ``[tool.setuptools.package-data]`` in pyproject.toml."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
DATA = sorted(
    f"sync.bundled.{folder.name}"
    for folder in (HERE / "resources").iterdir()
    if folder.is_dir() and folder.name.isidentifier() and not folder.name.startswith("_")
)

setup(
    packages=[*find_packages(include=["desktop", "desktop.*", "sync", "sync.*"]), "sync.bundled", *DATA],
    package_dir={"sync.bundled": "resources"},
)
