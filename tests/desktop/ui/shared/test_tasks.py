"""The task runner: database work in order on one thread, network on a pool, results by signal."""

from __future__ import annotations

import gc
import threading
import weakref

from desktop.ui.shared.errors import is_quiet
from desktop.ui.shared.tasks import Task, TaskContext, TaskRunner
from sync.errors import Cancelled
from sync.laptop.engine import CancelToken
from tests.desktop.ui.helpers import WORK_MS


def test_db_tasks_run_in_order_on_one_thread(qtbot, runner: TaskRunner) -> None:
    seen: list[tuple[int, str]] = []
    tasks = [
        runner.run_db(lambda i=i: seen.append((i, threading.current_thread().name)) or i) for i in range(20)
    ]
    with qtbot.waitSignal(tasks[-1].finished):
        pass
    assert [i for i, _ in seen] == list(range(20))
    assert {name for _, name in seen} == {"village-desk-db"}
    assert threading.current_thread().name != "village-desk-db"


def test_result_and_error_come_back_on_the_ui_thread(qtbot, runner: TaskRunner) -> None:
    where: list[str] = []
    task = runner.run_db(lambda: 41 + 1)
    task.succeeded.connect(lambda _r: where.append(threading.current_thread().name))
    with qtbot.waitSignal(task.succeeded) as ok:
        pass
    assert ok.args == [42]
    assert where == [threading.current_thread().name]

    def boom() -> None:
        raise ValueError("broken")

    bad = runner.run_network(boom)
    with qtbot.waitSignal(bad.failed) as failed:
        pass
    assert isinstance(failed.args[0], ValueError)


def test_progress_and_cancel(qtbot, runner: TaskRunner) -> None:
    started = threading.Event()
    release = threading.Event()
    progress: list[tuple[int, int]] = []

    def work(ctx: TaskContext) -> str:
        ctx.progress(1, 3)
        started.set()
        release.wait(5)
        ctx.check()
        return "not cancelled"

    task = runner.run_network(work, with_context=True)
    task.progressed.connect(lambda d, t, _s: progress.append((d, t)))
    assert started.wait(5)
    task.cancel()
    release.set()
    with qtbot.waitSignal(task.cancelled):
        pass
    assert task.result is None
    qtbot.waitUntil(lambda: progress == [(1, 3)])


def test_one_cancelled_for_a_task_and_a_sync(qtbot, runner: TaskRunner) -> None:
    caught: list[BaseException] = []
    cancelled = threading.Event()

    def work(ctx: TaskContext) -> None:
        cancelled.wait(5)
        try:
            ctx.check()
        except BaseException as exc:
            caught.append(exc)
            raise

    task = runner.run_network(work, with_context=True)
    task.cancel()
    cancelled.set()
    with qtbot.waitSignal(task.cancelled):
        pass
    token = CancelToken()
    token.cancel()
    stopped = runner.run_network(token.raise_if_cancelled)  # a sync stopped by its token, not the task
    with qtbot.waitSignal(stopped.failed) as failed:
        pass
    (from_task,), from_sync = caught, failed.args[0]
    assert type(from_task) is type(from_sync) is Cancelled
    assert is_quiet(from_task) and is_quiet(from_sync)


def test_newer_task_with_same_key_cancels_queued_one(qtbot, runner: TaskRunner) -> None:
    gate = threading.Event()
    blocker = runner.run_db(lambda: gate.wait(5))
    first: Task = runner.run_db(lambda: "first", key="search")
    second: Task = runner.run_db(lambda: "second", key="search")
    results: list[str] = []
    first.succeeded.connect(results.append)
    second.succeeded.connect(results.append)
    gate.set()
    with qtbot.waitSignals([blocker.finished, first.cancelled, second.succeeded]):
        pass
    assert results == ["second"]


def test_shutdown_refuses_new_work_quietly(qtbot) -> None:
    # A callback that arrives after the shutdown may well ask for more work (a page refreshing
    # after a sync): it must not raise in the Qt event loop. The work is simply not done.
    r = TaskRunner()
    r.shutdown()
    ran: list[str] = []
    for submit in (r.run_db, r.run_network):
        task = submit(lambda: ran.append("ran"), on_done=ran.append, on_error=ran.append)
        assert task.is_cancelled and task.done
    qtbot.wait(20)
    assert ran == []
    assert r.pending() == 0


