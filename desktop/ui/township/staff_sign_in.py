"""Township and county staff sign in to the county server: no village data file is needed.

The server address and the county certificate come from the settings (last sign-in), from a
provisioning file from county IT, or are typed. The password is sent once over the pinned TLS link
and never kept; the token the server answers with lives only in memory for this sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.settings import Settings
from desktop.ui.shared.file_dialogs import choose_provisioning, open_file
from desktop.ui.shared.tasks import TaskRunner
from sync.provisioning import ProvisioningError, check_server_url, load_provisioning

SignIn = Callable[[str, str | None, str, str], Any]
"""``(server_url, ca_file or None, user, password) -> signed-in desk``; runs on the network pool."""


class StaffSignInDialog(QDialog):
    signed_in = Signal(object)
    """The signed-in desk (``desktop.services.township.desk``)."""
    failed = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        settings: Settings,
        sign_in: SignIn,
        *,
        ca_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self._sign_in = sign_in
        self.ca_dir = ca_dir
        self._busy = False
        self.setObjectName("staff_sign_in")
        self.setWindowTitle(self.tr("Village Data Desk — township staff sign-in"))
        intro = QLabel(
            self.tr(
                "Township and county staff: sign in to the county server with your staff account to "
                "settle conflicts and duplicate residents. No village data file is needed."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.server = QLineEdit(settings.get("staff_server_url"), self)
        self.server.setObjectName("staff_server")
        self.server.setPlaceholderText("https://")
        self.ca_file = QLineEdit(settings.get("staff_ca_file"), self)
        self.ca_file.setObjectName("staff_ca_file")
        self.ca_file.setPlaceholderText(self.tr("County certificate (PEM); empty: the system's"))
        self.browse_ca = QPushButton(self.tr("Browse…"), self)
        self.browse_ca.setAutoDefault(False)
        self.browse_ca.clicked.connect(self._browse_ca)
        self.provisioning = QPushButton(self.tr("From provisioning file…"), self)
        self.provisioning.setObjectName("staff_provisioning")
        self.provisioning.setAutoDefault(False)
        self.provisioning.clicked.connect(self._browse_provisioning)
        self.user = QLineEdit(settings.get("staff_user"), self)
        self.user.setObjectName("staff_user")
        self.password = QLineEdit(self)
        self.password.setObjectName("staff_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setObjectName("staff_message")
        self.message.setWordWrap(True)
        self.button = QPushButton(self.tr("Sign in"), self)
        self.button.setObjectName("staff_sign_in_button")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_sign_in)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.browse_ca)
        form = QFormLayout()
        form.addRow(self.tr("County server"), self.server)
        form.addRow(self.tr("Certificate"), ca_row)
        form.addRow("", self.provisioning)
        form.addRow(self.tr("Staff account"), self.user)
        form.addRow(self.tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        self.resize(520, self.sizeHint().height())
        self.focus_first()

    def focus_first(self) -> None:
        """The keyboard goes to the first field still empty (the password when the rest is known)."""
        first = next((e for e in (self.server, self.user) if not e.text()), self.password)
        first.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.focus_first()

    # -- where the server is ---------------------------------------------------------------------------
    def _browse_ca(self) -> None:
        path = open_file(self, self.tr("County certificate"), self.tr("Certificate (*.pem *.crt)"))
        if path is not None:
            self.ca_file.setText(str(path))

    def _browse_provisioning(self) -> None:
        path = choose_provisioning(self)
        if path is not None:
            self.use_provisioning(path)

    def use_provisioning(self, path: str | Path) -> bool:
        """Take the server address and county certificate from a provisioning file."""
        try:
            provisioning = load_provisioning(path)
        except ProvisioningError:
            self.say(self.tr("This provisioning file cannot be used."), error=True)
            return False
        if provisioning.server_url:
            self.server.setText(provisioning.server_url)
        if provisioning.ca_bundle:
            self.ca_file.setText(str(self.save_ca(provisioning.ca_bundle)))
        self.say(self.tr("Server address and certificate taken from the provisioning file."), error=False)
        self.user.setFocus()
        return True

    def save_ca(self, pem: str) -> Path:
        """Keep the county CA (public, no secret) next to the settings so the next sign-in finds it."""
        self.ca_dir.mkdir(parents=True, exist_ok=True)
        path = self.ca_dir / "county-ca.pem"
        path.write_text(pem, encoding="ascii")
        return path

    # -- signing in ------------------------------------------------------------------------------------
    def try_sign_in(self) -> None:
        if self._busy:
            return
        try:
            url = check_server_url(self.server.text())
        except ProvisioningError:
            self.say(
                self.tr("The server address must start with https:// (http:// only for this computer)."),
                error=True,
            )
            self.server.setFocus()
            return
        ca = self.ca_file.text().strip() or None
        if ca is not None and not Path(ca).is_file():
            self.say(self.tr("The certificate file does not exist."), error=True)
            self.ca_file.setFocus()
            return
        user, password = self.user.text().strip(), self.password.text()
        if not user or not password:
            self.say(self.tr("Enter your staff account and password."), error=True)
            (self.user if not user else self.password).setFocus()
            return
        self._busy = True
        self.button.setEnabled(False)
        self.say(self.tr("Signing in…"), error=False)
        sign_in = self._sign_in
        self.runner.run_network(
            lambda: (sign_in(url, ca, user, password), url, ca, user),
            name="staff-sign-in",
            on_done=self._done,
            on_error=self._error,
        )

    def _done(self, answer: tuple[Any, str, str | None, str]) -> None:
        desk, url, ca, user = answer
        self._busy = False
        self.password.clear()
        self.settings.set("staff_server_url", url)
        self.settings.set("staff_ca_file", ca or "")
        self.settings.set("staff_user", user)
        self.message.clear()
        self.signed_in.emit(desk)
        self.accept()

    def _error(self, exc: BaseException) -> None:
        from desktop.ui.shared.errors import describe

        self._busy = False
        self.button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.say(describe(exc), error=True)

    def say(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #444444;")
        self.message.setText(text)
        if error:
            self.failed.emit(text)
