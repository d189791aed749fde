"""Packaging beyond what pyproject.toml can say: the top-level ``resources/`` folder ships inside the
wheel as the package ``sync.bundled`` (forms, translations, icons, demo data), so an installed app
finds them through ``importlib.resources`` and never through a checkout. Everything else about the
distribution is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["desktop", "desktop.*", "sync", "sync.*"]), "sync.bundled"],
    package_dir={"sync.bundled": "resources"},
)
