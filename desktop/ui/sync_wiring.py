"""The sync controller: runs sync, enrollment and reachability checks on the task runner and keeps the
status bar and the sync page current. Automatic sync (a setting) runs when the server is reachable.

A sync run uses the network pool; the sync service touches the store only in short transactions
between network calls (the store serialises them), so typing goes on during a run.
"""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from desktop.services.sync_service import SyncService
from desktop.ui.context import UiContext
from desktop.ui.tasks import Task, TaskContext
from sync.engine import CancelToken, SyncReport
from sync.errors import OfflineError, SyncError

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class SyncController(QObject):
    started = Signal()
    progressed = Signal(str, int, int)
    """(phase ``push``/``pull``, done, total; 0 = unknown)."""
    finished = Signal(object)
    """The SyncReport of a run that completed."""
    failed = Signal(object)
    """The exception of a run that did not complete (Cancelled included)."""
    reachability = Signal(object)
    """True / False, or None when no server is set up."""
    enrolled = Signal(object)
    enroll_failed = Signal(object)
    state_changed = Signal()

    def __init__(self, ui: UiContext, service: SyncService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.service = service
        self.task: Task | None = None
        self.token: CancelToken | None = None
        self.online: bool | None = None
        self.last_report: SyncReport | None = None
        self.reach_timer = QTimer(self)
        self.reach_timer.timeout.connect(self.check_reachable)
        self.auto_timer = QTimer(self)
        self.auto_timer.timeout.connect(self._auto_sync)
        self.apply_settings()

    def apply_settings(self) -> None:
        settings = self.ui.settings
        self.reach_timer.start(settings.get("reachability_seconds") * 1000)
        if settings.get("auto_sync"):
            self.auto_timer.start(settings.get("auto_sync_minutes") * 60_000)
        else:
            self.auto_timer.stop()

    def shutdown(self) -> None:
        self.reach_timer.stop()
        self.auto_timer.stop()
        self.cancel()

    @property
    def running(self) -> bool:
        return self.task is not None

    # -- a run ------------------------------------------------------------------------------------
    def sync_now(self) -> Task | None:
        if self.task is not None:
            return None
        token = CancelToken()
        service = self.service

        def run(ctx: TaskContext) -> SyncReport:
            return service.run_sync(
                progress=lambda phase, done, total: ctx.progress(done, total, phase), cancel=token
            )

        self.token = token
        task = self.ui.runner.run_network(run, name="sync", with_context=True)
        task.progressed.connect(lambda done, total, phase: self.progressed.emit(phase, done, total))
        task.succeeded.connect(self._done)
        task.failed.connect(self._failed)
        task.cancelled.connect(lambda: self._failed(_cancelled()))
        task.finished.connect(self._ended)
        self.task = task
        self.started.emit()
        return task

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()

    def _done(self, report: SyncReport) -> None:
        self.last_report = report
        self.online = True
        self.reachability.emit(True)
        self.ui.runner.run_db(self.ui.session.after_sync, name="after-sync")
        self.ui.bus.changed.emit("*")
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, OfflineError):
            self.online = False
            self.reachability.emit(False)
        self.failed.emit(exc)

    def _ended(self) -> None:
        self.task = None
        self.token = None
        self.state_changed.emit()

    def _auto_sync(self) -> None:
        if (
            self.service.store.is_open
            and self.ui.settings.get("auto_sync")
            and self.service.enrolled
            and self.task is None
        ):
            self.check_reachable(then_sync=True)

    # -- reachability and enrollment ----------------------------------------------------------------
    def check_reachable(self, then_sync: bool = False) -> None:
        service = self.service
        if not service.store.is_open:  # locked since the timer was set: nothing to check for
            return
        if not service.server_url:
            self.online = None
            self.reachability.emit(None)
            return

        def reached(result: Any) -> None:
            was = self.online
            self.online = bool(result.online)
            self.reachability.emit(self.online)
            auto = self.ui.settings.get("auto_sync") and service.enrolled
            # Sync when asked, or when the server just came back and something is waiting.
            if self.online and auto and (then_sync or was is False):
                self.sync_now()

        self.ui.runner.run_network(service.check_reachable, name="reachable", on_done=reached)

    def enroll(self, code: str, *, sync_after: bool = True) -> None:
        service = self.service
        name = platform.node() or "village laptop"

        def done(info: Any) -> None:
            self.enrolled.emit(info)
            self.state_changed.emit()
            if sync_after:
                self.sync_now()
            else:
                self.check_reachable()

        self.ui.runner.run_network(
            lambda: service.enroll(code, name), name="enroll", on_done=done, on_error=self._enroll_error
        )

    def configure(self, server_url: str) -> None:
        from desktop.services.provisioning import set_server_by_hand

        store = self.service.store
        self.ui.runner.run_db(
            lambda: set_server_by_hand(store, server_url),
            name="configure",
            on_done=self._configured,
            on_error=self._enroll_error,
        )

    def _configured(self, _result: Any) -> None:
        self.state_changed.emit()
        self.check_reachable()

    def _enroll_error(self, exc: BaseException) -> None:
        # TaskRunner takes a callable; a bound method of this QObject (not ``enroll_failed.emit``, see
        # qtfix) is disconnected by Qt when the controller goes away.
        self.enroll_failed.emit(exc)


def _cancelled() -> SyncError:
    from sync.errors import Cancelled

    return Cancelled()


def attach_sync(desk: Any, ui: UiContext, window: MainWindow) -> None:
    """Give the main window its sync page and keep the status bar current (DeskApp's session hook)."""
    from desktop.ui.pages.sync_page import SyncPage

    service = SyncService(ui.session.store)
    ui.session.sync = service
    controller = SyncController(ui, service, window)
    page = SyncPage(ui, controller, window)
    window.add_page(QCoreApplication.translate("SyncPage", "Sync"), page, before=window.settings_page)
    window.sync_controller = controller
    window.sync_page = page
    status = window.status
    controller.reachability.connect(status.set_online)
    controller.finished.connect(lambda report: status.set_conflicts(report.open_conflicts))
    controller.state_changed.connect(window.refresh_pending)
    controller.state_changed.connect(lambda: status.set_last_sync(service.last_sync))
    window.enroll = controller.enroll
    window.shutdown = controller.shutdown
    status.set_last_sync(service.last_sync)
    settings_page = window.settings_page
    if settings_page is not None:
        settings_page.auto_sync_changed.connect(lambda _on: controller.apply_settings())
        # A new provisioning file may move the laptop to another server: show it and check it.
        settings_page.provisioning.imported.connect(lambda _r: controller._configured(None))
    QTimer.singleShot(0, controller.check_reachable)
