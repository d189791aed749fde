"""The application flow: first run or unlock, the main window, auto-lock, language switch, quit.

One ``DeskApp`` per process. It owns the task runner, the settings and, between unlock and lock, the
``Session``. Locking closes every window, closes the store on the database thread (which drops the
key) and shows the unlock screen again.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services.settings import AppPaths, Settings
from desktop.services.setup import local_users, store_exists
from desktop.ui.i18n import install_language
from desktop.ui.tasks import TaskRunner
from desktop.ui.unlock import UnlockDialog

if TYPE_CHECKING:
    from desktop.services.session import Session
    from desktop.storage import KdfParams, Store
    from desktop.ui.context import UiContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.wizard import SetupChoices, SetupWizard

# Only what the first screen needs is imported above; the main window, the store's libraries and
# the sync client load after the passphrase is typed (start time on an old laptop).

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
        configure_session: Any = None,
        provisioning_paths: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths.ensure()
        self.qsettings = qsettings or QSettings(str(paths.settings_path), QSettings.Format.IniFormat)
        self.settings = Settings(self.qsettings)
        self.runner = runner or TaskRunner()
        self.kdf = kdf
        self.configure_session = configure_session
        self.provisioning_paths = provisioning_paths
        """Where first run looks for county IT's provisioning file (default: the search list)."""
        """Optional hook ``(DeskApp, UiContext, MainWindow) -> None`` (the sync parts plug in here)."""
        self.session: Session | None = None
        self.ui: UiContext | None = None
        self.window: MainWindow | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.wizard: SetupWizard | None = None
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)

    @property
    def store_path(self) -> Any:
        return self.paths.store_path

    # -- start ----------------------------------------------------------------------------------------
    def start(self) -> QWidget:
        """Show the first screen: the first-run wizard, or the unlock screen."""
        install_language(self.settings.get("language"))
        if store_exists(self.store_path):
            return self.show_unlock()
        return self.show_wizard()

    def show_wizard(self) -> SetupWizard:
        from desktop.services.provisioning import find_preseeded
        from desktop.ui.wizard import SetupWizard

        wizard = SetupWizard(
            self.runner,
            self._create_store,
            language=self.settings.get("language"),
            preseeded=find_preseeded(self.provisioning_paths),
        )
        wizard.language_chosen.connect(self._wizard_language)
        wizard.created.connect(self._store_created)
        wizard.rejected.connect(self._quit_if_nothing_open)
        self.wizard = wizard
        wizard.show()
        return wizard

    def _wizard_language(self, language: str) -> None:
        self.settings.set("language", language)
        install_language(language)

    def _create_store(self, choices: SetupChoices) -> Store:
        """Runs on the database thread."""
        from desktop.services.setup import create_store

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
        self.wizard = None
        self.open_session(store, enrollment_code=choices.enrollment_code)

    def show_unlock(self) -> UnlockDialog:
        users = local_users(self.store_path)
        dialog = UnlockDialog(self.runner, self.store_path, users, last_user=self.settings.get("last_user"))
        dialog.unlocked.connect(self.open_session)
        dialog.rejected.connect(self._quit_if_nothing_open)
        self.unlock_dialog = dialog
        dialog.show()
        dialog.passphrase.setFocus()
        return dialog

    # -- the session ------------------------------------------------------------------------------------
    def open_session(self, store: Store, enrollment_code: str | None = None) -> None:
        from desktop.services.session import Session
        from desktop.ui.context import DataBus, UiContext

        self.unlock_dialog = None
        self.settings.set("last_user", store.user)
        self.session = Session(store)
        self.ui = UiContext(self.session, self.runner, self.settings, DataBus())
        self._build_window()
        self.idle.set_minutes(self.settings.get("auto_lock_minutes"))
        self.idle.start()
        if enrollment_code and self.window is not None and self.window.enroll is not None:
            self.window.enroll(enrollment_code)
        self.unlocked.emit()

    def _build_window(self) -> None:
        from desktop.ui.main_window import MainWindow
        from desktop.ui.pages.settings_page import SettingsPage
        from desktop.ui.qtfix import forget_module_sources
        from desktop.ui.sync_wiring import attach_sync

        forget_module_sources()
        assert self.ui is not None
        settings_page = SettingsPage(self.ui)
        settings_page.language_changed.connect(self.set_language)
        settings_page.auto_lock_changed.connect(self.idle.set_minutes)
        window = MainWindow(self.ui, self.qsettings)
        window.add_page(QCoreApplication.translate("MainWindow", "Settings"), settings_page)
        window.settings_page = settings_page
        window.lock_requested.connect(self.lock)
        (self.configure_session or attach_sync)(self, self.ui, window)
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
        """Close every window, close the store (dropping the key) and ask for the passphrase again."""
        if self.session is None:
            return
        self.idle.stop()
        for widget in QApplication.topLevelWidgets():
            if widget is not self.window and widget.isVisible() and widget.isModal():
                widget.close()
        self._close_window()
        session, self.session, self.ui = self.session, None, None
        self.runner.cancel_all()
        self.runner.run_db(session.close, name="lock")
        self.locked.emit()
        self.show_unlock()

    def _quit_if_nothing_open(self) -> None:
        if self.session is None:
            QTimer.singleShot(0, QApplication.quit)

    def shutdown(self) -> None:
        self.idle.stop()
        for dialog in (self.wizard, self.unlock_dialog):
            if dialog is not None:
                dialog.blockSignals(True)
                dialog.close()
        self.wizard = self.unlock_dialog = None
        self._close_window()
        if self.session is not None:
            session, self.session = self.session, None
            self.runner.run_db(session.close, name="close")
        self.runner.shutdown()
