"""Editor widgets for form fields, and the delegate that moves values between them and the record.

Values in the record are the schema's: text/choice/ref/date as ``str``, int and money as ``int``
(money in fen; the editor shows and takes yuan with two decimals), an empty optional field as
``None``. What cannot be read (``12.345`` yuan, ``1953-02-30``) stays in the record as the text typed,
so the form shows a message for it and the record cannot be saved (``sync.parse``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QIntValidator, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QWidget,
)

from sync.form_defs import FieldDef
from sync.money import format_yuan
from sync.parse import parse_date, parse_yuan

_ISO = "yyyy-MM-dd"


class DateEditor(QLineEdit):
    """A date typed as text: ``19530219``, ``1953-02-19`` or ``1953/2/19`` (shown as 1953-02-19).

    One plain text field, so Tab leaves it (a ``QDateEdit`` walks its year, month and day sections
    and keeps a half-typed date). Alt+Down or the calendar button picks the date from a calendar.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaxLength(16)
        self.setPlaceholderText("1953-02-19")
        self.calendar: QCalendarWidget | None = None
        pick = self.addAction(_calendar_icon(), QLineEdit.ActionPosition.TrailingPosition)
        pick.setObjectName("pick_date")
        pick.setToolTip(self.tr("Pick from a calendar (Alt+Down)"))
        pick.triggered.connect(self.show_calendar)
        self.editingFinished.connect(self._tidy)

    def iso(self) -> str | None:
        """The ISO date typed, None when empty, or the text as typed when it is not a date."""
        return parse_date(self.text())

    def set_iso(self, value: str | None) -> None:
        text = value or ""
        if self.text() != text:
            self.setText(text)

    def _tidy(self) -> None:
        """Show what was read: ``19530219`` becomes ``1953-02-19`` when the field is left."""
        value = self.iso()
        if value is not None and value != self.text() and QDate.fromString(value, _ISO).isValid():
            self.setText(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.show_calendar()
            return
        super().keyPressEvent(event)

    def show_calendar(self) -> None:
        calendar = QCalendarWidget(self)
        calendar.setObjectName("date_calendar")
        calendar.setWindowFlags(Qt.WindowType.Popup)
        day = QDate.fromString(self.iso() or "", _ISO)
        if day.isValid():
            calendar.setSelectedDate(day)
        calendar.activated.connect(self._picked)
        calendar.clicked.connect(self._picked)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.setText(day.toString(_ISO))
        if self.calendar is not None:
            self.calendar.close()
            self.calendar.deleteLater()
            self.calendar = None
        self.setFocus()
        self.editingFinished.emit()


def _calendar_icon() -> QIcon:
    """A small calendar sheet, drawn (no image file to ship)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    color = QColor("#555555")
    painter.setPen(color)
    painter.drawRect(1, 2, 13, 12)
    painter.fillRect(2, 3, 12, 3, color)
    for x in (4, 7, 10):
        for y in (8, 11):
            painter.fillRect(x, y, 2, 2, color)
    painter.end()
    return QIcon(pixmap)


def make_editor(f: FieldDef, lang: str, parent: QWidget | None = None) -> QWidget:
    """The editor widget for a field; choices get their labels in ``lang``."""
    if f.type in ("choice", "ref"):
        combo = QComboBox(parent)
        if f.type == "choice":
            combo.addItem("", None)
            for choice in f.choices:
                combo.addItem(choice.label(lang), choice.value)
        else:
            combo.addItem("", None)
        return combo
    if f.type == "date":
        return DateEditor(parent)
    line = QLineEdit(parent)
    if f.type == "int":
        low = f.min if isinstance(f.min, int) else -(2**31)
        high = f.max if isinstance(f.max, int) else 2**31 - 1
        line.setValidator(QIntValidator(low, high, line))
        line.setMaxLength(12)
    elif f.type == "money":
        # No key filter: what cannot be read as yuan gets a message when the field is left.
        line.setMaxLength(20)
        line.setAlignment(Qt.AlignmentFlag.AlignRight)
    elif f.type == "resident_id":
        line.setMaxLength(22)
    elif f.type == "phone":
        line.setMaxLength(16)
    elif f.max_length:
        line.setMaxLength(f.max_length)
    return line


def set_ref_options(combo: QComboBox, options: list[tuple[str, str]], keep: str | None) -> None:
    """Fill a reference combo with (id, label) pairs, keeping ``keep`` selected when present."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("", None)
    for value, label in options:
        combo.addItem(label, value)
    i = combo.findData(keep) if keep else 0
    combo.setCurrentIndex(max(i, 0))
    combo.blockSignals(False)


class FieldDelegate(QStyledItemDelegate):
    """Moves values between the record buffer and the editors, by field type."""

    def __init__(self, fields: list[FieldDef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = fields

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # The mapper makes this delegate every editor's event filter, and an item delegate takes
        # Escape to close a table cell's editor: in a form that swallowed the key, so Escape never
        # reached the dialog. Let it through.
        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            return False
        return super().eventFilter(editor, event)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        f = self._fields[index.column()]
        value = index.data()
        if isinstance(editor, QComboBox):
            i = editor.findData(value)
            if i < 0 and value is not None and f.type == "ref":
                # A reference whose label has not arrived yet: keep the id selectable.
                editor.addItem("…", value)
                i = editor.count() - 1
            editor.setCurrentIndex(max(i, 0))
        elif isinstance(editor, DateEditor):
            editor.set_iso(value)
        elif isinstance(editor, QLineEdit):
            text = format_yuan(value) if f.type == "money" else ("" if value is None else str(value))
            if editor.text() != text:
                editor.setText(text)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        f = self._fields[index.column()]
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, DateEditor):
            value = editor.iso()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
            if f.type == "money":
                value = parse_yuan(text)
            elif f.type == "int":
                value = int(text) if text.strip().lstrip("-").isdigit() else (text.strip() or None)
            else:
                value = text
        else:
            return
        if index.data() != value:
            model.setData(index, value)
