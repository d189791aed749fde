"""Fixtures for the Qt tests: offscreen platform, a task runner, a fast-KDF encrypted store."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.services.session import Session
from desktop.services.settings import AppPaths, DictBackend, Settings
from desktop.storage import KdfParams, Store
from desktop.ui.shared.context import DataBus, UiContext
from desktop.ui.shared.i18n import install_language
from desktop.ui.shared.tasks import TaskRunner
from tests.desktop.ui.helpers import WORK_MS

FAST_KDF = KdfParams.fast_for_tests()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform warns that it cannot propagate size hints; that is not our bug.
    for item in items:
        if "desktop/ui" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))


@pytest.fixture
def qtbot(qtbot: Any) -> Any:
    """pytest-qt's qtbot, whose waits for a signal or a condition default to :data:`WORK_MS`
    instead of 5 s (a wait given its own timeout keeps it)."""
    for name in ("waitSignal", "waitSignals", "waitUntil", "waitCallback"):
        setattr(qtbot, name, _with_default_timeout(getattr(qtbot, name)))
        setattr(qtbot, _snake(name), getattr(qtbot, name))
    return qtbot


def _with_default_timeout(wait: Any) -> Any:
    @functools.wraps(wait)
    def waiting(*args: Any, timeout: int = WORK_MS, **kwargs: Any) -> Any:
        return wait(*args, timeout=timeout, **kwargs)

    return waiting


def _snake(name: str) -> str:
    return "wait_" + name[4:].lower()


@pytest.fixture(autouse=True)
def _close_leftover_windows(qapp: Any) -> Iterator[None]:
    """Hide every window a test left open, and delete those it closed. qtbot closes the widgets
    registered with it, not the dialogs they opened (a record dialog, a question box): those stayed
    on screen into the next tests, taking the focus and the active window from them. Hidden, not
    closed: closing a form with unsaved edits would ask whether to drop them (one more window).

    The windows qtbot and the app closed were only marked ``deleteLater``: outside a running event
    loop Qt never gets to it, so a closed main window lived on, hidden, as the application's active
    window with the keyboard focus, until Python's garbage collector happened to free it. A test
    after it then found the focus (and sent its keys) in that dead window: one run in three."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.hide()
    QApplication.processEvents()  # a window shown just before may be made the active one now
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    stale = QApplication.activeWindow()
    assert stale is None or stale.isVisible(), (
        f"a closed window ({type(stale).__name__} {stale.objectName()!r}) is still alive and holds "
        "the keyboard focus: the next test's keys would go to it. Delete it (deleteLater) when "
        "closing it, or register it with qtbot.addWidget."
    )


VILLAGE = "530102001001"
USER = "clerk"
PASSPHRASE = "green hills 2025"


@pytest.fixture
def runner(qapp) -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


@pytest.fixture
def zh(qapp) -> Iterator[None]:
    assert install_language("zh_CN")
    yield
    install_language("en")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("VILLAGE_DESK_HOME", str(tmp_path / "home"))
    return AppPaths.default().ensure()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.create(tmp_path / "village.vdd", USER, PASSPHRASE, VILLAGE, kdf=FAST_KDF)
    yield s
    s.close()


@pytest.fixture
def ui(store: Store, runner: TaskRunner) -> UiContext:
    return UiContext(Session(store), runner, Settings(DictBackend()), DataBus())
