"""Whether the county server stack (the ``[server]`` extra) is installed, and what to say if not.

A laptop install has only what a laptop needs; ``county-server`` and ``village-desk --demo`` (which
runs a small county server on this computer) need FastAPI, uvicorn, SQLAlchemy and Alembic too.
Checked without importing them, so the check is cheap and never half-imports a broken package.
"""

from __future__ import annotations

import importlib.util

SERVER_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "alembic")
INSTALL_COMMAND = "pip install 'village-data-desk[server]'"


def missing_server_modules() -> list[str]:
    """The server stack's modules that cannot be imported here (empty when the extra is installed)."""
    return [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]


def server_extra_message(what: str, missing: list[str]) -> str:
    """Both languages, for a terminal: ``what`` needs the extra, and the command that installs it.

    ``what`` is ``"demo"`` or ``"server"``.
    """
    names = ", ".join(missing)
    if what == "demo":
        zh = "演示模式会在本机运行一个县级服务器，需要安装服务器组件（缺少：{names}）。请运行：{cmd}"
        en = (
            "The demo runs a county server on this computer and needs the server extra"
            " (missing: {names}). Run: {cmd}"
        )
    else:
        zh = "县级服务器需要安装服务器组件（缺少：{names}）。请运行：{cmd}"
        en = "The county server needs the server extra (missing: {names}). Run: {cmd}"
    return "\n".join(text.format(names=names, cmd=INSTALL_COMMAND) for text in (zh, en))
