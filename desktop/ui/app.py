"""The application flow: first run or unlock, the main window, auto-lock, language switch, quit.

One ``DeskApp`` per process. It owns the task runner, the settings and, between unlock and lock, the
``Session``. Locking closes every window, closes the store on the database thread (which drops the
key) and shows the unlock screen again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.settings import AppPaths, Settings
from desktop.services.setup import create_store, local_users, store_exists
from desktop.ui.official.unlock import UnlockDialog
from desktop.ui.shared.i18n import current_language, install_language
from desktop.ui.shared.qtfix import forget_module_sources
from desktop.ui.shared.tasks import TaskRunner
from sync.errors import SyncError

if TYPE_CHECKING:
    from desktop.services.session import Session
    from desktop.storage import KdfParams, Store
    from desktop.ui.official.main_window import MainWindow
    from desktop.ui.official.wizard import SetupChoices, SetupWizard
    from desktop.ui.shared.context import UiContext
    from desktop.ui.shared.parts import Part, VillageHost
    from desktop.ui.township.staff_sign_in import SignIn, StaffSignInDialog
    from desktop.ui.township.staff_window import StaffWindow

# Start time on an old laptop: only what the first screen (unlock, staff sign-in) needs is imported
# above. The imports inside functions below are deliberate and load later, each with its reason:
# the first-run wizard (the storage and crypto libraries, ~0.6 s here), the session and the main
# window with its pages (~1 s), the staff sign-in and its file dialogs, the township desk and its
# HTTP client (requests, ssl: ~0.5 s), and ``desktop.ui.shared.errors`` (it loads the storage layer's
# errors: ~0.4 s). The ``TYPE_CHECKING`` names are for hints only.

log = logging.getLogger(__name__)

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.ShortcutOverride,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after a stretch without keyboard or mouse input anywhere in the app."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self._interval_ms = 0

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(int(minutes) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self._interval_ms = ms
        self.timer.stop()
        if ms > 0 and self.isActive():
            self.timer.start(ms)

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._active = True
        if self._interval_ms > 0:
            self.timer.start(self._interval_ms)

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._active = False
        self.timer.stop()

    def isActive(self) -> bool:
        return getattr(self, "_active", False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._interval_ms > 0 and event.type() in _ACTIVITY:
            self.timer.start(self._interval_ms)
        return False


def default_parts(ui: UiContext) -> Sequence[Part[VillageHost]]:
    """The village official's window (``desktop.ui.official.parts``); loaded after the passphrase."""
    from desktop.ui.official.parts import official_parts

    return official_parts(ui)


