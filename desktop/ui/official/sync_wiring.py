"""The sync controller: runs sync, enrollment and reachability checks on the task runner and tells
the sync page and the status line (``SyncPart`` in ``desktop.ui.official.sync_page``) what happened.
Automatic sync (a setting) runs when the server is reachable.

A sync run uses the network pool; the sync service touches the store only in short transactions
between network calls (the store serialises them), so typing goes on during a run.

The UI thread never reads the store here: a run holds it for a whole pulled page at a time, and a
read from a timer or callback would freeze the window until then. What the controller needs to
know (server set? enrolled? last sync?) is read on the task runner's database thread first.
"""

from __future__ import annotations

import platform
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.services.provisioning import set_server_by_hand
from desktop.services.sync_service import SyncService
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.tasks import Task, TaskContext
from sync.errors import Cancelled, OfflineError, SyncError
from sync.laptop.engine import CancelToken, SyncReport


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
    configure_failed = Signal(str, object)
    """(the address typed, the exception): the address was refused and nothing changed."""
    state_changed = Signal()
    clock_checked = Signal(float)
    """Server time minus this laptop's (seconds), each time the server told it."""

    def __init__(self, ui: UiContext, service: SyncService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.service = service
        self.task: Task | None = None
        self._typed_url = ""
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
        self.clock_checked.emit(float(report.clock_offset))
        self.ui.runner.run_db(self.ui.session.after_sync, name="after-sync", on_done=self._forms_followed)
        self.ui.bus.changed.emit("*")
        self.finished.emit(report)

    def _forms_followed(self, changed: bool) -> None:
        if changed:  # a new county form version: the lists rebuild their columns
            self.ui.bus.forms_changed.emit()

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
        if self.service.store.is_open and self.ui.settings.get("auto_sync") and self.task is None:
            self.check_reachable(then_sync=True)

    # -- reachability and enrollment ----------------------------------------------------------------
    def check_reachable(self, then_sync: bool = False) -> None:
        service = self.service
        if not service.store.is_open:  # locked since the timer was set: nothing to check for
            return
        # Read on the database thread: a sync run may hold the store for a while.
        self.ui.runner.run_db(
            lambda: (service.server_url, service.enrolled),
            name="sync-setup",
            on_done=lambda setup: self._check_reachable(setup, then_sync),
        )

    def _check_reachable(self, setup: tuple[str | None, bool], then_sync: bool) -> None:
        service = self.service
        url, enrolled = setup
        if not url:
            self.online = None
            self.reachability.emit(None)
            return

        def reached(result: Any) -> None:
            was = self.online
            self.online = bool(result.online)
            self.reachability.emit(self.online)
            if self.online:
                self.clock_checked.emit(float(result.clock_offset))
            auto = self.ui.settings.get("auto_sync") and enrolled
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
        store = self.service.store
        self._typed_url = server_url
        self.ui.runner.run_db(
            lambda: set_server_by_hand(store, server_url),
            name="configure",
            on_done=self._configured,
            on_error=self._configure_error,
        )

    def _configured(self, _result: Any) -> None:
        self.state_changed.emit()
        self.check_reachable()

    def _configure_error(self, exc: BaseException) -> None:
        self.configure_failed.emit(self._typed_url, exc)
        self.state_changed.emit()  # the page shows the address in use again

    def _enroll_error(self, exc: BaseException) -> None:
        # TaskRunner takes a callable; a bound method of this QObject (not ``enroll_failed.emit``, see
        # qtfix) is disconnected by Qt when the controller goes away.
        self.enroll_failed.emit(exc)


def _cancelled() -> SyncError:
    return Cancelled()
