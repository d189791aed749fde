"""Plugs the sync service into a session's main window (sync page, status bar, auto sync)."""

from __future__ import annotations

from typing import Any


def attach_sync(desk: Any, ui: Any, window: Any) -> None:
    """Filled in when desktop.services.sync_service lands."""
