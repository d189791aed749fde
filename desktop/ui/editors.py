"""Editor widgets for form fields, and the delegate that moves values between them and the record.

Values in the record are the schema's: text/choice/ref/date as ``str``, int and money as ``int``
(money in fen; the editor shows yuan with two decimals), an empty optional field as ``None``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, QRegularExpression
from PySide6.QtGui import QIntValidator, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLineEdit,
    QStyledItemDelegate,
    QWidget,
)

from sync.schema import FieldDef

EMPTY_DATE = QDate(1899, 12, 31)
"""The minimum date of a date editor stands for "not entered" (shown blank)."""


def yuan_to_fen(text: str) -> int | str | None:
    """``"12.5"`` -> 1250; ``""`` -> None; anything else is returned as text for the validator."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return text
    fen = amount * 100
    if fen != fen.to_integral_value():
        return text
    return int(fen)


def fen_to_yuan(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return f"{value // 100}.{value % 100:02d}" if value >= 0 else f"-{fen_to_yuan(-value)}"
    return str(value)


class DateEditor(QDateEdit):
    """A date editor that can be empty; typed as yyyy-MM-dd."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(" ")
        self.setDate(EMPTY_DATE)

    def iso(self) -> str | None:
        d = self.date()
        return None if d == EMPTY_DATE else d.toString("yyyy-MM-dd")

    def set_iso(self, value: str | None) -> None:
        d = QDate.fromString(value or "", "yyyy-MM-dd") if value else EMPTY_DATE
        self.setDate(d if d.isValid() else EMPTY_DATE)


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
        editor = DateEditor(parent)
        if f.not_future:
            editor.setMaximumDate(QDate.currentDate())
        return editor
    line = QLineEdit(parent)
    if f.type == "int":
        low = f.min if isinstance(f.min, int) else -(2**31)
        high = f.max if isinstance(f.max, int) else 2**31 - 1
        line.setValidator(QIntValidator(low, high, line))
        line.setMaxLength(12)
    elif f.type == "money":
        line.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,10}([.]\d{0,2})?"), line))
        line.setMaxLength(14)
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
            text = fen_to_yuan(value) if f.type == "money" else ("" if value is None else str(value))
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
                value = yuan_to_fen(text)
            elif f.type == "int":
                value = int(text) if text.strip().lstrip("-").isdigit() else (text.strip() or None)
            else:
                value = text
        else:
            return
        if index.data() != value:
            model.setData(index, value)
