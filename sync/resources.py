"""Where the top-level ``resources/`` folder is, in a checkout, an installed tree or a frozen bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAR = "VILLAGE_DESK_RESOURCES"


def resources_dir() -> Path:
    """The ``resources/`` folder.

    Order: the ``VILLAGE_DESK_RESOURCES`` environment variable, the folder next to the ``sync`` package
    (a checkout or an editable install), then ``sys._MEIPASS/resources`` in a PyInstaller bundle.

    Raises:
        FileNotFoundError: when none of them exists.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override)
        if path.is_dir():
            return path
        raise FileNotFoundError(f"{ENV_VAR} does not name a folder")
    candidates = [Path(__file__).resolve().parents[1] / "resources"]
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.append(Path(meipass) / "resources")
    for path in candidates:
        if path.is_dir():
            return path
    raise FileNotFoundError("the resources folder was not found")
