"""What the windows of one unlocked session share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.services.session import Session
from desktop.services.settings import Settings
from desktop.ui.shared.tasks import TaskRunner


class DataBus(QObject):
    """Tells every view that records of an entity changed (a save here, or a sync pull)."""

    changed = Signal(str)
    """Entity name, or ``"*"`` for everything."""
    forms_changed = Signal()
    """The session took a new county form version (on sync): lists, their columns, the household
    detail and search follow it at once; a record dialog already open keeps its version."""


@dataclass
class UiContext:
    session: Session
    runner: TaskRunner
    settings: Settings
    bus: DataBus = field(default_factory=DataBus)
    review: Any = None
    """The official's review service (``desktop.services.review``) once the review part is added:
    lists and forms mark records waiting on the township."""