class DeskApp(QObject):
    unlocked = Signal()
    locked = Signal()
    window_shown = Signal(object)

    def __init__(
        self,
        paths: AppPaths,
        *,
        kdf: KdfParams | None = None,
        runner: TaskRunner | None = None,
        qsettings: QSettings | None = None,
        parts: Callable[[UiContext], Sequence[Part[VillageHost]]] | None = None,
        provisioning_paths: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths.ensure()
        self.qsettings = qsettings or QSettings(str(paths.settings_path), QSettings.Format.IniFormat)
        self.settings = Settings(self.qsettings)
        self.runner = runner or TaskRunner()
        self.kdf = kdf
        self.make_parts = parts or default_parts
        """``UiContext -> [Part]``: every screen of the main window (default: ``official_parts``)."""
        self.provisioning_paths = provisioning_paths
        """Where first run looks for county IT's provisioning file (default: the search list)."""
        self.session: Session | None = None
        self.ui: UiContext | None = None
        self.window: MainWindow | None = None
        self.staff_window: StaffWindow | None = None
        self.staff_dialog: StaffSignInDialog | None = None
        self.staff_sign_in: SignIn | None = None
        """How staff sign in (``(url, ca, user, password) -> desk``); default: the township service."""
        self.unlock_dialog: UnlockDialog | None = None
        self.wizard: SetupWizard | None = None
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)

    @property
    def store_path(self) -> Any:
        return self.paths.store_path

    # -- start ----------------------------------------------------------------------------------------
    def start(self, *, staff: bool = False) -> QWidget:
        """Show the first screen: the first-run wizard, or the unlock screen (``staff``: the township
        staff sign-in)."""
        install_language(self.settings.get("language"))
        if staff:
            return self.show_staff_sign_in()
        if store_exists(self.store_path):
            return self.show_unlock()
        return self.show_wizard()

    def show_wizard(self) -> SetupWizard:
        from desktop.services.provisioning import find_preseeded  # beside the wizard, which needs it
        from desktop.ui.official.wizard import SetupWizard  # first run only (see the note at the top)

        wizard = SetupWizard(
            self.runner,
            self._create_store,
            language=self.settings.get("language"),
            preseeded=find_preseeded(self.provisioning_paths),
        )
        wizard.language_chosen.connect(self._wizard_language)
        wizard.created.connect(self._store_created)
        wizard.rejected.connect(self._quit_if_nothing_open)
        wizard.staff_requested.connect(self.show_staff_sign_in)
        self.wizard = wizard
        wizard.show()
        return wizard

    def _wizard_language(self, language: str) -> None:
        self.settings.set("language", language)
        install_language(language)

    def _create_store(self, choices: SetupChoices) -> Store:
        """Runs on the database thread."""
        return create_store(
            self.store_path,
            choices.user,
            choices.passphrase,
            choices.village_code,
            provisioning=choices.provisioning,
            server_url=choices.server_url,
            kdf=self.kdf,
        )

    def _store_created(self, store: Store, choices: SetupChoices) -> None:
        self.settings.set("last_user", choices.user)
        if choices.server_url and not self.settings.get("staff_server_url"):
            # Township staff signing in on this laptop later find the county server already set.
            self.settings.set("staff_server_url", choices.server_url)
            pem = choices.provisioning.ca_bundle if choices.provisioning else None
            if pem:
                path = self.paths.data_dir / "county-ca.pem"
                path.write_text(pem, encoding="ascii")
                self.settings.set("staff_ca_file", str(path))
        self.wizard = None
        self.open_session(store, enrollment_code=choices.enrollment_code)

    def show_unlock(self) -> UnlockDialog:
        users = local_users(self.store_path)
        dialog = UnlockDialog(self.runner, self.store_path, users, last_user=self.settings.get("last_user"))
        dialog.unlocked.connect(self.open_session)
        dialog.rejected.connect(self._quit_if_nothing_open)
        dialog.staff_requested.connect(self.show_staff_sign_in)
        self.unlock_dialog = dialog
        dialog.show()
        dialog.passphrase.setFocus()
        return dialog

    # -- the session ------------------------------------------------------------------------------------
    def open_session(self, store: Store, enrollment_code: str | None = None) -> None:
        from desktop.services.session import Session  # after the passphrase (see the note at the top)
        from desktop.ui.official.sync_page import SyncPart
        from desktop.ui.shared.context import DataBus, UiContext

        self.unlock_dialog = None
        self.settings.set("last_user", store.user)
        self.session = Session(store)
        self.ui = UiContext(self.session, self.runner, self.settings, DataBus())
        self._build_window()
        self.idle.set_minutes(self.settings.get("auto_lock_minutes"))
        self.idle.start()
        sync = self.window.part(SyncPart) if self.window is not None else None
        if enrollment_code and sync is not None:
            sync.enroll(enrollment_code)
        self.unlocked.emit()

    def _build_window(self) -> None:
        from desktop.ui.official.main_window import (
            MainWindow,  # after the passphrase (see the note at the top)
        )
        from desktop.ui.official.parts import SettingsPart

        forget_module_sources()
        assert self.ui is not None
        window = MainWindow(self.ui, self.qsettings, self.make_parts(self.ui))
        settings = window.part(SettingsPart)
        if settings is not None:
            settings.page.language_changed.connect(self.set_language)
            settings.page.auto_lock_changed.connect(self.idle.set_minutes)
        window.lock_requested.connect(self.lock)
        self.window = window
        window.show()
        window.focus_first()
        self.window_shown.emit(window)

    def set_language(self, language: str) -> None:
        """Switch language: the main window is rebuilt so every text is in the new language."""
        self.settings.set("language", language)
        install_language(language)
        if self.window is not None:
            page = self.window.nav.currentRow()
            self._close_window()
            self._build_window()
            self.window.nav.setCurrentRow(page)

    def _close_window(self) -> None:
        window, self.window = self.window, None
        if window is None:
            return
        window.save_geometry()
        for child in window.findChildren(QWidget):
            if child.isWindow() and child.isVisible():
                child.close()
        window.shutdown()
        window.close()
        window.deleteLater()

    def lock(self) -> None:
        """Close every window, close the store (dropping the key) and ask for the passphrase again.
        In staff mode: sign out (the same idle time applies)."""
        if self.staff_window is not None:
            self.sign_out()
            return
        if self.session is None:
            return
        self.idle.stop()
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible() and widget.isModal():
                widget.close()
        self._close_window()
        session, self.session, self.ui = self.session, None, None
        self.runner.cancel_all()
        self.runner.run_db(session.close, name="lock", essential=True)
        self.locked.emit()
        self.show_unlock()

    def _quit_if_nothing_open(self) -> None:
        nothing_open = self.session is None and self.staff_window is None and self.staff_dialog is None
        if nothing_open and not any(
            d is not None and d.isVisible() for d in (self.wizard, self.unlock_dialog)
        ):
            QTimer.singleShot(0, QApplication.quit)

    # -- township staff -----------------------------------------------------------------------------
    def show_staff_sign_in(self) -> StaffSignInDialog:
        """The staff sign-in, over the unlock screen or the wizard when one is open."""
        from desktop.ui.township.staff_sign_in import (
            StaffSignInDialog,  # staff only (see the note at the top)
        )

        if self.staff_dialog is not None:
            self.staff_dialog.raise_()
            return self.staff_dialog
        parent = self.unlock_dialog or self.wizard
        dialog = StaffSignInDialog(
            self.runner,
            self.settings,
            self.staff_sign_in or default_staff_sign_in,
            ca_dir=self.paths.data_dir,
            parent=parent,
        )
        dialog.signed_in.connect(self.open_staff)
        dialog.finished.connect(self._staff_dialog_closed)
        self.staff_dialog = dialog
        if parent is not None:
            dialog.open()
        else:
            dialog.show()
        return dialog

    def _staff_dialog_closed(self, _result: int) -> None:
        dialog, self.staff_dialog = self.staff_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        self._quit_if_nothing_open()

    def open_staff(self, desk: Any) -> None:
        """Signed in: close the village screens and open the township desk."""
        from desktop.ui.township.parts import staff_parts  # after sign-in (see the note at the top)
        from desktop.ui.township.staff_window import StaffContext, StaffWindow

        forget_module_sources()
        for dialog in (self.wizard, self.unlock_dialog):
            if dialog is not None:
                dialog.blockSignals(True)
                dialog.close()
                dialog.deleteLater()
        self.wizard = self.unlock_dialog = None
        context = StaffContext(desk, self.runner, self.settings)
        window = StaffWindow(context, self.qsettings, staff_parts(context))
        window.sign_out_requested.connect(self.sign_out)
        context.bus.sign_in_required.connect(self._staff_expired)
        self.staff_window = window
        self.idle.set_minutes(self.settings.get("auto_lock_minutes"))
        self.idle.start()
        window.show()
        window.focus_first()
        self.window_shown.emit(window)

    def _staff_expired(self) -> None:
        """The server forgot the sign-in (expired): back to the sign-in, where the rest is filled in."""
        if self.staff_window is None:
            return
        QTimer.singleShot(0, self._sign_in_again)

    def _sign_in_again(self) -> None:
        from desktop.ui.shared.errors import (
            describe,  # heavy, and only on this path (see the note at the top)
        )
        from sync.staff.client import SignInRequired  # loaded with the township desk already

        if self.staff_window is None:
            return
        self.sign_out()  # shows the sign-in again
        dialog = self.staff_dialog or self.show_staff_sign_in()
        dialog.say(describe(SignInRequired()), error=True)

    def sign_out(self) -> None:
        """Close the township desk, end the sign-in at the server, and show the staff sign-in again
        (never the village's first-run wizard: this laptop may hold no village data)."""
        window, self.staff_window = self.staff_window, None
        if window is None:
            return
        self.idle.stop()
        window.save_geometry()
        window.shutdown()
        desk = window.staff.desk
        self.runner.run_network(lambda: _sign_out(desk), name="staff-sign-out")
        window.close()
        window.deleteLater()
        if store_exists(self.store_path):
            self.show_unlock()  # behind the sign-in: cancelling it leads to the village's data
        self.show_staff_sign_in()

    def shutdown(self) -> None:
        self.idle.stop()
        if self.staff_window is not None:
            window, self.staff_window = self.staff_window, None
            window.shutdown()
            window.close()
            self.runner.run_network(lambda: _sign_out(window.staff.desk), name="staff-sign-out")
        for dialog in (self.wizard, self.unlock_dialog, self.staff_dialog):
            if dialog is not None:
                dialog.blockSignals(True)
                dialog.close()
        self.wizard = self.unlock_dialog = self.staff_dialog = None
        self._close_window()
        if self.session is not None:
            session, self.session = self.session, None
            self.runner.run_db(session.close, name="close", essential=True)
        self.runner.shutdown()


def default_staff_sign_in(url: str, ca_file: str | None, user: str, password: str) -> Any:
    """On the network pool: sign in to the county server as township/county staff."""
    from desktop.services.township.desk import TownshipService  # the HTTP client (see the note at the top)

    pem = Path(ca_file).read_text("ascii") if ca_file else None
    desk = TownshipService(url, pem, language=current_language())
    try:
        desk.sign_in(user, password)
    except BaseException:
        desk.close()
        raise
    return desk


def _sign_out(desk: Any) -> None:
    """End the sign-in at the server; offline or expired is fine (the token dies on its own)."""
    try:
        with contextlib.suppress(SyncError):
            desk.sign_out()
    finally:
        desk.close()
