"""Where the files the program reads at run time are: forms, translations, icons, demo data.

They live in the repository's top-level ``resources/`` folder and ship inside the installed
distribution as the package ``sync.bundled`` (``setup.py`` maps the folder there), so an installed
app finds them through the package, never through a checkout:

* a wheel install: ``site-packages/sync/bundled/``;
* an editable install: setuptools' editable finder maps ``sync.bundled`` to the checkout's folder;
* a PyInstaller bundle: collected as ``<bundle>/_internal/sync/bundled/`` (``collect_data_files``).
"""

from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

ENV_VAR = "VILLAGE_DESK_RESOURCES"
PACKAGE = "sync.bundled"


def _package_dir(package: str) -> Path | None:
    """The folder of an installed package as a real path, or None (not installed, or zipped)."""
    try:
        found = importlib.resources.files(package)
    except (ModuleNotFoundError, TypeError):
        return None
    path = Path(str(found))
    return path if path.is_dir() else None


def resource_candidates() -> list[Path]:
    """Where ``resources_dir`` looks, in order, after the environment override."""
    candidates = []
    packaged = _package_dir(PACKAGE)
    if packaged is not None:
        candidates.append(packaged)
    # Running straight from a checkout without installing (``PYTHONPATH=.``).
    candidates.append(Path(__file__).resolve().parents[1] / "resources")
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:  # a bundle whose spec copied the folder as plain data
        candidates += [Path(meipass) / "sync" / "bundled", Path(meipass) / "resources"]
    return candidates


def resources_dir() -> Path:
    """The resources folder.

    Order: the ``VILLAGE_DESK_RESOURCES`` environment variable (a folder laid out like
    ``resources/``), the ``sync.bundled`` package, a checkout's ``resources/``, a bundle's data.

    Raises:
        FileNotFoundError: when none of them exists.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if path.is_dir():
            return path
        raise FileNotFoundError(f"{ENV_VAR} does not name a folder")
    for path in resource_candidates():
        if (path / "forms").is_dir():
            return path
    raise FileNotFoundError("the resources folder (forms, translations) was not found in the installation")


def package_data_dir(package: str) -> Path:
    """The folder of a package that carries data files (e.g. ``sync.server.migrations``).

    Raises:
        FileNotFoundError: when the package is not a folder on disk.
    """
    path = _package_dir(package)
    if path is None or not path.is_dir():
        raise FileNotFoundError(f"the package {package} is not installed as a folder")
    return path
