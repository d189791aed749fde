"""One task runner for every blocking call.

Database work runs on a single worker thread, strictly in the order it was submitted, so the store's
connection is only ever used from that thread (it is opened there too). Network work runs on a small
pool. Results, errors and progress come back to the UI thread as Qt signals of a :class:`Task`; a
worker never touches a widget.

A task function may take a :class:`TaskContext` (``with_context=True``) to report progress and to
notice cancellation. Cancelling a task that has not started yet skips it; cancelling a running one
sets a flag the function can check, and its result is dropped either way.

After :meth:`TaskRunner.shutdown` nothing reaches a caller any more: a task that finished just
before it (its outcome still queued for the UI thread) delivers no callback, and work asked for
after it (often by such a callback, or a timer of a closing page) is not run and raises nothing.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal


class Cancelled(Exception):
    """Raised by :meth:`TaskContext.check` inside a task that was cancelled."""


class TaskContext:
    """Handed to a task function: progress reporting and cancellation, safe to use on the worker."""

    def __init__(self, task: Task) -> None:
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task.is_cancelled

    def check(self) -> None:
        """Raise :class:`Cancelled` if the task was cancelled; call it between steps of long work."""
        if self._task.is_cancelled:
            raise Cancelled

    def progress(self, done: int, total: int, text: str = "") -> None:
        if not self._task.is_cancelled:
            self._task._progress.emit(int(done), int(total), text)


class Task(QObject):
    """One unit of background work. Lives in the UI thread; its signals arrive there.

    The worker reports through private signals connected when the task is made, and the task re-emits
    the public ones on the UI thread; so a caller may connect after ``run_db``/``run_network``
    returned and still gets every signal.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)
    cancelled = Signal()
    finished = Signal()
    """Always emitted last, whatever the outcome."""

    dropped = Signal()
    """Its outcome arrived after the runner shut down: no other signal is emitted."""

    _outcome = Signal(str, object)
    _progress = Signal(int, int, str)

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        name: str = "",
        key: str | None = None,
        with_context: bool = False,
        essential: bool = False,
    ) -> None:
        super().__init__()
        self.name = name or getattr(fn, "__name__", "task")
        self.key = key
        self.essential = essential
        self._fn = fn
        self._with_context = with_context
        self._cancel = threading.Event()
        self._started = False
        self._dropped = False
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._outcome.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progress.connect(self.progressed, Qt.ConnectionType.QueuedConnection)

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> None:
        """Called on a worker thread."""
        self._started = True
        try:
            if self._cancel.is_set():
                raise Cancelled
            result = self._fn(TaskContext(self)) if self._with_context else self._fn()
            if self._cancel.is_set():
                raise Cancelled
        except Cancelled:
            self._outcome.emit("cancelled", None)
        except BaseException as exc:  # handed to the UI thread, which decides how to show it
            # Cancelled mid-way (e.g. the store was locked under it): nobody waits for the error.
            self._outcome.emit("cancelled" if self._cancel.is_set() else "failed", exc)
        else:
            self._outcome.emit("succeeded", result)
        finally:
            self._fn = _spent

    def _drop(self) -> None:
        """The runner shut down: nothing of this task reaches a caller any more."""
        self._cancel.set()
        self._dropped = True

    def _deliver(self, outcome: str, value: Any) -> None:
        """On the UI thread."""
        self.done = True
        if self._dropped:
            self.dropped.emit()
            return
        if outcome == "succeeded":
            self.result = value
            self.succeeded.emit(value)
        elif outcome == "failed":
            self.error = value
            self.failed.emit(value)
        else:
            self.cancelled.emit()
        self.finished.emit()


def _spent() -> None:
    """Placeholder so a finished task does not keep its closure (and any data in it) alive."""


_STOP = object()


