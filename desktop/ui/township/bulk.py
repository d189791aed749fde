"""One decision for several selected work-list items (Ctrl+B on the list).

One choice and one note; each item is still decided on its own (``desktop.services.township.bulk``):
its stale guard, its history entry. Items the server refuses are listed after, with the reason, and
stay open in the list. A typed value is offered only when every item is of the same field, and is
entered only after choosing "type a new value".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.township.bulk import BulkOutcome, choices_for, decide_many
from desktop.ui.shared.editors import FieldDelegate, make_editor
from desktop.ui.shared.errors import describe
from desktop.ui.shared.forms import RecordBuffer
from desktop.ui.shared.i18n import current_language
from desktop.ui.township.staff_window import StaffContext, report


class BulkDialog(QDialog):
    done_deciding = Signal(object)
    """The ``BulkOutcome`` of a run."""

    def __init__(self, staff: StaffContext, items: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.items = list(items)
        self.outcome: BulkOutcome | None = None
        self._busy = False
        self.setObjectName("bulk_dialog")
        self.setWindowTitle(self.tr("Decide {n} items together").format(n=len(self.items)))
        fields = sorted({f"{i.entity_label} · {i.field_label}" for i in self.items})
        self.summary = QLabel(
            self.tr("{n} items: {fields}. Each is decided on its own and kept in the history.").format(
                n=len(self.items), fields=self.tr(", ").join(fields)
            ),
            self,
        )
        self.summary.setWordWrap(True)
        self.choice = QComboBox(self)
        self.choice.setObjectName("bulk_choice")
        names = {
            "county": self.tr("Keep the county value"),
            "village_newest": self.tr("Take the newest village value"),
            "typed": self.tr("Type one new value for all"),
            "stay_deleted": self.tr("Keep the records deleted"),
            "restore": self.tr("Restore the records with the village's edits"),
        }
        for choice in choices_for(self.items):
            self.choice.addItem(names[choice], choice)
        self.typed: QWidget | None = None
        self.typed_label = QLabel(self.tr("New value"), self)
        self.note = QLineEdit(self)
        self.note.setObjectName("bulk_note")
        self.note.setPlaceholderText(self.tr("Why? (required, kept in the history of each item)"))
        self.help = QLabel(
            self.tr("Keys: ↑ ↓ choose, Tab to the note, Ctrl+Enter decides all, Esc closes."), self
        )
        self.help.setObjectName("bulk_help")
        self.help.setStyleSheet("color: #444444;")
        self.message = QLabel(self)
        self.message.setObjectName("bulk_message")
        self.message.setWordWrap(True)
        self.refused = QListWidget(self)
        self.refused.setObjectName("bulk_refused")
        self.refused.hide()
        self.decide_button = QPushButton(self.tr("Decide all (Ctrl+Enter)"), self)
        self.decide_button.setObjectName("bulk_decide")
        self.decide_button.setAutoDefault(False)
        self.decide_button.clicked.connect(self.decide)
        self.close_button = QPushButton(self.tr("Close (Esc)"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Decision"), self.choice)
        self._make_typed()
        form.addRow(self.typed_label, self.typed if self.typed is not None else QWidget(self))
        form.addRow(self.tr("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.help)
        layout.addWidget(self.message)
        layout.addWidget(self.refused, 1)
        layout.addWidget(self.decide_button)
        layout.addWidget(self.close_button)
        self.choice.currentIndexChanged.connect(lambda _i: self._show_typed())
        self._show_typed()
        if self.typed is None:
            QWidget.setTabOrder(self.choice, self.note)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.decide)
        self.resize(620, 420)
        self.choice.setFocus()

    def _make_typed(self) -> None:
        if "typed" not in choices_for(self.items):
            return
        first = self.items[0]
        forms = self.staff.desk.forms
        field_def = forms[first.entity].field(first.field)
        self.typed = make_editor(field_def, current_language(), self)
        self.typed.setObjectName("bulk_typed")
        # Reached by Tab only while "type a new value" is the choice (it is hidden otherwise).
        self._buffer = RecordBuffer([field_def.name], self)
        self._delegate = FieldDelegate([field_def], self)
        QWidget.setTabOrder(self.choice, self.typed)
        QWidget.setTabOrder(self.typed, self.note)

    def _show_typed(self) -> None:
        typed = self.choice.currentData() == "typed"
        self.typed_label.setVisible(typed)
        if self.typed is not None:
            self.typed.setVisible(typed)
        if typed:
            self.help.setText(
                self.tr(
                    "Keys: ↑ ↓ choose, Tab to the new value, Tab again to the note, Ctrl+Enter decides "
                    "all, Esc closes."
                )
            )
        else:
            self.help.setText(
                self.tr("Keys: ↑ ↓ choose, Tab to the note, Ctrl+Enter decides all, Esc closes.")
            )

    def _typed_value(self) -> Any:
        """The typed value in the form's terms, or a message prefixed with NUL."""
        assert self.typed is not None
        first = self.items[0]
        forms = self.staff.desk.forms
        index = self._buffer.index(0, 0)
        self._delegate.setModelData(self.typed, self._buffer, index)
        value = forms.normalize(first.entity, {first.field: self._buffer.value(first.field)}).get(first.field)
        problems = forms.validate_field(first.entity, first.field, value)
        if value is None:
            return "\0" + self.tr("Type the new value first.")
        if problems:
            lang = current_language()
            return "\0" + "; ".join(p.zh if lang.startswith("zh") else p.en for p in problems)
        return value

    def decide(self) -> None:
        if self._busy or self.outcome is not None:
            return
        choice = self.choice.currentData()
        if choice is None:
            self._say(self.tr("These items cannot be decided together: choose items of one field."), True)
            return
        value = None
        if choice == "typed":
            value = self._typed_value()
            if isinstance(value, str) and value.startswith("\0"):
                self._say(value[1:], True)
                return
        note = self.note.text().strip()
        if not note:
            self._say(self.tr("A note is required: say why (it is kept in the history)."), True)
            self.note.setFocus()
            return
        self._busy = True
        self.decide_button.setEnabled(False)
        self._say(self.tr("Deciding {n} items…").format(n=len(self.items)), False)
        desk, items = self.staff.desk, self.items
        self.staff.runner.run_network(
            lambda: decide_many(desk, items, choice, note=note, value=value),
            name="bulk-decide",
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, outcome: BulkOutcome) -> None:
        self._busy = False
        self.outcome = outcome
        text = self.tr("Decided {n}; refused {m}.").format(n=len(outcome.decided), m=len(outcome.refused))
        if outcome.stopped_by is not None:
            text += " " + self.tr("Stopped: {why} {k} items were not sent.").format(
                why=report(self.staff, outcome.stopped_by), k=len(outcome.not_sent)
            )
        self._say(text, bool(outcome.refused or outcome.not_sent))
        for item, exc in outcome.refused:
            self.refused.addItem(
                self.tr("No. {number} {record}: {why}").format(
                    number=item.number, record=item.record_title or item.entity_label, why=describe(exc)
                )
            )
        self.refused.setVisible(self.refused.count() > 0)
        for item in outcome.decided:
            self.staff.bus.decided.emit(item.id)
        self.close_button.setFocus()
        self.done_deciding.emit(outcome)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.decide_button.setEnabled(True)
        self._say(report(self.staff, exc), True)

    def _say(self, text: str, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b7f2a;")
        self.message.setText(text)

    def keyPressEvent(self, event: Any) -> None:
        # Enter alone never decides (it would in a plain QDialog): Ctrl+Enter does, as the hint says.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            return
        super().keyPressEvent(event)
