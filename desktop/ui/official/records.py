"""A list of records with a filter box, and new / edit / delete.

Used for the persons, income and services pages, for the household list, and (without the filter
box, limited to one household) for the tabs of the household detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.official.column_widths import NAME_COLUMNS, fit_names, needed_width, size_columns
from desktop.ui.official.columns import columns_for
from desktop.ui.official.models import RecordTableModel
from desktop.ui.official.record_dialog import RecordDialog
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.errors import plain_buttons, show_error
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.operations import delete_record, search_ids

_NAMES_SHOWN = 12
"""Members named in the question before a household is deleted; more are counted."""

KEY_COLUMNS = {
    "household": ("household_no", "head_name"),
    "person": ("name", "resident_id", "_household_no"),
    "income": ("_household_no", "_head_name", "year", "source", "amount_fen"),
    "service": ("_household_no", "_person_name", "type", "date"),
}
"""What names a record in a question about it (delete): the columns that tell it from the others."""


class RecordListPage(QWidget):
    current_changed = Signal(object)
    """Id of the current record, or None."""
    refreshed = Signal(int)
    """A search finished; the argument is the number of records found."""
    record_saved = Signal(str)
    record_deleted = Signal(str)
    columns_widened = Signal()
    """A name column grew to fit a long name (``needed_width`` grew with it)."""

    def __init__(
        self,
        ui: UiContext,
        entity: str,
        *,
        where: dict[str, Any] | None = None,
        compact: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.entity = entity
        self.where = dict(where or {})
        self.compact = compact
        self.dialog: RecordDialog | None = None
        self.confirm: QMessageBox | None = None
        self._dirty = True
        self._select_after: str | None = None
        self._search_cleared = False
        self._count_text = ""
        self.setObjectName(f"page_{entity}" if not compact else f"tab_{entity}")
        session = ui.session
        columns = columns_for(session.forms, entity, in_household=compact)
        self.model = RecordTableModel(
            ui.runner,
            lambda ids: session.rows(entity, ids),
            columns,
            language=current_language(),
            name=entity,
            parent=self,
        )
        self.view = QTableView(self)
        self.view.setObjectName(f"table_{entity}")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setDefaultSectionSize(120)
        self.columns = columns
        size_columns(self.view, columns, current_language())
        self.view.activated.connect(lambda _index: self.edit_current())
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_current)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.model.rows_arrived.connect(self._fit_names)
        self.model.modelReset.connect(lambda: self.current_changed.emit(None))

        self.filter = QLineEdit(self)
        self.filter.setObjectName(f"filter_{entity}")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(self._placeholder())
        self.filter.textChanged.connect(lambda _text: self.refresh())
        self.filter.returnPressed.connect(self._focus_list)
        self.count_label = QLabel(self)

        self.new_button = QPushButton(self.tr("New") if not compact else self._add_text(), self)
        self.edit_button = QPushButton(self.tr("Edit"), self)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        for button in (self.new_button, self.edit_button, self.delete_button):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            # As wide as the words (the style's 80-pixel minimum took the search box's room at 1366).
            text_width = button.fontMetrics().horizontalAdvance(button.text())
            button.setFixedWidth(max(text_width + 28, 56))
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        # Only keys that do what the button does: in a household's tabs Ctrl+N makes a new household,
        # so adding income or a service has no key of its own.
        if not compact:
            self.new_button.setToolTip(self.tr("Ctrl+N"))
        elif entity == "person":
            self.new_button.setToolTip(self.tr("Ctrl+M"))
        self.delete_button.setToolTip(self.tr("Del"))

        bar = QHBoxLayout()
        if not compact:
            bar.addWidget(self.filter, 1)
        bar.addWidget(self.count_label)
        if compact:
            bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        if compact:
            layout.setContentsMargins(0, 4, 0, 0)
            self.filter.hide()
            self.view.verticalHeader().hide()  # a household's few rows need no numbers
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        ui.bus.changed.connect(self._data_changed)
        ui.bus.forms_changed.connect(self._forms_changed)
        self._update_buttons()

    def _fit_names(self) -> None:
        if not any(c.name in NAME_COLUMNS for c in self.columns):
            return
        model, lang = self.model, current_language()
        rows = []
        for r in range(model.rowCount()):
            row = model.cached(model.id_at(r) or "")
            if row is not None:
                rows.append([c.display(row, lang) for c in self.columns])
        if fit_names(self.view, self.columns, rows):
            self.columns_widened.emit()

    def needed_width(self) -> int:
        """Width at which every column shows whole (the page's own margins included)."""
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        sides = margins.left() + margins.right() if margins is not None else 0
        return needed_width(self.view, self.columns, current_language()) + 2 * self.view.lineWidth() + sides

    def _placeholder(self) -> str:
        if self.entity == "household":
            return self.tr("Search household number, head of household or address  (Ctrl+F)")
        if self.entity == "person":
            return self.tr("Search name, resident ID or household number  (Ctrl+F)")
        return self.tr("Search household number or head of household  (Ctrl+F)")

    def _add_text(self) -> str:
        return {
            "person": self.tr("Add member"),
            "income": self.tr("Add income"),
            "service": self.tr("Add service"),
        }.get(self.entity, self.tr("New"))

    # -- data -------------------------------------------------------------------------------------
    def set_where(self, where: dict[str, Any]) -> None:
        self.where = dict(where)
        self.refresh()

    def refresh(self, select: str | None = None, *, changed: bool = False) -> None:
        """Search again (filter text and ``where``), then select ``select`` if given. ``changed``:
        records may have changed, so cached rows are fetched again."""
        self._dirty = False
        if changed:
            self.model.forget()
        if select is not None:
            self._select_after = select
        if self.compact and not all(self.where.values()):
            self._show_ids([])
            return
        search_ids(self, self.ui.session, self.entity, self.filter.text(), **self.where).success(
            self._show_ids
        ).run_in_background(self.ui.runner)

    def _show_ids(self, ids: Sequence[str]) -> None:
        current = self.current_id()
        wanted, self._select_after = self._select_after, None
        self.model.set_ids(ids)
        self._mark_under_review()
        self._mark_incomplete()
        target = wanted or current
        if target is not None and not self.select(target) and wanted is not None and self.filter.text():
            # The record just saved does not match the search: clear the search so that it shows
            # (selected, with its detail) instead of vanishing; the count line says why.
            self._select_after = wanted
            self._search_cleared = True
            self.filter.clear()  # searches again
            return
        count = self.tr("{count} records").format(count=f"{len(ids):,}")
        tip = ""
        if self._search_cleared:
            count = self.tr("{count} (search cleared)").format(count=count)
            tip = self.tr("The search was cleared to show the record just saved.")
        self._search_cleared = False
        self._count_text = count
        self.count_label.setText(count)
        self.count_label.setToolTip(tip)
        self._update_buttons()
        self.refreshed.emit(len(ids))

    def _mark_under_review(self) -> None:
        """Records with a value waiting on the township get a sign (the review part is optional)."""
        review = self.ui.review
        if review is None:
            return
        entity = self.entity
        self.ui.runner.run_db(
            lambda: review.under_review(entity),
            name=f"under-review-{entity}",
            key=f"under-review-{entity}-{id(self)}",
            on_done=self._marked,
        )

    def _mark_incomplete(self) -> None:
        """Records lacking a value for a field the county's forms now require get a sign."""
        session, entity = self.ui.session, self.entity
        self.ui.runner.run_db(
            lambda: session.incomplete(entity),
            name=f"incomplete-{entity}",
            key=f"incomplete-{entity}-{id(self)}",
            on_done=self._incomplete_marked,
        )

    def _incomplete_marked(self, ids: set[str]) -> None:
        count = self._count_text
        if ids and count:  # in this village, whatever the search shows
            count = self.tr("{records}, {count} to complete").format(records=count, count=f"{len(ids):,}")
        if count:
            self.count_label.setText(count)
        self.model.set_incomplete(
            ids,
            self.tr("To complete"),
            self.tr(
                "The county's forms now require a field this record has no value for: open it and fill it in."
            ),
        )

    def _marked(self, ids: set[str]) -> None:
        self.model.set_marked(ids, self.tr("A value of this record waits on the township's decision"))

    def select(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row < 0:
            return False
        self.model.ensure_shown(row)
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(index)
        return True

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        self.current_changed.emit(self.model.id_at(current.row()) if current.isValid() else None)

    def _update_buttons(self) -> None:
        has = self.current_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.new_button.setEnabled(not self.compact or all(self.where.values()))

    def _data_changed(self, entity: str) -> None:
        if entity not in (self.entity, "*", "household"):
            return
        if self.isVisible():
            self.refresh(changed=True)
        else:
            self.model.forget()
            self._dirty = True

    def _forms_changed(self) -> None:
        """The session took a new county form version: columns from its forms (a field added shows,
        a removed one goes, labels and choices as published), rows fetched again, the current record
        kept selected."""
        self.columns = columns_for(self.ui.session.forms, self.entity, in_household=self.compact)
        current = self.current_id()
        self.model.set_columns(self.columns)
        size_columns(self.view, self.columns, current_language())
        self.columns_widened.emit()  # the width the list needs changed with its columns
        if self.isVisible():
            self.refresh(current, changed=True)
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # -- actions ----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        if self.compact:
            self.view.setFocus()
            return
        self.filter.setFocus()
        self.filter.selectAll()

    def _focus_list(self) -> None:
        self.view.setFocus()
        if not self.view.currentIndex().isValid() and self.model.rowCount() > 0:
            self.view.selectRow(0)

    def new_record(self) -> None:
        if self.compact and not all(self.where.values()):
            return
        self._open_dialog(None)

    def edit_current(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self._open_dialog(record_id)

    def _open_dialog(self, record_id: str | None) -> None:
        dialog = RecordDialog(
            self.ui.session,
            self.ui.runner,
            self.entity,
            record_id,
            context=self.where,
            review=self.ui.review,
            parent=self.window(),
        )
        dialog.saved.connect(self._saved)
        self.ui.bus.forms_changed.connect(dialog.forms_moved_on)
        dialog.finished.connect(self._dialog_closed)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, _result: int) -> None:
        self.dialog = None
        self.window().activateWindow()
        self.view.setFocus()

    def _saved(self, record_id: str) -> None:
        self._select_after = record_id
        self.record_saved.emit(record_id)
        self.ui.bus.changed.emit(self.entity)
        if not self.isVisible():
            self.refresh(select=record_id, changed=True)

    def delete_current(self) -> None:
        record_id = self.current_id()
        if record_id is None or self.confirm is not None:
            return
        if self.entity == "household":
            # The question names what goes with it: asked once the members are read.
            session = self.ui.session
            self.ui.runner.run_db(
                lambda: session.delete_preview("household", record_id),
                name="delete-preview",
                on_done=lambda preview: self._ask_delete(record_id, self._household_question(preview)),
                on_error=lambda exc: show_error(self, exc),
            )
            return
        if self.model.cached(record_id) is None:
            # The row is chosen before its values arrived: fetch them, so the question names it.
            session, entity = self.ui.session, self.entity
            self.ui.runner.run_db(lambda: session.rows(entity, [record_id]), name=f"describe-{entity}",
                                  on_done=self._ask_delete_row)  # fmt: skip
            return
        self._ask_delete_row([self.model.cached(record_id)])

    def _ask_delete_row(self, rows: list[dict[str, Any] | None]) -> None:
        row = rows[0] if rows else None
        if row is None or row.get("id") is None:
            return
        label = self.ui.session.forms[self.entity].label(current_language())
        self._ask_delete(
            str(row["id"]),
            self.tr(
                "Delete this {form}?\n{record}\n"
                "It is marked as deleted here and at the county after the next sync."
            ).format(form=label, record=self.describe(row)),
        )

    def describe(self, row: dict[str, Any]) -> str:
        """The record in words for a question about it: its key columns with their headers."""
        lang = current_language()
        parts = [
            f"{c.header(lang)} {text}"
            for c in self.columns
            if c.name in KEY_COLUMNS[self.entity] and (text := c.display(row, lang))
        ]
        return self.tr(", ").join(parts)

    def _household_question(self, preview: Any) -> str:
        shown = list(preview.members[:_NAMES_SHOWN])
        names = self.tr(", ").join(shown)
        if len(preview.members) > len(shown):
            names = self.tr("{names} and {more} more").format(
                names=names, more=len(preview.members) - len(shown)
            )
        if not preview.members and not preview.income and not preview.service:
            return self.tr(
                "Delete household {title}? It has no members, income or services. It is marked as "
                "deleted here and at the county after the next sync."
            ).format(title=preview.title)
        return self.tr(
            "Delete household {title} with everything that belongs to it?\n\n"
            "Members ({count}): {names}\nIncome records: {income}\nService records: {service}\n\n"
            "All of them are marked as deleted here and at the county after the next sync. If a "
            "member only moved to another household, change that person's household first."
        ).format(
            title=preview.title,
            count=len(preview.members),
            names=names or self.tr("none"),
            income=preview.income,
            service=preview.service,
        )

    def _ask_delete(self, record_id: str, question: str) -> None:
        if not self.isVisible() or self.current_id() != record_id or self.confirm is not None:
            return  # the official moved on while the record was read
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window(),
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setObjectName("confirm_delete")
        plain_buttons(box)
        self.confirm = box
        box.finished.connect(lambda result: self._confirmed(record_id, result))
        box.finished.connect(box.deleteLater)
        box.open()

    def _confirmed(self, record_id: str, result: int) -> None:
        self.confirm = None
        # Back to the list, so the keys go on working there (Del again, arrows, Enter): the
        # question may have come after the key press.
        self.window().activateWindow()
        self.view.setFocus()
        if result != QMessageBox.StandardButton.Yes:
            return
        delete_record(self, self.ui.session, self.entity, record_id).success(
            lambda _done: self._deleted(record_id)
        ).run_in_background(self.ui.runner)

    def _deleted(self, record_id: str) -> None:
        self.record_deleted.emit(record_id)
        self.ui.bus.changed.emit(self.entity)
        if self.entity == "household":  # its members, income and services went with it
            for entity in ("person", "income", "service"):
                self.ui.bus.changed.emit(entity)