class TaskRunner(QObject):
    """Runs database tasks in order on one thread and network tasks on a small pool."""

    busy_changed = Signal(bool)
    delivered_after_shutdown = Signal(int)
    """How many outcomes arrived (and were dropped) after the shutdown so far."""

    def __init__(self, network_workers: int = 3) -> None:
        super().__init__()
        self._db_queue: queue.Queue[Any] = queue.Queue()
        self._db_thread = threading.Thread(target=self._db_loop, name="village-desk-db", daemon=True)
        self._net = ThreadPoolExecutor(max_workers=network_workers, thread_name_prefix="village-desk-net")
        self._live: set[Task] = set()
        self._lock = threading.Lock()
        self._stopped = False
        self._late = 0
        self._dropped: set[Task] = set()  # kept alive until their outcome arrives, as in _live
        self._db_thread.start()

    # -- submitting ---------------------------------------------------------------------------
    def _late_delivery(self, task: Task | None) -> None:
        self._dropped.discard(task)  # type: ignore[arg-type]
        self._late += 1
        self.delivered_after_shutdown.emit(self._late)

    def run_db(
        self,
        fn: Callable[..., Any],
        *,
        name: str = "",
        key: str | None = None,
        with_context: bool = False,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        essential: bool = False,
    ) -> Task:
        """Queue database work. A new task with the same ``key`` cancels older queued ones.

        ``essential``: run even when the runner is cancelled or shut down before it starts
        (closing the store: a skipped close leaves the key in memory and the -wal file beside
        the data file)."""
        task = self._make(fn, name, key, with_context, on_done, on_error, essential)
        if not task.done:
            self._db_queue.put(task)
        return task

    def run_network(
        self,
        fn: Callable[..., Any],
        *,
        name: str = "",
        key: str | None = None,
        with_context: bool = False,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Run network (or other slow non-database) work on the pool."""
        task = self._make(fn, name, key, with_context, on_done, on_error, False)
        if not task.done:
            self._net.submit(task._run)
        return task

    def _make(
        self,
        fn: Callable[..., Any],
        name: str,
        key: str | None,
        with_context: bool,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        essential: bool,
    ) -> Task:
        task = Task(fn, name=name, key=key, with_context=with_context, essential=essential)
        if self._stopped:
            # Asked for after the shutdown (a late callback, a closing page's timer): not run,
            # and nothing raised into the Qt event loop.
            task._drop()
            task.done = True
            return task
        if on_done is not None:
            task.succeeded.connect(on_done)
        if on_error is not None:
            task.failed.connect(on_error)
        # Weakly: a slot holding the task itself would be a cycle through Qt that Python's collector
        # cannot see, and every finished task would live on with its result.
        ref = weakref.ref(task)
        task.finished.connect(lambda: self._forget(ref()))
        with self._lock:
            if key is not None:
                for other in self._live:
                    if other.key == key and not other._started:
                        other.cancel()
            was_idle = not self._live
            self._live.add(task)
        if was_idle:
            self.busy_changed.emit(True)
        return task

    def _forget(self, task: Task | None) -> None:
        with self._lock:
            self._live.discard(task)
            idle = not self._live
        if idle:
            self.busy_changed.emit(False)

    # -- state --------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._live)

    def pending(self) -> int:
        with self._lock:
            return len(self._live)

    def cancel_all(self) -> None:
        """Cancel every task but the essential ones."""
        with self._lock:
            for task in self._live:
                if not task.essential:
                    task.cancel()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel what has not started (but the essential tasks), let running work end, and stop
        the threads."""
        if self._stopped:
            return
        self._stopped = True
        with self._lock:
            for task in self._live:
                if not task._started and not task.essential:
                    task.cancel()
        self._db_queue.put(_STOP)
        self._db_thread.join(timeout)
        self._net.shutdown(wait=True, cancel_futures=True)
        # What ran meanwhile has its outcome queued for the UI thread: it reaches nobody (its
        # callbacks would find the windows and the store closed, and could not queue more work).
        with self._lock:
            late, self._live = list(self._live), set()
        for task in late:
            task._drop()
            ref = weakref.ref(task)  # weakly, as in _make: no cycle through Qt
            task.dropped.connect(lambda ref=ref: self._late_delivery(ref()))
            self._dropped.add(task)
        if late:
            self.busy_changed.emit(False)

    # -- the database thread ------------------------------------------------------------------
    def _db_loop(self) -> None:
        while True:
            task = self._db_queue.get()
            if task is _STOP:
                return
            task._run()
            del task  # not kept (with its result) while waiting for the next one
