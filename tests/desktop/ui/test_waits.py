"""The Qt tests wait for work on the database thread or a server with a generous default."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from tests.desktop.ui.helpers import WORK_MS


class _Emitter(QObject):
    done = Signal()


def test_waits_default_to_the_shared_timeout_and_keep_a_given_one(qtbot) -> None:
    emitter = _Emitter()
    for wait in (qtbot.waitSignal, qtbot.wait_signal):
        with wait(emitter.done) as blocker:
            emitter.done.emit()
        assert blocker.timeout == WORK_MS
    with qtbot.waitSignals([emitter.done]) as blocker:
        emitter.done.emit()
    assert blocker.timeout == WORK_MS
    with qtbot.waitSignal(emitter.done, timeout=1234) as blocker:
        emitter.done.emit()
    assert blocker.timeout == 1234
    with qtbot.waitCallback() as callback:
        callback()
    assert callback.timeout == WORK_MS
    qtbot.waitUntil(lambda: True)  # still works (and returns at once)
