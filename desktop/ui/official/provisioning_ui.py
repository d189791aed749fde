"""The provisioning file in the UI: messages for a file that cannot be used, and the settings
section that imports a new file from county IT (``desktop.services.provisioning`` does the work)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.shared.context import UiContext
from desktop.ui.shared.errors import describe
from desktop.ui.shared.file_dialogs import choose_provisioning
from sync.provisioning import ProvisioningError


def provisioning_error_text(reason: str) -> str:
    """Why a provisioning file cannot be used, in the interface language."""
    texts = {
        "unreadable": QCoreApplication.translate("Provisioning", "The provisioning file cannot be read."),
        "not_json": QCoreApplication.translate("Provisioning", "This is not a provisioning file."),
        "fields": QCoreApplication.translate(
            "Provisioning",
            "The provisioning file has unknown or missing entries. Ask county IT for a new one.",
        ),
        "server_url": QCoreApplication.translate(
            "Provisioning", "The server address must start with https:// (http:// only for this computer)."
        ),
        "ca_bundle": QCoreApplication.translate(
            "Provisioning", "The county certificate in the provisioning file is damaged."
        ),
        "recovery_key": QCoreApplication.translate(
            "Provisioning", "The county recovery key in the provisioning file is damaged."
        ),
        "village_code": QCoreApplication.translate("Provisioning", "The village code must have 12 digits."),
        "signature": QCoreApplication.translate(
            "Provisioning",
            "The county signature does not match the provisioning file: it was changed after signing, "
            "or is damaged. Ask county IT for a new one.",
        ),
        "unsigned": QCoreApplication.translate(
            "Provisioning",
            "This laptop accepts only provisioning files signed by your county, and this one is not signed.",
        ),
        "signer": QCoreApplication.translate(
            "Provisioning", "This provisioning file was not signed by your county. Nothing was changed."
        ),
        "other_village": QCoreApplication.translate(
            "Provisioning", "This provisioning file is for another village. Nothing was changed."
        ),
    }
    return texts.get(
        reason, QCoreApplication.translate("Provisioning", "The provisioning file cannot be used.")
    )


class ProvisioningBox(QGroupBox):
    """Settings: import a provisioning file from county IT (new server address, certificate, keys)."""

    imported = Signal(object)
    """The ``ImportResult``."""
    failed = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("provisioning_box")
        self.setTitle(self.tr("County provisioning file"))
        self.note = QLabel(
            self.tr(
                "When county IT sends a new provisioning file (a new server address or certificate), "
                "import it here. A file must be signed by the same county key as the first one."
            ),
            self,
        )
        self.note.setWordWrap(True)
        self.button = QPushButton(self.tr("Import provisioning file…"), self)
        self.button.setObjectName("provisioning_import")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self._choose)
        self.message = QLabel(self)
        self.message.setObjectName("provisioning_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.button)
        layout.addWidget(self.message)

    def _choose(self) -> None:
        path = choose_provisioning(self)
        if path is not None:
            self.import_file(path)

    def import_file(self, path: str | Path) -> None:
        """Check and apply the file on the database thread; ``imported`` or ``failed`` follows."""
        from desktop.services.provisioning import import_provisioning

        store = self.ui.session.store

        def work() -> tuple[Any, Any]:
            return import_provisioning(store, path), store.state_get("server_url")

        self.button.setEnabled(False)
        self.ui.runner.run_db(
            work,
            name="import-provisioning",
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, outcome: tuple[Any, Any]) -> None:
        result, url = outcome
        self.button.setEnabled(True)
        text = self.tr("Imported. County server: {url}.").format(url=url)
        if result.server_changed:
            text += " " + self.tr("The server changed: enroll again on the Sync page with a new code.")
        self.message.setStyleSheet("color: #1b7f2a;")
        self.message.setText(text)
        self.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        text = provisioning_error_text(exc.reason) if isinstance(exc, ProvisioningError) else describe(exc)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)
        self.failed.emit(text)
