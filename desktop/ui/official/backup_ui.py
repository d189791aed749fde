"""Settings: back the whole store up to one encrypted file (a USB stick), and say how to restore.

The data file alone is not the data (its key ring lies beside it, and its write-ahead log while it
is open): this section writes the one file that is (``desktop.storage.backup``), on the task runner.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.shared.context import UiContext
from desktop.ui.shared.file_dialogs import save_file
from desktop.ui.shared.operations import Operation
from desktop.ui.shared.tasks import Task


class BackupBox(QGroupBox):
    backed_up = Signal(str)
    """The path of the backup file written."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Backup"), parent)
        self.ui = ui
        self.setObjectName("backup_box")
        text = QLabel(
            self.tr(
                "Copy all of this village's data to one encrypted file, for example on a USB stick. "
                "Copying the data file by hand is not a backup: its keys and its latest changes are "
                "in other files beside it. The backup opens with the passphrases of today. To restore "
                "it, close the program and run: village-desk --restore-backup FILE"
            ),
            self,
        )
        text.setWordWrap(True)
        self.button = QPushButton(self.tr("Back up to a file…"), self)
        self.button.setObjectName("backup_button")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.choose)
        self.message = QLabel(self)
        self.message.setObjectName("backup_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.button)
        layout.addWidget(self.message)

    def choose(self) -> None:
        name = self.tr("village-backup-{code}-{day}.vddbak").format(
            code=self.ui.session.village_code, day=date.today().strftime("%Y%m%d")
        )
        path = save_file(
            self, self.tr("Back up to a file"), name, self.tr("Village Data Desk backup (*.vddbak)")
        )
        if path is not None:
            self.back_up(path)

    def back_up(self, path: Path) -> Task:
        store = self.ui.session.store
        self.button.setEnabled(False)
        self._say(self.tr("Backing up…"), error=False)

        def done(info: object) -> None:
            written = str(getattr(info, "path", path))
            self.button.setEnabled(True)
            self._say(self.tr("Backed up to {path}").format(path=written), error=False)
            self.backed_up.emit(written)

        def failed(exc: BaseException) -> None:
            from desktop.ui.shared.errors import describe

            self.button.setEnabled(True)
            self._say(
                self.tr("The backup was not written: {reason}").format(reason=describe(exc)), error=True
            )

        return (
            Operation(self, lambda: store.backup(path), name="backup")
            .success(done)
            .failure(failed)
            .run_in_background(self.ui.runner)
        )

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b7f2a;")
        self.message.setText(text)
