"""A record form built from the form schema, bound with QDataWidgetMapper.

The record being edited lives in a one-row model (``RecordBuffer``, one column per field); each field's
editor is mapped to its column, and ``FieldDelegate`` converts values. Validation is the shared
schema's: a field is checked when its editor commits (leaving it, or picking a choice), the whole
record on save, and problems the store finds (uniqueness, one head per household) are shown under
the fields they concern. A valid resident ID fills in birth date and sex.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDataWidgetMapper,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.entry import derive_fields
from desktop.ui.shared.editors import DateEditor, FieldDelegate, make_editor, set_ref_options
from sync.form_defs import FieldDef
from sync.parse import impossible_date
from sync.protocol import Problem
from sync.schema import Forms

Index = QModelIndex | QPersistentModelIndex
PROBLEM_STYLE = "color: #b00020;"


class RecordBuffer(QAbstractTableModel):
    """The record under edit: one row, one column per form field, schema values in DisplayRole."""

    field_changed = Signal(str)

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._values: dict[str, Any] = dict.fromkeys(names)

    def load(self, record: dict[str, Any]) -> None:
        self.beginResetModel()
        self._values = {n: record.get(n) for n in self._names}
        self.endResetModel()

    def values(self) -> dict[str, Any]:
        return dict(self._values)

    def value(self, name: str) -> Any:
        return self._values.get(name)

    def set_value(self, name: str, value: Any) -> None:
        column = self._names.index(name)
        self.setData(self.index(0, column), value)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        return self._values.get(self._names[index.column()])

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        name = self._names[index.column()]
        if value == "":
            value = None
        if self._values.get(name) == value:
            return True
        self._values[name] = value
        self.dataChanged.emit(index, index)
        self.field_changed.emit(name)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
            if index.isValid()
            else Qt.ItemFlag.NoItemFlags
        )


class RecordForm(QWidget):
    """Editors for the fields of one entity, laid out in one or two columns, with inline problems."""

    field_committed = Signal(str)
    problems_shown = Signal()
    """Messages appeared or went: the dialog may need to grow."""

    def __init__(
        self,
        forms: Forms,
        entity: str,
        language: str,
        *,
        hidden: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.forms = forms
        self.entity = entity
        self.language = language
        self.form = forms[entity]
        # Fields a newer county form version removed are hidden too; their values are kept.
        self._hidden = set(hidden) | {f.name for f in forms[entity].fields if f.hidden}
        names = list(self.form.field_names)
        self.buffer = RecordBuffer(names, self)
        self.editors: dict[str, QWidget] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self.general = QLabel(self)
        self.general.setObjectName("problem__form")
        self.general.setStyleSheet(PROBLEM_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()

        self.mapper = QDataWidgetMapper(self)
        self.mapper.setModel(self.buffer)
        self.delegate = FieldDelegate(self.form.fields, self)
        self.mapper.setItemDelegate(self.delegate)
        self.mapper.setSubmitPolicy(QDataWidgetMapper.SubmitPolicy.AutoSubmit)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        visible = [f for f in self.form.fields if f.name not in self._hidden]
        columns = 2 if len(visible) > 7 else 1
        for i, f in enumerate(self.form.fields):
            editor = make_editor(f, language, self)
            editor.setObjectName(f"field_{f.name}")
            self.editors[f.name] = editor
            self.mapper.addMapping(editor, i)
            self._wire(f, editor)
            if f.name in self._hidden:
                editor.hide()
                continue
            position = visible.index(f)
            row, col = divmod(position, columns)
            label = QLabel(f.label(language) + ("  *" if f.required else ""), self)
            label.setBuddy(editor)
            problem = QLabel(self)
            problem.setObjectName(f"problem_{f.name}")
            problem.setStyleSheet(PROBLEM_STYLE)
            problem.setWordWrap(True)
            problem.hide()
            self.problem_labels[f.name] = problem
            cell = QVBoxLayout()
            cell.setSpacing(1)
            cell.addWidget(editor)
            cell.addWidget(problem)
            grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
            # Top-aligned, so a message under one field does not push its neighbour off its label.
            grid.addLayout(cell, row, col * 2 + 1, Qt.AlignmentFlag.AlignTop)
            hint = f.hint(language)
            if hint:
                editor.setToolTip(hint)
                if isinstance(editor, QLineEdit):
                    editor.setPlaceholderText(hint if len(hint) <= 24 else "")
        for c in range(columns):
            grid.setColumnStretch(c * 2 + 1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.general)
        outer.addLayout(grid)
        outer.addStretch(1)
        order = [self.editors[f.name] for f in visible]
        for a, b in itertools.pairwise(order):
            QWidget.setTabOrder(a, b)
        self.buffer.field_changed.connect(self._on_field_changed)

    # -- wiring -----------------------------------------------------------------------------------
    def _wire(self, f: FieldDef, editor: QWidget) -> None:
        commit = self.delegate.commitData.emit
        if isinstance(editor, QComboBox):
            editor.activated.connect(lambda _i, e=editor: commit(e))
        elif isinstance(editor, DateEditor):
            editor.editingFinished.connect(lambda e=editor: commit(e))
        elif isinstance(editor, QLineEdit) and f.type == "resident_id":
            # Fill in birth date and sex as soon as the 18th character is typed.
            editor.textEdited.connect(lambda text, e=editor: len(text.strip()) >= 18 and commit(e))

    def _on_field_changed(self, name: str) -> None:
        f = self.form.field(name)
        if f.type == "resident_id":
            derived = derive_fields(self.buffer.value(name))
            for key, derived_value in derived.items():
                self.buffer.set_value(key, derived_value)
                self._show_field(key, [])
        value = self.forms.normalize(self.entity, {name: self.buffer.value(name)}).get(name)
        problems = self.forms.validate_field(self.entity, name, value)
        self._show_field(name, self._as_typed({name: value}, problems))
        self.field_committed.emit(name)

    # -- data -------------------------------------------------------------------------------------
    def set_record(self, record: dict[str, Any]) -> None:
        self.buffer.load(record)
        self.mapper.toFirst()
        self.clear_problems()

    def commit(self) -> None:
        """Take what is in the editors now (the focused one may not have committed yet)."""
        for name, editor in self.editors.items():
            if name not in self._hidden:
                self.delegate.setModelData(editor, self.buffer, self.buffer.index(0, self._column(name)))

    def values(self) -> dict[str, Any]:
        self.commit()
        return self.forms.normalize(self.entity, self.buffer.values())

    def check(self, record_id: str | None = None) -> list[Problem]:
        """Every problem the schema finds without the database; shown inline."""
        record = self.values()
        if record_id:
            record = {**record, "id": record_id}
        problems = self._as_typed(record, self.forms.validate(self.entity, record))
        self.show_problems(problems)
        missing = [
            self.form.field(p.field).label(self.language)
            for p in problems
            if p.code == "required" and p.field in self.problem_labels
        ]
        if missing:
            text = self.tr("Fill in the fields marked *: {fields}").format(fields=", ".join(missing))
            self.general.setText("\n".join(t for t in (text, self.general.text()) if t))
            self.general.show()
            self.problems_shown.emit()
        return problems

    def _as_typed(self, record: dict[str, Any], problems: list[Problem]) -> list[Problem]:
        """The schema speaks of whole fen and ISO dates; say what the official can type instead."""
        out = []
        for p in problems:
            value = record.get(p.field)
            f = self.form.field(p.field) if p.field in self.form.field_names else None
            text = ""
            if f is not None and isinstance(value, str) and p.code in ("not_int", "not_date"):
                if f.type == "money":
                    text = self.tr("{field}: type yuan with at most two decimals, for example 35000.50")
                elif (ymd := impossible_date(value)) is not None:
                    text = self._no_such_date(*ymd)
                else:
                    text = self.tr("{field}: not a date; type it as 1953-02-19 or 19530219")
            elif f is not None and p.code == "birth_date_mismatch":
                held = self._id_birth_date(record)
                if held:
                    text = self.tr(
                        "{field}: does not match the resident ID, which holds the birth date {date}"
                    ).format(field="{field}", date=held)
            if text:
                text = text.format(field=f.label(self.language) if f is not None else "")
                p = Problem(p.field, p.code, text, text)
            out.append(p)
        return out

    def _no_such_date(self, year: int, month: int, day: int) -> str:
        written = f"{year:04d}-{month:02d}-{day:02d}"
        if not 1 <= month <= 12:
            return self.tr("{field}: {date} does not exist (there is no month {month})").format(
                field="{field}", date=written, month=month
            )
        days = calendar.monthrange(year, month)[1]
        return self.tr("{field}: {date} does not exist ({year}-{month} has {days} days)").format(
            field="{field}", date=written, year=year, month=f"{month:02d}", days=days
        )

    def _id_birth_date(self, record: dict[str, Any]) -> str:
        """The birth date a valid resident ID of the record holds, as YYYY-MM-DD."""
        for f in self.form.fields:
            number = record.get(f.name)
            if f.type == "resident_id" and isinstance(number, str) and len(number) == 18:
                return f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        return ""

    def set_ref_options(self, name: str, options: list[tuple[str, str]]) -> None:
        editor = self.editors[name]
        # The choices arrive from the database thread; the dialog may have been closed (Esc) since.
        if isinstance(editor, QComboBox) and shiboken6.isValid(editor):
            set_ref_options(editor, options, self.buffer.value(name))

    def first_editor(self) -> QWidget | None:
        for f in self.form.fields:
            if f.name not in self._hidden:
                return self.editors[f.name]
        return None

    def _column(self, name: str) -> int:
        return self.form.field_names.index(name)

    # -- problems ---------------------------------------------------------------------------------
    def _text(self, problem: Problem) -> str:
        return problem.zh if self.language.startswith("zh") else problem.en

    def _show_field(self, name: str, problems: list[Problem]) -> None:
        label = self.problem_labels.get(name)
        if label is None:
            return
        text = "\n".join(self._text(p) for p in problems)
        label.setText(text)
        label.setVisible(bool(text))
        self.problems_shown.emit()

    def clear_problems(self) -> None:
        for label in self.problem_labels.values():
            label.clear()
            label.hide()
        self.general.clear()
        self.general.hide()

    def show_problems(self, problems: list[Problem]) -> None:
        self.clear_problems()
        by_field: dict[str, list[Problem]] = {}
        general: list[Problem] = []
        for p in problems:
            if p.field in self.problem_labels:
                by_field.setdefault(p.field, []).append(p)
            else:
                general.append(p)
        for name, items in by_field.items():
            self._show_field(name, items)
        if general:
            self.general.setText("\n".join(self._text(p) for p in general))
            self.general.show()
        self.problems_shown.emit()
        first = next((f.name for f in self.form.fields if f.name in by_field), None)
        if first is not None:
            self.editors[first].setFocus()

    def problem_text(self, name: str) -> str:
        label = self.problem_labels.get(name)
        return label.text() if label is not None else self.general.text()
