"""The township staff window: the same app, signed in to the county server, no village data file.

Its pages come as parts (``desktop.ui.shared.parts``), listed in ``desktop.ui.township.parts.staff_parts``:
the work list with the side-by-side view, the history of decisions, the duplicate residents, the
indicators. The window itself holds only who is signed in and the way out (Ctrl+L).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar

from desktop.services.settings import Settings
from desktop.ui.shared.errors import describe
from desktop.ui.shared.parts import Host, PagedWindow, Part
from desktop.ui.shared.tasks import TaskRunner
from sync.staff.client import SignInRequired


class StaffBus(QObject):
    """Tells every staff screen that review items changed; tells the app the sign-in ran out."""

    decided = Signal(str)
    """The id of the item (or duplicate group) that was decided."""
    sign_in_required = Signal()
    """The server no longer knows the token (expired, signed out elsewhere): sign in again."""


def report(staff: StaffContext, exc: BaseException) -> str:
    """The error in plain words; an expired sign-in also sends the person back to the sign-in."""
    if isinstance(exc, SignInRequired):
        staff.bus.sign_in_required.emit()
    return describe(exc)


@dataclass
class StaffContext:
    """What the screens of one staff sign-in share."""

    desk: Any
    """The signed-in township desk (``desktop.services.township.desk``); every call goes through
    the runner."""
    runner: TaskRunner
    settings: Settings
    bus: StaffBus = field(default_factory=StaffBus)


class StaffWindow(PagedWindow):
    sign_out_requested = Signal()
    geometry_key = "staff_window/geometry"

    def __init__(self, staff: StaffContext, qsettings: QSettings, parts: Sequence[Part[Host]] = ()) -> None:
        super().__init__()
        self.staff = staff
        self.qsettings = qsettings
        self.setObjectName("staff_window")
        who = staff_who(staff.desk)
        self.setWindowTitle(self.tr("Village Data Desk — township desk, {who}").format(who=who))
        status = QStatusBar(self)
        self.setStatusBar(status)
        self.signed_in = QLabel(self.tr("Signed in: {who}").format(who=who), self)
        self.signed_in.setObjectName("staff_signed_in")
        self.signed_in.setContentsMargins(8, 0, 8, 0)
        status.addPermanentWidget(self.signed_in)
        self.sign_out_action = QAction(self.tr("Sign out"), self)
        self.sign_out_action.setObjectName("action_sign_out")
        self.sign_out_action.setShortcut(QKeySequence("Ctrl+L"))
        self.sign_out_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.addAction(self.sign_out_action)
        # The way out, on screen with its key (the action alone would be invisible).
        self.sign_out_button = QPushButton(self.tr("Sign out (Ctrl+L)"), self)
        self.sign_out_button.setObjectName("staff_sign_out")
        self.sign_out_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sign_out_button.setFlat(True)
        self.sign_out_button.clicked.connect(self.sign_out_action.trigger)
        status.addPermanentWidget(self.sign_out_button)
        self.place()
        for part in parts:
            self.add_part(part)
        self.restore_parts(qsettings)

    def focus_first(self) -> None:
        QTimer.singleShot(0, self, lambda: self.show_page(0))  # not once the window is deleted


def staff_who(desk: Any) -> str:
    """ "wang, township 110105001" from the signed-in account."""
    account = getattr(desk, "account", None)
    if account is None:
        return ""
    if account.scope == "county":
        scope = QCoreApplication.translate("StaffWindow", "county {code}")
    elif getattr(account, "scope_name", ""):
        scope = QCoreApplication.translate("StaffWindow", "{name} ({code})")
    else:
        scope = QCoreApplication.translate("StaffWindow", "township {code}")
    who = QCoreApplication.translate("StaffWindow", "{user}, {scope}")
    name = getattr(account, "scope_name", "")
    return who.format(user=account.username, scope=scope.format(code=account.scope_code, name=name))
