"""First run: language, county server (provisioning file or address), local user, enrollment code.

With a provisioning file county IT placed on the machine (``desktop.services.provisioning``) that
names the village, the wizard asks only for the local user and passphrase (the enrollment code is
typed later on the Sync page). A pre-seeded file without a
village code shows the server page with the file already chosen; a pre-seeded file that cannot be
used shows the whole wizard with the reason on the server page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.services.setup import passphrase_strength
from desktop.storage import Store
from desktop.ui.official.provisioning_ui import provisioning_error_text
from desktop.ui.shared.errors import describe
from desktop.ui.shared.file_dialogs import choose_provisioning
from desktop.ui.shared.tasks import TaskRunner
from sync.provisioning import (
    VILLAGE_CODE,
    Provisioning,
    ProvisioningError,
    check_server_url,
    load_provisioning,
)

if TYPE_CHECKING:
    from desktop.services.provisioning import Preseeded

MIN_PASSPHRASE = 8


@dataclass
class SetupChoices:
    language: str
    provisioning: Provisioning | None
    server_url: str | None
    village_code: str
    user: str
    passphrase: str
    enrollment_code: str | None


class _Page(QWizardPage):
    """Re-sets its texts when the language changes (the language page switches it live)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError


class LanguagePage(_Page):
    def __init__(
        self, language: str, on_change: Callable[[str], None], on_staff: Callable[[], None] | None = None
    ) -> None:
        super().__init__()
        self.zh = QRadioButton("中文（简体）", self)
        self.zh.setObjectName("language_zh")
        self.en = QRadioButton("English", self)
        self.en.setObjectName("language_en")
        (self.zh if language == "zh_CN" else self.en).setChecked(True)
        self._on_change = on_change
        self.zh.toggled.connect(lambda on: self._chosen(on, "zh_CN"))
        self.en.toggled.connect(lambda on: self._chosen(on, "en"))
        self.staff_note = QLabel(self)
        self.staff_note.setWordWrap(True)
        self.staff = QPushButton(self)
        self.staff.setObjectName("wizard_staff")
        self.staff.setAutoDefault(False)
        if on_staff is not None:
            self.staff.clicked.connect(on_staff)
        layout = QVBoxLayout(self)
        layout.addWidget(self.zh)
        layout.addWidget(self.en)
        layout.addStretch(1)
        layout.addWidget(self.staff_note)
        staff_row = QHBoxLayout()
        staff_row.addWidget(self.staff)
        staff_row.addStretch(1)
        layout.addLayout(staff_row)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Welcome"))
        self.setSubTitle(self.tr("Choose the language of Village Data Desk."))
        self.staff_note.setText(
            self.tr(
                "Township or county staff do not set up a village here: they sign in to the county server."
            )
        )
        self.staff.setText(self.tr("Township staff sign-in"))

    def _chosen(self, on: bool, language: str) -> None:
        if on:  # the button just checked; the other one's toggled(False) is ignored
            self._on_change(language)

    def language(self) -> str:
        return "zh_CN" if self.zh.isChecked() else "en"


class ServerPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.provisioning: Provisioning | None = None
        self._preseed_error: tuple[Any, ProvisioningError] | None = None
        self.use_file = QRadioButton(self)
        self.use_file.setObjectName("server_use_file")
        self.use_url = QRadioButton(self)
        self.use_url.setObjectName("server_use_url")
        self.use_none = QRadioButton(self)
        self.use_none.setObjectName("server_use_none")
        group = QButtonGroup(self)
        for button in (self.use_file, self.use_url, self.use_none):
            group.addButton(button)
        self.use_file.setChecked(True)
        self.file = QLineEdit(self)
        self.file.setObjectName("server_file")
        self.browse = QPushButton(self)
        self.browse.clicked.connect(self._browse)
        self.url = QLineEdit(self)
        self.url.setObjectName("server_url")
        self.url.setPlaceholderText("https://")
        self.village = QLineEdit(self)
        self.village.setObjectName("village_code")
        self.village.setMaxLength(12)
        self.message = QLabel(self)
        self.message.setObjectName("server_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.village_label = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.use_file)
        layout.addLayout(file_row)
        layout.addWidget(self.use_url)
        layout.addWidget(self.url)
        layout.addWidget(self.use_none)
        form = QFormLayout()
        form.addRow(self.village_label, self.village)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.file.textChanged.connect(lambda _t: self.use_file.setChecked(True))
        self.url.textEdited.connect(lambda _t: self.use_url.setChecked(True))
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("County server"))
        self.setSubTitle(
            self.tr("County IT gives each village a provisioning file. You can also set this up later.")
        )
        self.use_file.setText(self.tr("Use the provisioning file from county IT"))
        self.browse.setText(self.tr("Browse…"))
        self.use_url.setText(self.tr("Type the county server address"))
        self.use_none.setText(self.tr("No server yet: work offline and set it up later"))
        self.village_label.setText(self.tr("Village code (12 digits)"))
        if self._preseed_error is not None and self.message.text():
            self._show_preseed_error()

    def _browse(self) -> None:
        path = choose_provisioning(self)
        if path is not None:
            self.file.setText(str(path))

    def _error(self, exc: ProvisioningError) -> str:
        return provisioning_error_text(exc.reason)

    def preseed(self, found: Preseeded) -> None:
        """Start from the file county IT placed on this machine."""
        self.use_file.setChecked(True)
        self.file.setText(str(found.path))
        if found.provisioning is not None:
            self.provisioning = found.provisioning
            self.village.setText(found.provisioning.village_code or "")
        elif found.error is not None:
            self._preseed_error = (found.path, found.error)
            self._show_preseed_error()

    def _show_preseed_error(self) -> None:
        path, error = self._preseed_error or (None, None)
        if error is not None:
            self.message.setText(
                self.tr("The provisioning file placed by county IT ({path}) cannot be used: {reason}").format(
                    path=str(path), reason=self._error(error)
                )
            )

    def validatePage(self) -> bool:
        self.message.clear()
        try:
            self.provisioning = None
            if self.use_file.isChecked():
                self.provisioning = load_provisioning(self.file.text().strip())
                if self.provisioning.village_code and not self.village.text().strip():
                    self.village.setText(self.provisioning.village_code)
            elif self.use_url.isChecked():
                check_server_url(self.url.text())
            if not VILLAGE_CODE.fullmatch(self.village.text().strip()):
                raise ProvisioningError("village_code")
        except ProvisioningError as exc:
            self.message.setText(self._error(exc))
            return False
        return True

    def server_url(self) -> str | None:
        if self.use_url.isChecked():
            return check_server_url(self.url.text())
        if self.provisioning is not None:
            return self.provisioning.server_url
        return None


class UserPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.user = QLineEdit(self)
        self.user.setObjectName("setup_user")
        self.user.setMaxLength(40)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("setup_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("setup_repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        # A thin bar and a word beside it: a full-height bar with text in it looked like a field to type in.
        self.strength = QProgressBar(self)
        self.strength.setObjectName("setup_strength")
        self.strength.setRange(0, 4)
        self.strength.setTextVisible(False)
        self.strength.setFixedHeight(8)
        self.strength.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.strength_text = QLabel(self)
        self.strength_text.setObjectName("setup_strength_text")
        strength_row = QHBoxLayout()
        strength_row.addWidget(self.strength, 1)
        strength_row.addWidget(self.strength_text)
        self.message = QLabel(self)
        self.message.setObjectName("user_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.labels = [QLabel(self) for _ in range(4)]
        self.county = QLabel(self)
        self.county.setObjectName("user_county")
        self.county.setWordWrap(True)
        self.county.hide()
        self._county: tuple[str, str] | None = None
        form = QFormLayout(self)
        form.addRow(self.county)
        for label, widget in zip(self.labels[:3], (self.user, self.passphrase, self.repeat), strict=True):
            form.addRow(label, widget)
        form.addRow(self.labels[3], strength_row)
        form.addRow(self.message)
        self.passphrase.textChanged.connect(self._show_strength)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Your local user"))
        self.setSubTitle(
            self.tr(
                "The passphrase locks the village data on this laptop. Choose at least 8 characters; "
                "a short sentence is easy to remember and hard to guess."
            )
        )
        for label, text in zip(
            self.labels,
            (
                self.tr("User name"),
                self.tr("Passphrase"),
                self.tr("Repeat"),
                self.tr("Strength"),
            ),
            strict=True,
        ):
            label.setText(text)
        self._show_strength(self.passphrase.text())
        if self._county is not None:
            self.county.setText(
                self.tr("Set up by county IT: village {village}, county server {url}.").format(
                    village=self._county[1], url=self._county[0]
                )
            )

    def show_county(self, url: str, village: str) -> None:
        """Say what the pre-seeded provisioning file set up (the person is not asked for it)."""
        self._county = (url, village)
        self.county.show()
        self.retranslate()

    def _show_strength(self, text: str) -> None:
        score = passphrase_strength(text)
        names = (
            self.tr("Very weak"),
            self.tr("Weak"),
            self.tr("Fair"),
            self.tr("Good"),
            self.tr("Strong"),
        )
        colors = ("#b00020", "#b00020", "#c77700", "#4a8f00", "#1b7f2a")
        self.strength.setValue(score)
        self.strength_text.setText(names[score])
        self.strength_text.setStyleSheet(f"color: {colors[score]};")
        self.strength.setStyleSheet(
            "QProgressBar { border: none; border-radius: 4px; background: #e4e4e4; }"
            f"QProgressBar::chunk {{ border-radius: 4px; background: {colors[score]}; }}"
        )

    def validatePage(self) -> bool:
        if not self.user.text().strip():
            self.message.setText(self.tr("Enter a user name."))
            return False
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            self.message.setText(self.tr("The passphrase must have at least 8 characters."))
            return False
        if passphrase_strength(self.passphrase.text()) < 1:
            self.message.setText(self.tr("This passphrase is too easy to guess."))
            return False
        if self.passphrase.text() != self.repeat.text():
            self.message.setText(self.tr("The two passphrases are not the same."))
            return False
        self.message.clear()
        return True


class EnrollPage(_Page):
    def __init__(self) -> None:
        super().__init__()
        self.code = QLineEdit(self)
        self.code.setObjectName("enroll_code")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("finish_message")
        self.message.setWordWrap(True)
        self.label = QLabel(self)
        form = QFormLayout(self)
        form.addRow(self.note)
        form.addRow(self.label, self.code)
        form.addRow(self.message)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Enroll this laptop"))
        self.label.setText(self.tr("Enrollment code"))
        self.note.setText(
            self.tr(
                "If county IT gave you a one-time enrollment code, type it here. You can also leave it "
                "empty and enroll later on the Sync page: you can start entering data right away."
            )
        )


class SetupWizard(QWizard):
    created = Signal(object, object)
    """(the new open Store, SetupChoices)."""
    language_chosen = Signal(str)
    staff_requested = Signal()
    """Township staff want to sign in to the county server instead of setting up a village."""

    def __init__(
        self,
        runner: TaskRunner,
        create: Callable[[SetupChoices], Store],
        *,
        language: str = "zh_CN",
        preseeded: Preseeded | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self._create = create
        self._busy = False
        self.setObjectName("setup_wizard")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.language_page = LanguagePage(language, self.language_chosen.emit, self._staff)
        self.server_page = ServerPage()
        self.user_page = UserPage()
        self.enroll_page = EnrollPage()
        pages: list[QWizardPage] = [self.language_page, self.server_page, self.user_page, self.enroll_page]
        self.preseeded = preseeded
        if preseeded is not None:
            self.server_page.preseed(preseeded)
            if preseeded.provisioning is not None:
                pages.remove(self.language_page)  # county IT set it up; language is in settings
                if preseeded.provisioning.village_code:
                    # Only the user and passphrase are asked; the laptop enrolls on the Sync page.
                    pages.remove(self.server_page)
                    pages.remove(self.enroll_page)
                    self.user_page.show_county(
                        preseeded.provisioning.server_url or "", preseeded.provisioning.village_code
                    )
        for page in pages:
            self.addPage(page)
        self.retranslate()
        self.resize(640, 480)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _staff(self) -> None:
        self.staff_requested.emit()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Village Data Desk — first start"))

    def choices(self) -> SetupChoices:
        code = self.enroll_page.code.text().strip()
        return SetupChoices(
            language=self.language_page.language(),
            provisioning=self.server_page.provisioning,
            server_url=self.server_page.server_url(),
            village_code=self.server_page.village.text().strip(),
            user=self.user_page.user.text().strip(),
            passphrase=self.user_page.passphrase.text(),
            enrollment_code=code or None,
        )

    def _status(self) -> QLabel:
        """Where progress and failure are shown: the page Finish was pressed on."""
        return self.user_page.message if self.currentPage() is self.user_page else self.enroll_page.message

    def accept(self) -> None:
        # QWizard validates the page in done(); Finish on the user page (pre-seeded) must be checked
        # before the store is made.
        if self._busy or not self.validateCurrentPage():
            return
        self._busy = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self._status().setStyleSheet("color: #444444;")
        self._status().setText(self.tr("Making the encrypted data file…"))
        choices = self.choices()
        self.runner.run_db(
            lambda: self._create(choices),
            name="create-store",
            on_done=lambda store: self._created(store, choices),
            on_error=self._failed,
        )

    def _created(self, store: Any, choices: SetupChoices) -> None:
        self._busy = False
        self.user_page.passphrase.clear()
        self.user_page.repeat.clear()
        self.created.emit(store, choices)
        QDialog.done(self, QDialog.DialogCode.Accepted)  # validated above; the fields are cleared now

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self._status().setStyleSheet("color: #b00020;")
        self._status().setText(describe(exc))
