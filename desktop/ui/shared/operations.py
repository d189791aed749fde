"""UI actions as small named functions that return an operation with success and failure callbacks.

    save_record(window, session, "person", None, values).success(on_saved).run_in_background(runner)

Without a failure callback, the error is shown to the user in plain words (``errors.show_error``).
The work itself runs on the task runner (database thread unless ``network=True``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.services.entry import FormsPin
from desktop.services.session import Session
from desktop.ui.shared.errors import is_quiet, show_error
from desktop.ui.shared.tasks import Task, TaskRunner


class Operation:
    def __init__(self, parent: QWidget | None, fn: Callable[[], Any], *, name: str, network: bool = False):
        self._parent = parent
        self._fn = fn
        self._name = name
        self._network = network
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._key: str | None = None

    def success(self, callback: Callable[[Any], None]) -> Operation:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Operation:
        self._failure = callback
        return self

    def supersede(self, key: str) -> Operation:
        """A newer operation with the same key cancels this one if it has not started."""
        self._key = key
        return self

    def run_in_background(self, runner: TaskRunner) -> Task:
        submit = runner.run_network if self._network else runner.run_db
        task = submit(self._fn, name=self._name, key=self._key)
        if self._success is not None:
            task.succeeded.connect(self._success)
        failure = self._failure
        parent = self._parent
        if failure is not None:
            task.failed.connect(lambda exc: None if is_quiet(exc) else failure(exc))
        else:
            task.failed.connect(lambda exc: show_error(parent, exc))
        return task


# -- the actions ------------------------------------------------------------------------------------


def save_record(
    parent: QWidget | None,
    session: Session,
    entity: str,
    record_id: str | None,
    values: Mapping[str, Any],
    pin: FormsPin | None = None,
) -> Operation:
    """``pin``: the forms version the record was opened with (default: the one in use)."""
    data = dict(values)
    return Operation(parent, lambda: session.save(entity, record_id, data, pin), name=f"save-{entity}")


def delete_record(parent: QWidget | None, session: Session, entity: str, record_id: str) -> Operation:
    return Operation(parent, lambda: session.delete(entity, record_id), name=f"delete-{entity}")


def load_record(parent: QWidget | None, session: Session, entity: str, record_id: str) -> Operation:
    return Operation(parent, lambda: session.get(entity, record_id), name=f"load-{entity}")


def search_ids(parent: QWidget | None, session: Session, entity: str, text: str, **where: Any) -> Operation:
    return Operation(parent, lambda: session.ids(entity, text, **where), name=f"search-{entity}").supersede(
        f"search-{entity}-{sorted(where.items())}"
    )


def load_options(parent: QWidget | None, session: Session, entity: str, **where: Any) -> Operation:
    return Operation(parent, lambda: session.options(entity, **where), name=f"options-{entity}")
