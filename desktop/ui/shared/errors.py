"""Errors in plain words, grouped by what the UI does with them.

* environment (disk full, disk error, damaged file, store open in another window, no server,
  certificate): a message saying what to do, nothing logged;
* invalid input (ValidationFailed): shown inline by the form, not here;
* interruption (``sync.errors.Cancelled``: a cancelled task, a stopped sync): nothing is shown;
* bug (anything else): a short apology; the traceback goes to the log, which never holds record data.

Sync errors carry their own messages in Chinese and English (``sync.errors``).
"""

from __future__ import annotations

import errno
import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.storage import (
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreInUse,
    StoreUnavailable,
    ValidationFailed,
)
from desktop.ui.shared.i18n import current_language
from sync.errors import Cancelled, SyncError

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """A sentence for the person at the keyboard, in the current language."""
    lang = current_language()
    if isinstance(exc, SyncError):
        return exc.message(lang)
    if isinstance(exc, ValidationFailed):
        return "\n".join(p.zh if lang.startswith("zh") else p.en for p in exc.problems)
    if isinstance(exc, StoreCorrupt):
        return QCoreApplication.translate(
            "Errors",
            "The data file is damaged or was replaced, so it cannot be opened. "
            "Do not delete it; please call county IT.",
        )
    if isinstance(exc, StoreFull) or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
        return QCoreApplication.translate(
            "Errors",
            "The disk is full, so this was not saved. What you saved before is safe. "
            "Free some space on the disk, then try again.",
        )
    if isinstance(exc, StoreInUse):
        return QCoreApplication.translate(
            "Errors",
            "The village data is already open in another window of Village Data Desk. "
            "Use that window, or close it first.",
        )
    if isinstance(exc, StoreUnavailable):
        return QCoreApplication.translate(
            "Errors",
            "The computer could not read or write the data file (a disk error, or the disk is "
            "read-only). What you saved before is safe; please call county IT if it happens again.",
        )
    if isinstance(exc, StoreError):
        return QCoreApplication.translate("Errors", "The data file could not be used.")
    if isinstance(exc, KeyError):
        return QCoreApplication.translate(
            "Errors", "This record no longer exists; it may have been deleted or changed by a sync."
        )
    if isinstance(exc, OSError):
        return QCoreApplication.translate(
            "Errors", "The computer could not read or write a file (is the disk full or read-only?)."
        )
    return QCoreApplication.translate(
        "Errors", "Something went wrong inside the program. What you saved before is safe."
    )


def plain_buttons(box: QMessageBox) -> QMessageBox:
    """No style icons on the question's buttons: on some desktops Cancel/No carry a red ✗, which
    reads as "wrong" on a harmless choice such as "Keep editing"."""
    for button in box.buttons():
        button.setIcon(QIcon())
    return box


def is_quiet(exc: BaseException) -> bool:
    return isinstance(exc, Cancelled)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user; log a bug's traceback (exception text only: ours never holds record data)."""
    if is_quiet(exc):
        return
    if not isinstance(exc, SyncError | StoreError | KeyError | OSError):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.warning(parent, QCoreApplication.translate("Errors", "Village Data Desk"), describe(exc))
