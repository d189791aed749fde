"""One task runner for every blocking call.

Database work runs on a single worker thread, strictly in the order it was submitted, so the store's
connection is only ever used from that thread (it is opened there too). Network work runs on a small
pool. Results, errors and progress come back to the UI thread as Qt signals of a :class:`Task`; a
worker never touches a widget, nor Qt at all: it puts its outcome and progress on a plain queue that a
timer of the runner empties on the UI thread, and it never holds the :class:`Task` (a QObject) itself.
PySide6 emitting a signal from a Python thread changes reference counts without the interpreter lock;
under load the counts of shared objects drift until the process crashes in event processing (and a
QObject freed by the worker's last reference would be destroyed on the wrong thread).

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

from PySide6.QtCore import QObject, QTimer, Signal

from sync.errors import Cancelled


class TaskContext:
    """Handed to a task function: progress reporting and cancellation, safe to use on the worker."""

    def __init__(self, job: _Job) -> None:
        self._job = job

    @property
    def cancelled(self) -> bool:
        return self._job.cancel.is_set()

    def check(self) -> None:
        """Raise :class:`sync.errors.Cancelled` if the task was cancelled; call it between steps of long
        work."""
        if self._job.cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int, text: str = "") -> None:
        if not self._job.cancel.is_set():
            self._job.inbox.put((self._job, "progress", (int(done), int(total), text)))


class _Job:
    """What a worker holds of a task: plain Python, no Qt, no reference to the :class:`Task`."""

    def __init__(self, fn: Callable[..., Any], with_context: bool, inbox: queue.SimpleQueue[Any]) -> None:
        self.fn = fn
        self.with_context = with_context
        self.inbox = inbox
        self.cancel = threading.Event()
        self.started = False

    def run(self) -> None:
        """Called on a worker thread."""
        self.started = True
        try:
            if self.cancel.is_set():
                raise Cancelled
            result = self.fn(TaskContext(self)) if self.with_context else self.fn()
            if self.cancel.is_set():
                raise Cancelled
        except BaseException as exc:  # handed to the UI thread, which decides how to show it
            # A cancelled task (Cancelled from check(), or any error mid-way, e.g. the store was locked
            # under it) is only cancelled: nobody waits for its error. A Cancelled the task raised
            # without being cancelled (a sync stopped by its own token) is its outcome, as any error.
            self.inbox.put((self, "cancelled" if self.cancel.is_set() else "failed", exc))
        else:
            self.inbox.put((self, "succeeded", result))
        finally:
            self.fn = _spent


class Task(QObject):
    """One unit of background work. Lives in the UI thread; its signals arrive there.

    The worker runs the task's :class:`_Job` and reports through the runner's queue; the runner
    re-emits here on the UI thread, never earlier than the next turn of the event loop, so a caller
    may connect after ``run_db``/``run_network`` returned and still gets every signal.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)
    cancelled = Signal()
    finished = Signal()
    """Always emitted last, whatever the outcome."""

    dropped = Signal()
    """Its outcome arrived after the runner shut down: no other signal is emitted."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        name: str = "",
        key: str | None = None,
        with_context: bool = False,
        essential: bool = False,
        inbox: queue.SimpleQueue[Any] | None = None,
    ) -> None:
        super().__init__()
        self.name = name or getattr(fn, "__name__", "task")
        self.key = key
        self.essential = essential
        self._job = _Job(fn, with_context, inbox if inbox is not None else queue.SimpleQueue())
        self._dropped = False
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    @property
    def is_cancelled(self) -> bool:
        return self._job.cancel.is_set()

    @property
    def _started(self) -> bool:
        return self._job.started

    def cancel(self) -> None:
        self._job.cancel.set()

    def _drop(self) -> None:
        """The runner shut down: nothing of this task reaches a caller any more."""
        self._job.cancel.set()
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

DELIVERY_INTERVAL_MS = 5
"""How often the UI thread looks for outcomes while tasks are under way (an empty look is cheap)."""


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
        # Filled by the workers, emptied on the UI thread; every task whose outcome is still to come
        # is kept here (by its job), so the last reference to a Task is always dropped on this thread.
        self._inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._tasks: dict[_Job, Task] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(DELIVERY_INTERVAL_MS)
        self._timer.timeout.connect(self._deliver_outcomes)
        self._db_thread.start()

    # -- submitting ---------------------------------------------------------------------------
    def _late_delivery(self) -> None:
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
        A key is its caller's: include the owner (``f"name-{id(self)}"``), or two windows on one
        runner cancel each other's work and one of them never hears back.

        ``essential``: run even when the runner is cancelled or shut down before it starts
        (closing the store: a skipped close leaves the key in memory and the -wal file beside
        the data file)."""
        task = self._make(fn, name, key, with_context, on_done, on_error, essential)
        if not task.done:
            self._db_queue.put(task._job)
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
            self._net.submit(task._job.run)
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
        task = Task(fn, name=name, key=key, with_context=with_context, essential=essential, inbox=self._inbox)
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
        self._tasks[task._job] = task
        if not self._timer.isActive():
            self._timer.start()
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
        threads_done = not self._db_thread.is_alive()
        for task in late:
            task._drop()
            task.dropped.connect(self._late_delivery)
            if not task._started and threads_done:  # skipped: no outcome will ever come
                task.done = True
                self._tasks.pop(task._job, None)
        if late:
            self.busy_changed.emit(False)

    # -- the database thread ------------------------------------------------------------------
    def _db_loop(self) -> None:
        while True:
            task = self._db_queue.get()
            if task is _STOP:
                return
            task.run()
            del task  # not kept (with its result) while waiting for the next one

    # -- back on the UI thread ----------------------------------------------------------------
    def _deliver_outcomes(self) -> None:
        """Hand what the workers reported to the tasks' signals, in the order it was reported."""
        while True:
            try:
                job, kind, value = self._inbox.get_nowait()
            except queue.Empty:
                break
            task = self._tasks.get(job)
            if task is None:
                continue
            if kind == "progress":
                if not task._dropped:
                    task.progressed.emit(*value)
                continue
            del self._tasks[job]
            task._deliver(kind, value)
        if not self._tasks:
            self._timer.stop()