def test_callbacks_arriving_after_shutdown_are_dropped(qtbot) -> None:
    # The CI error: a database task finished just before the window closed, its result was still
    # queued for the UI thread, and its callback (waiting.py -> run_db) ran after the shutdown.
    r = TaskRunner()
    calls: list[str] = []

    def then_more(_result: object) -> None:
        calls.append("callback")
        r.run_db(lambda: calls.append("more work"))

    def fail() -> None:
        raise ValueError("late")

    tasks = [
        r.run_db(lambda: 1, on_done=then_more),
        r.run_network(lambda: 2, on_done=then_more),
        r.run_db(fail, on_error=then_more),
    ]
    r.shutdown()  # the three ran; their outcomes wait in the event queue
    with qtbot.waitSignal(r.delivered_after_shutdown, timeout=WORK_MS, check_params_cb=lambda n: n == 3):
        pass
    qtbot.wait(20)
    assert calls == []
    assert all(t.done for t in tasks)
    assert r.pending() == 0


class _Rows:
    """A result that can be watched with a weak reference."""


def test_finished_task_and_its_result_are_freed(qtbot, runner: TaskRunner) -> None:
    # A list view asks for a block of rows per page scrolled: a task kept alive after it finished
    # would keep those rows, and a long scroll would grow the process by tens of MB.
    got: list[weakref.ref[_Rows]] = []
    tasks = [runner.run_db(_Rows, on_done=lambda rows: got.append(weakref.ref(rows))) for _ in range(3)]
    tasks += [runner.run_network(_Rows, on_done=lambda rows: got.append(weakref.ref(rows)))]
    watched = [weakref.ref(task) for task in tasks]
    with qtbot.waitSignal(tasks[-1].finished):
        pass
    qtbot.waitUntil(lambda: len(got) == 4 and runner.pending() == 0)
    del tasks
    qtbot.wait(10)
    gc.collect()
    assert [ref() for ref in watched] == [None] * 4
    assert [ref() for ref in got] == [None] * 4


def test_an_essential_task_runs_even_when_queued_at_shutdown(qtbot) -> None:
    r = TaskRunner()
    gate = threading.Event()
    ran: list[str] = []
    r.run_db(lambda: gate.wait(10))
    skipped = r.run_db(lambda: ran.append("page refresh"))
    r.run_db(lambda: ran.append("close the store"), essential=True)
    r.cancel_all()
    gate.set()
    r.shutdown()
    assert ran == ["close the store"]
    assert skipped.is_cancelled


def test_a_worker_never_calls_into_qt(qtbot) -> None:
    # PySide6 (6.12) emitting a signal from a Python thread touches reference counts without the
    # interpreter lock: under load the counts of shared objects (True, False, None) drift until the
    # process dies ("bool_dealloc", a segfault in event processing). So a worker hands its outcome
    # and progress over through a plain queue; only the UI thread calls Qt (and frees the task).
    on_workers: list[str] = []

    def watch(frame, event, arg):  # type: ignore[no-untyped-def]
        owner = getattr(arg, "__self__", None)
        if event == "c_call" and type(owner).__module__.startswith(("PySide6", "shiboken6")):
            on_workers.append(f"{threading.current_thread().name}: {type(owner).__name__}.{arg.__name__}")

    def work(ctx: TaskContext) -> int:
        ctx.progress(1, 2, "half")
        return 7

    def boom() -> None:
        raise ValueError("broken")

    threading.setprofile(watch)
    try:
        r = TaskRunner()
        freed_on: list[str] = []
        tasks = [
            r.run_db(work, with_context=True),
            r.run_network(work, with_context=True),
            r.run_db(boom),
            r.run_network(boom),
        ]
        for task in tasks:
            weakref.finalize(task, lambda: freed_on.append(threading.current_thread().name))
        qtbot.waitUntil(lambda ts=tasks: all(t.done for t in ts), timeout=30000)
        assert [t.result for t in tasks[:2]] == [7, 7]
        assert all(isinstance(t.error, ValueError) for t in tasks[2:])
        del tasks, task
        r.shutdown()
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    gc.collect()
    qtbot.waitUntil(lambda: len(freed_on) == 4, timeout=30000)
    assert on_workers == []
    assert set(freed_on) == {threading.current_thread().name}
