"""Settings: language, auto-lock, automatic sync, the local passphrase, backup, the provisioning file."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.settings import REGISTRY
from desktop.storage import WeakPassphrase, WrongPassphrase
from desktop.ui.official.backup_ui import BackupBox
from desktop.ui.official.provisioning_ui import ProvisioningBox
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.errors import describe


class SettingsPage(QWidget):
    language_changed = Signal(str)
    auto_lock_changed = Signal(int)
    auto_sync_changed = Signal(bool)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("page_settings")
        settings = ui.settings

        general = QGroupBox(self.tr("General"), self)
        form = QFormLayout(general)
        self.language = QComboBox(general)
        self.language.setObjectName("setting_language")
        self.language.addItem("中文（简体）", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.get("language"))))
        self.language.activated.connect(self._language)
        self.auto_lock = QSpinBox(general)
        self.auto_lock.setObjectName("setting_auto_lock")
        spec = REGISTRY["auto_lock_minutes"]
        self.auto_lock.setRange(spec.minimum or 0, spec.maximum or 240)
        self.auto_lock.setValue(settings.get("auto_lock_minutes"))
        self.auto_lock.setSuffix(self.tr(" min"))
        self.auto_lock.setSpecialValueText(self.tr("never"))
        self.auto_lock.valueChanged.connect(self._auto_lock)
        self.auto_sync = QCheckBox(self.tr("Sync automatically when the county server is reachable"), general)
        self.auto_sync.setObjectName("setting_auto_sync")
        self.auto_sync.setChecked(settings.get("auto_sync"))
        self.auto_sync.toggled.connect(self._auto_sync)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Lock after no use for"), self.auto_lock)
        form.addRow(self.auto_sync)

        security = QGroupBox(self.tr("Passphrase of {user}").format(user=ui.session.user), self)
        sec = QFormLayout(security)
        self.old = QLineEdit(security)
        self.new = QLineEdit(security)
        self.repeat = QLineEdit(security)
        for edit in (self.old, self.new, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.change = QPushButton(self.tr("Change passphrase"), security)
        self.change.setAutoDefault(False)
        self.change.clicked.connect(self._change_passphrase)
        self.passphrase_message = QLabel(security)
        self.passphrase_message.setWordWrap(True)
        sec.addRow(self.tr("Current passphrase"), self.old)
        sec.addRow(self.tr("New passphrase"), self.new)
        sec.addRow(self.tr("Repeat"), self.repeat)
        sec.addRow(self.change)
        sec.addRow(self.passphrase_message)

        about = QLabel(
            self.tr("Village {code}. Data file: {path} (with its keys in {keys} beside it)").format(
                code=ui.session.village_code,
                path=str(ui.session.store.path),
                keys=ui.session.store.path.name + ".keys",
            ),
            self,
        )
        about.setWordWrap(True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(general)
        self.layout_.addWidget(security)
        self.backup = BackupBox(ui, self)
        self.layout_.addWidget(self.backup)
        self.provisioning = ProvisioningBox(ui, self)
        self.layout_.addWidget(self.provisioning)
        self.layout_.addWidget(about)
        self.layout_.addStretch(1)

    def add_section(self, widget: QWidget) -> None:
        """Other parts (the sync service) add their own group here."""
        self.layout_.insertWidget(self.layout_.count() - 2, widget)

    def _language(self, _index: int) -> None:
        language = self.language.currentData()
        if language != self.ui.settings.get("language"):
            self.ui.settings.set("language", language)
            self.language_changed.emit(language)

    def _auto_lock(self, minutes: int) -> None:
        self.ui.settings.set("auto_lock_minutes", minutes)
        self.auto_lock_changed.emit(minutes)

    def _auto_sync(self, on: bool) -> None:
        self.ui.settings.set("auto_sync", on)
        self.auto_sync_changed.emit(on)

    def _change_passphrase(self) -> None:
        old, new = self.old.text(), self.new.text()
        if new != self.repeat.text():
            self._say(self.tr("The two new passphrases are not the same."), error=True)
            return
        store = self.ui.session.store
        user = self.ui.session.user
        self.change.setEnabled(False)
        self.ui.runner.run_db(
            lambda: store.change_passphrase(user, old, new),
            name="change-passphrase",
            on_done=lambda _r: self._changed(),
            on_error=self._change_failed,
        )

    def _changed(self) -> None:
        self.change.setEnabled(True)
        for edit in (self.old, self.new, self.repeat):
            edit.clear()
        self._say(self.tr("The passphrase was changed."), error=False)

    def _change_failed(self, exc: BaseException) -> None:
        self.change.setEnabled(True)
        if isinstance(exc, WrongPassphrase):
            self._say(self.tr("The current passphrase is wrong."), error=True)
        elif isinstance(exc, WeakPassphrase):
            self._say(self.tr("The passphrase must have at least 8 characters."), error=True)
        else:
            self._say(describe(exc), error=True)

    def _say(self, text: str, *, error: bool) -> None:
        self.passphrase_message.setStyleSheet("color: #b00020;" if error else "color: #1b7f2a;")
        self.passphrase_message.setText(text)
