"""A record's history on the township desk, beside the side-by-side view: every field, or one; who
changed what, when, from which laptop (or staff account), and how it came."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.services.record_history import HistoryRow, staff_history
from desktop.ui.shared.field_history import HistoryTable
from desktop.ui.shared.i18n import current_language
from desktop.ui.township.staff_window import StaffContext, report


class RecordHistoryPanel(QWidget):
    loaded = Signal(int)
    """Rows shown."""
    failed = Signal(str)

    def __init__(self, staff: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setObjectName("record_history")
        self.entity = ""
        self.record_id = ""
        self.rows: list[HistoryRow] = []
        self.title = QLabel(self.tr("Record history"), self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.field = QComboBox(self)
        self.field.setObjectName("record_history_field")
        self.field.currentIndexChanged.connect(lambda _i: self.refresh())
        self.message = QLabel(self)
        self.message.setObjectName("record_history_message")
        self.message.setWordWrap(True)
        self.table = HistoryTable(self)
        self.table.setObjectName("record_history_table")
        # Enough for a few rows; the laptop screen (1366x768 with a taskbar) must hold the whole desk.
        self.table.setMinimumHeight(150)
        bar = QHBoxLayout()
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(self.field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

    def show_record(self, entity: str, record_id: str, field: str | None = None) -> None:
        """Load the history of this record, of ``field`` to start with (None: every field)."""
        self.entity, self.record_id = entity, record_id
        forms = self.staff.desk.forms
        lang = current_language()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItem(self.tr("Every field"), None)
        if entity in forms:
            for f in forms[entity].fields:
                self.field.addItem(f.label(lang), f.name)
        index = self.field.findData(field) if field else 0
        self.field.setCurrentIndex(max(index, 0))
        self.field.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        if not self.record_id:
            return
        desk, entity, record_id = self.staff.desk, self.entity, self.record_id
        field = self.field.currentData()
        self.message.setText(self.tr("Loading…"))
        self.staff.runner.run_network(
            lambda: staff_history(desk, entity, record_id, field),
            name="record history",
            key=f"record_history-{id(self)}",
            on_done=self._show,
            on_error=self._failed,
        )

    def _show(self, rows: Any) -> None:
        self.rows = list(rows)
        self.table.fill(self.rows)
        self.message.setText("" if self.rows else self.tr("No changes recorded."))
        self.loaded.emit(len(self.rows))

    def _failed(self, exc: BaseException) -> None:
        text = report(self.staff, exc)
        self.message.setText(text)
        self.failed.emit(text)
