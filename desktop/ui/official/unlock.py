"""The unlock screen, shown on every start and after an auto-lock.

The key derivation (about half a second by design) runs on the database thread, which is also the
thread that then uses the store. A wrong passphrase gets a plain message and the wait the store asks
for before the next try, counted down on the button.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.tasks import TaskRunner

# The store's libraries (SQLCipher, cryptography) load when the passphrase is first tried, not
# before the screen shows.


class UnlockDialog(QDialog):
    unlocked = Signal(object)
    """The open Store."""
    failed = Signal(str)
    """A try failed; the argument is the message shown."""
    staff_requested = Signal()
    """Township staff want to sign in to the county server instead (no village data file)."""

    def __init__(
        self,
        runner: TaskRunner,
        store_path: Path,
        users: list[str],
        *,
        last_user: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.store_path = store_path
        self._wait_until = 0.0
        self._busy = False
        self.setObjectName("unlock_dialog")
        self.setWindowTitle(self.tr("Village Data Desk — unlock"))
        intro = QLabel(
            self.tr("The village data on this laptop is locked. Enter your passphrase to open it.")
        )
        intro.setWordWrap(True)
        self.user = QComboBox(self)
        self.user.setObjectName("unlock_user")
        self.user.setEditable(True)
        self.user.addItems(users)
        if last_user and last_user in users:
            self.user.setCurrentText(last_user)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("unlock_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setObjectName("unlock_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.button = QPushButton(self.tr("Unlock"), self)
        self.button.setObjectName("unlock_button")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        self.staff_button = QPushButton(self.tr("Township staff sign-in"), self)
        self.staff_button.setObjectName("unlock_staff")
        self.staff_button.setAutoDefault(False)
        self.staff_button.setFlat(True)
        self.staff_button.clicked.connect(self.staff_requested)
        form = QFormLayout()
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        layout.addWidget(self.staff_button)
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self._tick)
        self.resize(420, self.sizeHint().height())
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        if self._busy or self.timer.isActive():
            return
        user = self.user.currentText().strip()
        passphrase = self.passphrase.text()
        if not user or not passphrase:
            self._fail(self.tr("Enter your user name and passphrase."))
            return
        self._busy = True
        self.button.setEnabled(False)
        self.message.setText(self.tr("Opening…"))
        self.message.setStyleSheet("color: #444444;")
        path = self.store_path

        def unlock() -> object:
            from desktop.storage import Store

            return Store.unlock(path, user, passphrase)

        self.runner.run_db(
            unlock,
            name="unlock",
            on_done=self._done,
            on_error=self._error,
        )

    def _done(self, store: object) -> None:
        self._busy = False
        self.passphrase.clear()
        self.message.clear()
        self.unlocked.emit(store)
        self.accept()

    def _error(self, exc: BaseException) -> None:
        from desktop.storage import UnknownUser, UnlockDelayed, WrongPassphrase
        from desktop.ui.shared.errors import describe

        self._busy = False
        self.passphrase.clear()
        self.passphrase.setFocus()
        if isinstance(exc, WrongPassphrase | UnlockDelayed):
            self._start_wait(exc.delay_seconds)
            if isinstance(exc, WrongPassphrase):
                self._fail(self.tr("Wrong passphrase."))
            else:
                self._fail(self.tr("Too many wrong tries."))
        elif isinstance(exc, UnknownUser):
            self._fail(self.tr("There is no such user on this laptop."))
        else:
            self._fail(describe(exc))

    def _fail(self, text: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)
        self.button.setEnabled(not self.timer.isActive())
        self.failed.emit(text)

    def _start_wait(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self._wait_until = time.monotonic() + seconds
        self.button.setEnabled(False)
        self.timer.start()
        self._tick()

    def _tick(self) -> None:
        left = self._wait_until - time.monotonic()
        if left <= 0:
            self.timer.stop()
            self.button.setText(self.tr("Unlock"))
            self.button.setEnabled(True)
            return
        self.button.setText(self.tr("Try again in {seconds} s").format(seconds=math.ceil(left)))
