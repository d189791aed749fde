"""The dialog that creates or edits one record: Enter saves, Esc cancels."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from desktop.services.session import Session
from desktop.storage import ValidationFailed
from desktop.ui.shared.errors import plain_buttons, show_error
from desktop.ui.shared.forms import RecordForm
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.operations import load_options, load_record, save_record
from desktop.ui.shared.tasks import TaskRunner


class RecordDialog(QDialog):
    ready = Signal()
    """The record (or the starting values of a new one) is in the form."""
    saved = Signal(str)
    save_failed = Signal()

    def __init__(
        self,
        session: Session,
        runner: TaskRunner,
        entity: str,
        record_id: str | None = None,
        *,
        context: dict[str, Any] | None = None,
        review: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.entity = entity
        self.record_id = record_id
        self.context = dict(context or {})
        self._saving = False
        self._loaded = False
        self._original: dict[str, Any] = {}
        self.confirm: QMessageBox | None = None
        """The "discard changes?" question while it is open."""
        self.pin = session.pin()
        """The county forms version this dialog was opened with: it shows, checks and saves the
        record with it until saved or cancelled (a version a sync takes meanwhile is for the
        dialogs opened after)."""
        lang = current_language()
        label = self.pin.forms[entity].label(lang)
        title = self.tr("Edit {form}") if record_id else self.tr("New {form}")
        self.setWindowTitle(title.format(form=label))
        self.setObjectName(f"dialog_{entity}")
        self.form = RecordForm(self.pin.forms, entity, lang, hidden=self.context.keys(), parent=self)
        self.review = review
        self.under_review = QLabel(self)
        self.under_review.setObjectName("under_review")
        self.under_review.setWordWrap(True)
        self.under_review.setStyleSheet("color: #a15c00;")
        self.under_review.hide()
        self.forms_note = QLabel(self)
        self.forms_note.setObjectName("forms_moved_on")
        self.forms_note.setWordWrap(True)
        self.forms_note.setStyleSheet("color: #a15c00;")
        self.forms_note.hide()
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.history_button = self.buttons.addButton(
            self.tr("History…"), QDialogButtonBox.ButtonRole.HelpRole
        )
        self.history_button.setObjectName("record_history_button")
        self.history_button.setAutoDefault(False)
        self.history_button.setVisible(bool(record_id))
        self.history_button.clicked.connect(lambda: self.show_history())
        self.save_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.save_button.setToolTip(self.tr("Enter"))
        self.cancel_button.setToolTip(self.tr("Esc"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.under_review)
        layout.addWidget(self.forms_note)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.save_button.setEnabled(False)
        self.form.problems_shown.connect(self._fit)
        if len(self.form.problem_labels) > 7:
            self.resize(760, self.sizeHint().height())
        else:
            self.resize(460, self.sizeHint().height())
        self._load()

    def forms_moved_on(self) -> None:
        """A sync took a newer county form version while this dialog is open: it keeps its own (the
        record is checked and saved with it), and says so, since the lists already show the new one."""
        if self.session.forms_version == self.pin.version:
            return
        self.forms_note.setText(
            self.tr(
                "The county's forms were updated while this record was open. It is saved with the "
                "form it was opened with; open it again to fill in new fields."
            )
        )
        self.forms_note.show()
        self._fit()

    def show_history(self, field: str | None = None) -> QDialog:
        """The history of ``field`` (default: the field being edited), in its own window."""
        from desktop.ui.shared.field_history import FieldHistoryDialog

        if field is None:
            focused = self.focusWidget()
            field = next(
                (
                    n
                    for n, w in self.form.editors.items()
                    if focused is not None and (w is focused or w.isAncestorOf(focused))
                ),
                None,
            )
        assert self.record_id is not None
        dialog = FieldHistoryDialog(self.session, self.runner, self.entity, self.record_id, field, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _fit(self) -> None:
        """Grow (never shrink) so inline messages are not squeezed over the next row."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        needed = self.sizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    # -- loading ----------------------------------------------------------------------------------
    def _load(self) -> None:
        if self.record_id:
            load_record(self, self.session, self.entity, self.record_id).success(
                self._show
            ).run_in_background(self.runner)
        else:
            entity, context = self.entity, self.context
            session, pin = self.session, self.pin
            self.runner.run_db(
                lambda: session.new_record(entity, pin, **context),
                name="new-record",
                on_done=self._show,
                on_error=lambda exc: show_error(self, exc),
            )

    def _show(self, record: dict[str, Any] | None) -> None:
        if record is None:
            show_error(self, KeyError(self.entity))
            self.reject()
            return
        self.form.set_record({**record, **self.context})
        self._original = self.form.values()
        self._loaded = True
        self.save_button.setEnabled(True)
        first = self.form.first_editor()
        if first is not None:
            first.setFocus()
        self._load_references()
        self._load_review()
        self.ready.emit()

    def _load_review(self) -> None:
        review, entity, record_id = self.review, self.entity, self.record_id
        if review is None or not record_id:
            return
        self.runner.run_db(
            lambda: review.fields_under_review(entity, record_id),
            name="fields-under-review",
            on_done=self._show_review,
        )

    def _show_review(self, fields: dict[str, Any]) -> None:
        if not fields:
            return
        lines = [self.tr("Waiting on the township's decision (the county's value applies until then):")]
        for row in fields.values():
            lines.append(
                self.tr("{field}: yours {mine}, county {county}").format(
                    field=row.field_label, mine=row.my_display, county=row.county_display
                )
            )
            editor = self.form.editors.get(row.field)
            if editor is not None:
                editor.setToolTip(lines[-1])
                editor.setStyleSheet("background: #fff3c4;")
        self.under_review.setText("\n".join(lines))
        self.under_review.show()
        self._fit()

    def _load_references(self) -> None:
        form = self.pin.forms[self.entity]
        for f in form.fields:
            if f.type != "ref" or f.name in self.context:
                continue
            where: dict[str, Any] = {}
            if f.ref == "person":
                household = self.form.buffer.value("household_id") or self.context.get("household_id")
                if not household:
                    continue
                where["household_id"] = household
            load_options(self, self.session, f.ref or "", **where).success(
                partial(self.form.set_ref_options, f.name)
            ).run_in_background(self.runner)
        if self.entity == "service" and "household_id" not in self.context:
            combo = self.form.editors["household_id"]
            if isinstance(combo, QComboBox) and not getattr(self, "_wired", False):
                self._wired = True
                self.form.field_committed.connect(self._field_committed)

    def _field_committed(self, name: str) -> None:
        if name == "household_id":  # the person choices follow the household
            self._load_references()

    # -- cancelling -------------------------------------------------------------------------------
    def has_changes(self) -> bool:
        """Whether the editors hold anything other than what was loaded."""
        return self._loaded and self.form.values() != self._original

    def reject(self) -> None:
        """Esc or Cancel: close, asking first when something was changed."""
        if self._saving or self.confirm is not None:
            return
        if not self.has_changes():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            self.tr("Discard the changes to this record?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirm_discard")
        box.button(QMessageBox.StandardButton.Discard).setText(self.tr("Discard changes"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Keep editing"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        plain_buttons(box)
        self.confirm = box
        box.finished.connect(self._discard_answered)
        box.open()

    def _discard_answered(self, result: int) -> None:
        box, self.confirm = self.confirm, None
        if box is not None:
            box.deleteLater()
        if result == QMessageBox.StandardButton.Discard:
            super().reject()

    # -- saving -----------------------------------------------------------------------------------
    def accept(self) -> None:
        if self._saving or not self._loaded:
            return
        if self.form.check(self.record_id):
            self.save_failed.emit()
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.form.problems_shown.connect(self._fit)
        values = self.form.values()
        save_record(self, self.session, self.entity, self.record_id, values, self.pin).success(
            self._saved
        ).failure(self._failed).run_in_background(self.runner)

    def _saved(self, record_id: str) -> None:
        self._saving = False
        self.record_id = record_id
        self.saved.emit(record_id)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.form.show_problems(exc.problems)
        else:
            show_error(self, exc)
        self.save_failed.emit()
