"""What the windows of one unlocked session share."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from desktop.services.session import Session
from desktop.services.settings import Settings
from desktop.ui.tasks import TaskRunner


class DataBus(QObject):
    """Tells every view that records of an entity changed (a save here, or a sync pull)."""

    changed = Signal(str)
    """Entity name, or ``"*"`` for everything."""


@dataclass
class UiContext:
    session: Session
    runner: TaskRunner
    settings: Settings
    bus: DataBus = field(default_factory=DataBus)
