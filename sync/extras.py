"""Whether the county server stack (the ``[server]`` extra) is installed, and what to say if not.

A laptop install has only what a laptop needs; ``county-server`` and ``village-desk --demo`` (which
runs a small county server on this computer) need FastAPI, uvicorn, SQLAlchemy and Alembic too.
Checked without importing them, so the check is cheap and never half-imports a broken package.
"""

from __future__ import annotations

import importlib.util

from sync.messages import pair

SERVER_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "alembic")
INSTALL_COMMAND = "pip install 'village-data-desk[server]'"


def missing_server_modules() -> list[str]:
    """The server stack's modules that cannot be imported here (empty when the extra is installed)."""
    return [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]


def server_extra_message(what: str, missing: list[str]) -> str:
    """Both languages, for a terminal: ``what`` needs the extra, and the command that installs it.

    ``what`` is ``"demo"`` or ``"server"``.
    """
    code = "install.demo_needs_server" if what == "demo" else "install.server_needs_extra"
    return "\n".join(pair(code, names=", ".join(missing), cmd=INSTALL_COMMAND))
