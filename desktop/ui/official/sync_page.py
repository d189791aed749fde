"""The sync page: server and enrollment, Sync now with progress and Cancel, what was refused and why;
and the sync part that brings it into the official's window and keeps the status line current."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.sync_service import SyncService, describe_clock
from desktop.services.sync_service import describe as describe_report
from desktop.ui.official.sync_wiring import SyncController
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.errors import describe
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.parts import Page, Part, Place, VillageHost
from sync.errors import AuthError, Cancelled, OfflineError
from sync.laptop.engine import SyncReport


def hand_focus(going: QWidget, to: QWidget) -> None:
    """Move the keyboard focus from ``going`` (about to be disabled) to ``to``, if it has it."""
    if going.hasFocus() or going.window().focusWidget() is going:
        to.setFocus(Qt.FocusReason.OtherFocusReason)


class SyncPage(QWidget):
    def __init__(self, ui: UiContext, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.controller = controller
        self.setObjectName("page_sync")

        run_box = QGroupBox(self.tr("Sync with the county"), self)
        self.sync_button = QPushButton(self.tr("Sync now"), run_box)
        self.sync_button.setObjectName("sync_now")
        self.cancel_button = QPushButton(self.tr("Cancel"), run_box)
        self.cancel_button.setObjectName("sync_cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(run_box)
        self.progress.setObjectName("sync_progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.counts = QLabel(run_box)
        self.counts.setObjectName("sync_counts")
        self.result = QLabel(run_box)
        self.result.setObjectName("sync_result")
        self.result.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        run_layout = QVBoxLayout(run_box)
        run_layout.addLayout(buttons)
        run_layout.addWidget(self.progress)
        run_layout.addWidget(self.counts)
        run_layout.addWidget(self.result)

        setup_box = QGroupBox(self.tr("County server"), self)
        self.server = QLineEdit(setup_box)
        self.server.setObjectName("sync_server_url")
        self.server.setPlaceholderText("https://")
        self.save_server = QPushButton(self.tr("Save address"), setup_box)
        self.save_server.setAutoDefault(False)
        self.enrollment = QLabel(setup_box)
        self.enrollment.setObjectName("sync_enrollment")
        self.code = QLineEdit(setup_box)
        self.code.setObjectName("sync_enroll_code")
        self.enroll_button = QPushButton(self.tr("Enroll"), setup_box)
        self.enroll_button.setObjectName("sync_enroll")
        self.enroll_message = QLabel(setup_box)
        self.enroll_message.setObjectName("sync_enroll_message")
        self.enroll_message.setWordWrap(True)
        self.enroll_message.hide()
        self.server_message = QLabel(setup_box)
        self.server_message.setObjectName("sync_server_message")
        self.server_message.setWordWrap(True)
        self.server_message.setStyleSheet("color: #b00020;")
        self.server_message.hide()
        self._auth_failed = False
        """The server refused this laptop's key: the code field comes back for a new enrollment."""
        server_row = QHBoxLayout()
        server_row.addWidget(self.server, 1)
        server_row.addWidget(self.save_server)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.enroll_button)
        form = QFormLayout(setup_box)
        form.addRow(self.tr("Address"), server_row)
        form.addRow(self.server_message)
        form.addRow(self.tr("This laptop"), self.enrollment)
        form.addRow(self.tr("Enrollment code"), code_row)
        form.addRow(self.enroll_message)
        self.setup_form = form
        self._code_row = code_row

        refused_box = QGroupBox(self.tr("Refused by the county (correct these records)"), self)
        self.refused = QListWidget(refused_box)
        self.refused.setObjectName("sync_refused")
        QVBoxLayout(refused_box).addWidget(self.refused)

        layout = QVBoxLayout(self)
        layout.addWidget(run_box)
        layout.addWidget(setup_box)
        layout.addWidget(refused_box, 1)

        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button.clicked.connect(controller.cancel)
        self.enroll_button.clicked.connect(self._enroll)
        self.save_server.clicked.connect(self._save_server)
        controller.started.connect(self._started)
        controller.progressed.connect(self._progress)
        controller.finished.connect(self._finished)
        controller.failed.connect(self._failed)
        controller.state_changed.connect(self.refresh)
        controller.enrolled.connect(self._enrolled)
        controller.enroll_failed.connect(self._enroll_failed)
        controller.configure_failed.connect(self._server_refused)
        self.refresh()

    # -- state ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        service = self.controller.service
        self.ui.runner.run_db(
            lambda: (service.server_url, service.enrollment(), service.rejected()),
            name="sync-state",
            on_done=self._show_state,
        )

    def _show_state(self, state: tuple[Any, Any, Any]) -> None:
        url, enrollment, rejected = state
        if not self.server.hasFocus() or self.server_message.isVisible():
            self.server.setText(url or "")
        # A laptop enrolls once: the code row is shown until then (or when the county refused it).
        self.setup_form.setRowVisible(self._code_row, enrollment is None or self._auth_failed)
        if enrollment is not None:
            self.enrollment.setText(
                self.tr("Enrolled (device {device})").format(device=enrollment.device_id[:8])
            )
        elif url:
            self.enrollment.setText(self.tr("Not enrolled yet: enter the code from county IT."))
        else:
            self.enrollment.setText(self.tr("No county server set up yet."))
        self.sync_button.setEnabled(enrollment is not None and not self.controller.running)
        lang = current_language()
        forms = self.ui.session.forms
        self.refused.clear()
        for note in rejected:
            reasons = "; ".join(p.zh if lang.startswith("zh") else p.en for p in note.problems)
            self.refused.addItem(f"{forms[note.entity].label(lang)}: {reasons}")

    # -- a run ----------------------------------------------------------------------------------------
    def sync_now(self) -> None:
        self.controller.sync_now()

    def _started(self) -> None:
        # Enable Cancel first and hand it the focus: a disabled focused button passes the focus to
        # the next field, which was the server address (text selected, one keystroke from lost).
        self.cancel_button.setEnabled(True)
        hand_focus(self.sync_button, self.cancel_button)
        self.sync_button.setEnabled(False)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.result.setText(self.tr("Syncing…"))
        self.result.setStyleSheet("")

    def _progress(self, phase: str, done: int, total: int) -> None:
        if phase == "push":
            text = self.tr("Sending changes: {done} of {total}").format(done=done, total=total)
            # Sending is the first half of the bar, receiving the second.
            value = 50 * done // total if total else 0
        else:
            text = (
                self.tr("Receiving records: {done} of {total}").format(done=done, total=total)
                if total
                else self.tr("Receiving records: {done}").format(done=done)
            )
            value = 50 + (50 * done // total if total else 25)
        self.progress.setValue(max(self.progress.value(), min(value, 99)))
        self.counts.setText(text)

    def _finished(self, report: SyncReport) -> None:
        self.progress.setValue(100)
        self.counts.clear()
        self.result.setStyleSheet("color: #1b7f2a;")
        self.result.setText(describe_report(report, current_language()))
        self._idle()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.result.setStyleSheet("")
            self.result.setText(self.tr("Sync stopped. What was sent is kept; the rest goes next time."))
        else:
            self.result.setStyleSheet("color: #b00020;")
            self.result.setText(describe(exc))
            if isinstance(exc, AuthError):
                self._auth_failed = True
        self._idle()

    def _idle(self) -> None:
        self.sync_button.setEnabled(True)  # it just ran, so it can run again (refresh re-checks)
        hand_focus(self.cancel_button, self.sync_button)
        self.cancel_button.setEnabled(False)
        self.refresh()

    # -- enrollment -----------------------------------------------------------------------------------
    def _enroll(self) -> None:
        code = self.code.text().strip()
        if not code:
            self._enroll_message(self.tr("Enter the enrollment code from county IT."), True)
            return
        self._enroll_message(self.tr("Enrolling…"), False)
        self.controller.enroll(code)

    def _enrolled(self, _info: object) -> None:
        # The code is used up; "Enrolled (device …)" above says the rest.
        self._auth_failed = False
        self.code.clear()
        self._enroll_message("", False)

    def _enroll_failed(self, exc: BaseException) -> None:
        """Enrolling failed: say so and why; the code stays in its field for the next try."""
        if isinstance(exc, OfflineError):
            reason = self.tr(
                "the county server cannot be reached (no network, or a wrong address). The code is "
                "kept: press Enroll again when the server can be reached."
            )
        else:
            reason = describe(exc)
        self._enroll_message(self.tr("Enrollment failed: {reason}").format(reason=reason), True)

    def _enroll_message(self, text: str, error: bool) -> None:
        self.enroll_message.setStyleSheet("color: #b00020;" if error else "")
        self.enroll_message.setText(text)
        self.enroll_message.setVisible(bool(text))  # no empty row under an enrolled laptop

    # -- the server address -----------------------------------------------------------------------------
    def _save_server(self) -> None:
        self.server_message.hide()
        self.controller.configure(self.server.text().strip())

    def _server_refused(self, typed: str, exc: BaseException) -> None:
        """The field goes back to the address in use (``refresh`` follows); the message keeps the
        refused one, so it can be corrected."""
        self.server_message.setText(
            self.tr("The address {url} was not saved: {reason}").format(url=typed, reason=describe(exc))
        )
        self.server_message.show()


class SyncPart(Part[VillageHost]):
    """The sync page, and the status line kept current: online, last sync, the laptop's clock."""

    def __init__(self, ui: UiContext) -> None:
        self.ui = ui
        self.service: SyncService = ui.session.sync
        self.controller = SyncController(ui, self.service)
        self.page = SyncPage(ui, self.controller)
        self.controller.setParent(self.page)

    def pages(self) -> list[Page]:
        return [Page(QCoreApplication.translate("SyncPage", "Sync"), self.page, Place.TOOLS)]

    def attach(self, host: VillageHost) -> None:
        controller = self.controller
        self.status = status = host.status
        controller.reachability.connect(status.set_online)
        controller.state_changed.connect(host.refresh_pending)
        controller.state_changed.connect(self._show_last_sync)
        controller.clock_checked.connect(self._show_clock)
        self._show_last_sync()
        QTimer.singleShot(0, controller, controller.check_reachable)  # dropped with the controller

    def _show_last_sync(self) -> None:
        # On the database thread: never a store read on the UI thread (see sync_wiring's note).
        service = self.service
        self.ui.runner.run_db(lambda: service.last_sync, name="last-sync", on_done=self.status.set_last_sync)

    def _show_clock(self, offset: float) -> None:
        self.status.say(describe_clock(offset, current_language()))

    def settings_changed(self, _on: object = None) -> None:
        """The automatic-sync setting changed: take it up at once."""
        self.controller.apply_settings()

    def server_changed(self, _result: object = None) -> None:
        """A new provisioning file may have moved the laptop to another server: show it, check it."""
        self.controller._configured(None)

    def enroll(self, code: str) -> None:
        """Enroll with ``code`` (typed in the first-run wizard); it stays on the page if this fails."""
        self.page.code.setText(code)
        self.controller.enroll(code)

    def shutdown(self) -> None:
        self.controller.shutdown()
