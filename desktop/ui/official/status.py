"""The status bar: online or offline, changes waiting, last sync, open conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget


class StatusBar(QStatusBar):
    """The official's status line; parts see it as ``desktop.ui.shared.parts.VillageStatus``."""

    conflicts_clicked = Signal()
    """The official clicked the count of records waiting on the township."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection = QLabel(self)
        self.connection.setObjectName("status_connection")
        self.pending = QLabel(self)
        self.pending.setObjectName("status_pending")
        self.last_sync = QLabel(self)
        self.last_sync.setObjectName("status_last_sync")
        self.conflicts = QPushButton(self)
        self.conflicts.setObjectName("status_conflicts")
        self.conflicts.setFlat(True)
        self.conflicts.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts.clicked.connect(self.conflicts_clicked)
        for label in (self.connection, self.pending, self.last_sync):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.addPermanentWidget(self.conflicts)
        self.set_online(None)
        self.set_pending(0)
        self.set_last_sync(None)
        self.conflicts.hide()

    def set_online(self, online: bool | None) -> None:
        """True/False: the county server answered or not; None: no server set up yet."""
        if online is None:
            text, color = self.tr("No county server set"), "#666666"
        elif online:
            text, color = self.tr("● Online"), "#1b7f2a"
        else:
            text, color = self.tr("○ Offline"), "#a15c00"
        self.connection.setText(text)
        self.connection.setStyleSheet(f"color: {color};")

    def set_pending(self, count: int) -> None:
        if count:
            self.pending.setText(self.tr("{count} records waiting to sync").format(count=count))
        else:
            self.pending.setText(self.tr("Nothing waiting to sync"))

    def set_last_sync(self, when: float | None) -> None:
        if when is None:
            self.last_sync.setText(self.tr("Never synced"))
        else:
            stamp = datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M")
            self.last_sync.setText(self.tr("Last sync: {time}").format(time=stamp))

    def set_review(self, waiting: int, decided: int) -> None:
        """The official's records waiting on the township, and decisions not looked at yet; a click
        opens the list."""
        if not waiting and not decided:
            self.conflicts.hide()
            return
        self.conflicts.show()
        text = self.tr("{count} waiting on township").format(count=waiting)
        if decided:
            text += self.tr(", {count} decided").format(count=decided)
        self.conflicts.setText(text)
        self.conflicts.setToolTip(self.tr("Open the list of your records waiting on the township"))
        self.conflicts.setStyleSheet("color: #b00020;" if waiting else "color: #1b7f2a;")

    def on_review_clicked(self, slot: Callable[[], None]) -> None:
        self.conflicts_clicked.connect(slot)

    def say(self, text: str) -> None:
        if text:
            self.showMessage(text)
        else:
            self.clearMessage()
