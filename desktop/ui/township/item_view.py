"""One work-list item side by side: base | each village value (user, device, time) | county.

Cells that differ from the base are highlighted. The choice is made by keyboard: digits pick a
column (1 = the first village value … the last = the county), the arrow keys move between columns,
0 opens the typed-value editor (built from the form field, checked by the form rules). A note is
required; Ctrl+Enter decides, Esc goes back to the list. A decision the server refuses because the
field moved since (409) shows the fresh values with a clear message, and asks again.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.editors import FieldDelegate, make_editor
from desktop.ui.shared.forms import RecordBuffer
from desktop.ui.shared.i18n import current_language
from desktop.ui.township.compare import CompareTable, when
from desktop.ui.township.record_history import RecordHistoryPanel
from desktop.ui.township.staff_window import StaffContext, report

__all__ = ["ItemView", "when"]


class ItemView(QWidget):
    decided = Signal(object)
    """The decided item, as the server answered."""
    back = Signal()
    refused = Signal(str)
    """A decision was refused (stale, already decided, invalid, forbidden); the message shown."""

    def __init__(self, staff: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setObjectName("page_item")
        self.item: Any = None
        self.column = -1
        """The chosen column of the table (1 .. len(village values) + 1), or TYPED."""
        self._busy = False
        self.title = QLabel(self)
        self.title.setObjectName("item_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("item_subtitle")
        self.message = QLabel(self)
        self.message.setObjectName("item_message")
        self.message.setWordWrap(True)
        self.compare = CompareTable(self)
        self.compare.installEventFilter(self)
        self.compare.currentCellChanged.connect(lambda _r, c, _pr, _pc: self._choose(c, from_table=True))
        self.help = QLabel(self)
        self.help.setObjectName("item_help")
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #444444;")

        self.typed_label = QLabel(self)
        self.typed_holder = QHBoxLayout()
        self.typed: QWidget | None = None
        self.typed_buffer: RecordBuffer | None = None
        self.typed_delegate: FieldDelegate | None = None
        self.typed_problem = QLabel(self)
        self.typed_problem.setObjectName("item_typed_problem")
        self.typed_problem.setStyleSheet("color: #b00020;")
        self.restore_label = QLabel(self.tr("Restore with the village's value of (Space ticks):"), self)
        self.restore = QListWidget(self)
        self.restore.setObjectName("item_restore_fields")
        self.restore.setMaximumHeight(110)
        self.note = QLineEdit(self)
        self.note.setObjectName("item_note")
        self.note.setPlaceholderText(self.tr("Why? (required, kept in the history)"))
        self.decide_button = QPushButton(self.tr("Decide (Ctrl+Enter)"), self)
        self.decide_button.setObjectName("item_decide")
        self.decide_button.setAutoDefault(False)
        self.decide_button.clicked.connect(self.decide)
        self.back_button = QPushButton(self.tr("Back to the list (Esc)"), self)
        self.back_button.setAutoDefault(False)
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.back)
        self.history = QListWidget(self)
        self.history.setObjectName("item_history")
        self.history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.history.setMaximumHeight(90)

        form = QFormLayout()
        form.addRow(self.typed_label, self.typed_holder)
        form.addRow("", self.typed_problem)
        form.addRow(self.restore_label)
        form.addRow(self.restore)
        form.addRow(self.tr("Note"), self.note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.decide_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.message)
        self.record_history = RecordHistoryPanel(staff, self)
        beside = QHBoxLayout()
        beside.addWidget(self.compare, 4)
        beside.addWidget(self.record_history, 3)
        layout.addLayout(beside)
        layout.addWidget(self.help)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.history_label = QLabel(self.tr("Earlier decisions on this record"), self)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history)
        layout.addStretch(1)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.decide)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back)

    # -- showing an item ------------------------------------------------------------------------------
    @property
    def typed_column(self) -> int:
        """The pseudo-column of the typed value: one past the county."""
        return self.compare.columnCount()

    def show_item(self, item: Any, *, message: str = "", error: bool = False, choose: bool = True) -> None:
        """Show ``item``; the county's column is chosen to start with unless ``choose`` is False (after
        a refusal the person chooses again, on the fresh values)."""
        self.item = item
        self._busy = False
        self.decide_button.setEnabled(item.is_open)
        self.title.setText(f"{item.record_title or item.entity_label}")
        if item.is_open:
            subtitle = self.tr("No. {number} · {village} · {form} · {field} · waiting {age}")
        else:  # decided: it waits no longer
            subtitle = self.tr("No. {number} · {village} · {form} · {field} · decided")
        self.subtitle.setText(
            subtitle.format(
                number=item.number,
                village=item.village_name or item.village_code,
                form=item.entity_label,
                field=item.field_label,
                age=item.age,
            )
        )
        self.compare.fill(item)
        self._make_typed(item)
        self._fill_restore(item)
        if not item.is_open and item.decision is not None:
            d = item.decision
            message = message or self.tr("Decided by {user} on {time}: {value}. Note: {note}").format(
                user=d.decided_by, time=when(d.decided_at), value=d.display, note=d.note
            )
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e9e;")
        self.message.setText(message)
        self.typed_problem.clear()
        self.typed_problem.hide()
        count = len(item.village_values)
        if item.kind == "delete":
            self.help.setText(
                self.tr(
                    "Keys: 1–{n} choose a column (a deleted column keeps the record deleted, a kept one "
                    "restores it with the ticked fields), ← → move, Tab to the note, Ctrl+Enter decides."
                ).format(n=count + 1)
            )
            if self.restore.isVisibleTo(self):
                self.help.setText(
                    self.help.text()
                    + " "
                    + self.tr("From the note, Tab again to the fields to restore (Space ticks).")
                )
        elif self.typed is not None:
            self.help.setText(
                self.tr(
                    "Keys: 1–{n} choose a column ({n} = county), ← → move, 0 types a new value, "
                    "Tab to the note, Ctrl+Enter decides."
                ).format(n=count + 1)
            )
        else:
            self.help.setText(
                self.tr(
                    "Keys: 1–{n} choose a column ({n} = county), ← → move, Tab to the note, "
                    "Ctrl+Enter decides."
                ).format(n=count + 1)
            )
        self.column = -1
        if choose and item.is_open:
            self._choose(count + 1)
        else:
            self.typed_label.setStyleSheet("")
        self.compare.setFocus()
        self._load_history(item)
        self.record_history.show_record(
            item.entity, item.record_id, None if item.kind == "delete" else item.field
        )

    def _make_typed(self, item: Any) -> None:
        if self.typed is not None:
            self.typed_holder.removeWidget(self.typed)
            self.typed.deleteLater()
            self.typed = None
        forms = self.staff.desk.forms
        field_def = None
        if item.kind != "delete" and item.entity in forms:
            try:
                field_def = forms[item.entity].field(item.field)
            except KeyError:
                field_def = None
        self.typed_label.setVisible(field_def is not None)
        self.typed_problem.hide()
        if field_def is None:
            self.typed_label.setText("")
            return
        self.typed_label.setText(self.tr("{n} · type a new value").format(n=0))
        editor = make_editor(field_def, current_language(), self)
        editor.setObjectName("item_typed")
        self.typed_buffer = RecordBuffer([field_def.name], self)
        self.typed_delegate = FieldDelegate([field_def], self)
        self.typed_buffer.load({field_def.name: item.county.value})
        self.typed_delegate.setEditorData(editor, self.typed_buffer.index(0, 0))
        # A typed value is only ever entered after choosing it: 0 on the table, or a click on the
        # editor. Tab never lands here (it goes from the table to the note), so a note typed after
        # Tab cannot become the value, and a combo cannot swallow it.
        editor.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        editor.installEventFilter(self)
        if isinstance(editor, QLineEdit):
            editor.textEdited.connect(lambda _t: self._choose(self.typed_column))
        elif isinstance(editor, QComboBox):
            editor.activated.connect(lambda _i: self._choose(self.typed_column))
        self.typed_holder.addWidget(editor, 1)
        self.typed = editor

    def _fill_restore(self, item: Any) -> None:
        self.restore.clear()
        edited = [e for e in item.edited_fields if e.village is not None]
        show = item.kind == "delete" and bool(edited)
        self.restore.setVisible(show)
        self.restore_label.setVisible(show)
        for e in edited:
            entry = QListWidgetItem(
                self.tr("{field}: {village} (county: {county})").format(
                    field=e.label, village=e.village.display, county=e.county.display
                )
            )
            entry.setData(Qt.ItemDataRole.UserRole, e.field)
            entry.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            entry.setCheckState(Qt.CheckState.Checked)
            self.restore.addItem(entry)
        if show:
            self.restore.setCurrentRow(0)
        # Tab from the table goes to the note, always (the hint says so); the typed editor (not in
        # the Tab chain) returns to the note too; the fields to restore come after the note.
        chain = [self.compare] + ([self.typed] if self.typed is not None else [])
        chain += [self.note, self.restore, self.decide_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _load_history(self, item: Any) -> None:
        self.history.clear()
        desk, record_id = self.staff.desk, item.record_id
        item_id = item.id
        self.staff.runner.run_network(
            lambda: (item_id, desk.history(record_id)),
            name="item-history",
            key=f"item-history-{id(self)}",
            on_done=self._show_history,
            on_error=self._history_failed,
        )

    def _history_failed(self, _exc: BaseException) -> None:
        """The history is context; the decision does not need it."""
        self.history.clear()

    def _show_history(self, answer: tuple[str, list[Any]]) -> None:
        item_id, entries = answer
        if self.item is None or self.item.id != item_id:
            return
        self.history.clear()
        for e in entries:
            self.history.addItem(
                self.tr("{time} {user}: {field} → {value} ({note})").format(
                    time=when(e.decided_at),
                    user=e.decided_by,
                    field=e.field_label,
                    value=e.display,
                    note=e.note,
                )
            )
        if not entries:
            self.history.addItem(self.tr("No earlier decisions."))

    # -- choosing -------------------------------------------------------------------------------------
    def _choose(self, column: int, *, from_table: bool = False) -> None:
        if self.item is None or not self.item.is_open:
            self.column = -1
            return
        if column == self.typed_column and self.typed is None:
            return
        if column != self.typed_column and not 1 <= column <= self.compare.columnCount() - 1:
            return
        self.column = column
        self.compare.highlight(column, move=not from_table)
        self.typed_label.setStyleSheet("font-weight: bold;" if column == self.typed_column else "")

    def chosen_text(self) -> str:
        """The choice in words (tests and the screen reader read it)."""
        if self.column < 0 or self.item is None:
            return ""
        if self.column == self.typed_column:
            return self.tr("typed value")
        header = self.compare.horizontalHeaderItem(self.column)
        return header.text().split("\n")[0] if header is not None else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.typed and event.type() == QEvent.Type.MouseButtonPress and self.item is not None:
            self._choose(self.typed_column)  # a click on the editor chooses the typed value
        if watched is self.compare and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            text = event.text()
            if text.isdigit() and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                number = int(text)
                if number == 0 and self.typed is not None:
                    self._choose(self.typed_column)
                    self.typed.setFocus()
                else:
                    self._choose(number)
                return True
            if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                step = -1 if event.key() == Qt.Key.Key_Left else 1
                current = self.column if self.column > 0 else self.compare.columnCount() - 1
                self._choose(min(max(1, current + step), self.compare.columnCount() - 1))
                return True
        return super().eventFilter(watched, event)

    # -- deciding -------------------------------------------------------------------------------------
    def decision(self) -> tuple[str, dict[str, Any]] | str:
        """(choice, keyword arguments for ``desk.decide``), or a message saying what is missing."""
        item = self.item
        if item is None or not item.is_open:
            return self.tr("This item is already decided.")
        if self.column < 0:
            return self.tr("Choose a column first (1–{n}).").format(n=len(item.village_values) + 1)
        county_column = self.compare.columnCount() - 1
        if item.kind == "delete":
            if self.column == county_column:
                deleted = bool(item.county.value)
                values: list[Any] = []
            else:
                chosen = item.village_values[self.column - 1]
                deleted = bool(chosen.value)
                values = [chosen]
            if deleted:
                return "stay_deleted", {}
            ticked = [
                self.restore.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.restore.count())
                if self.restore.item(i).checkState() == Qt.CheckState.Checked
            ]
            return "restore", {"fields": ticked if values else []}
        if self.column == county_column:
            return "county", {}
        if self.column == self.typed_column:
            value = self.typed_value()
            if isinstance(value, str) and value.startswith("\0"):
                return value[1:]
            return "typed", {"value": value}
        return "village", {"conflict_id": item.village_values[self.column - 1].conflict_id}

    def typed_value(self) -> Any:
        """The typed value in the form's terms; a message prefixed with NUL when the rules refuse it."""
        assert self.typed is not None and self.typed_buffer is not None and self.typed_delegate is not None
        item = self.item
        index = self.typed_buffer.index(0, 0)
        self.typed_delegate.setModelData(self.typed, self.typed_buffer, index)
        forms = self.staff.desk.forms
        value = forms.normalize(item.entity, {item.field: self.typed_buffer.value(item.field)}).get(
            item.field
        )
        problems = forms.validate_field(item.entity, item.field, value)
        if value is None and forms[item.entity].field(item.field).required:
            return "\0" + self.tr("Type a value, or choose a column.")
        if problems:
            lang = current_language()
            text = "; ".join(p.zh if lang.startswith("zh") else p.en for p in problems)
            self.typed_problem.setText(text)
            self.typed_problem.show()
            return "\0" + text
        self.typed_problem.clear()
        self.typed_problem.hide()
        return value

    def decide(self) -> None:
        if self._busy or self.item is None:
            return
        what = self.decision()
        if isinstance(what, str):
            self._say(what, error=True)
            return
        note = self.note.text().strip()
        if not note:
            self._say(self.tr("A note is required: say why (it is kept in the history)."), error=True)
            self.note.setFocus()
            return
        choice, kwargs = what
        desk, item = self.staff.desk, self.item
        self._busy = True
        self.decide_button.setEnabled(False)
        self._say(self.tr("Sending the decision…"), error=False)
        self.staff.runner.run_network(
            lambda: desk.decide(item, choice, note=note, **kwargs),
            name="decide",
            on_done=self._decided,
            on_error=self._refused,
        )

    def _decided(self, item: Any) -> None:
        self._busy = False
        self.note.clear()
        self.item = item
        self.staff.bus.decided.emit(item.id)
        self.decided.emit(item)

    def _refused(self, exc: BaseException) -> None:
        from desktop.services.township.model import AlreadyDecided, StaleDecision

        self._busy = False
        self.decide_button.setEnabled(True)
        text = report(self.staff, exc)
        if isinstance(exc, StaleDecision):
            text = self.tr(
                "Not saved: the values changed since you opened this item. The current values are shown "
                "now; look again and decide."
            )
            self.show_item(exc.item, message=text, error=True, choose=False)
        elif isinstance(exc, AlreadyDecided) and exc.item is not None:
            self.show_item(exc.item, message=text, error=True)
            self.staff.bus.decided.emit(exc.item.id)
        else:
            self._say(text, error=True)
        self.refused.emit(text)

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #444444;")
        self.message.setText(text)

    def focus_search(self) -> None:
        self.compare.setFocus()
