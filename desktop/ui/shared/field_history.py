"""The official's history of one field of a record, on demand from the record dialog: from the county
server when it can be reached, else this laptop's own edits not yet sent. Also the history table the
township desk shows beside the side-by-side view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.record_history import FieldHistory, HistoryRow, field_history
from desktop.ui.shared.errors import describe
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.shared.views import read_only_rows


class HistoryTable(QTableWidget):
    """History rows: time, field, before, after, how, who, device. Shared with the official's view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 7, parent)
        self.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Field"),
                self.tr("Before"),
                self.tr("After"),
                self.tr("How"),
                self.tr("By"),
                self.tr("Device"),
            ]
        )
        read_only_rows(self)
        self.setWordWrap(False)  # one line per change; the full text is in the tooltip
        header = self.horizontalHeader()
        for column, width in enumerate((118, 70, 80, 80, 84, 52)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def fill(self, rows: list[HistoryRow]) -> None:
        self.setRowCount(0)
        for r in reversed(rows):  # newest first
            row = self.rowCount()
            self.insertRow(row)
            time_text = r.server_time or r.laptop_time
            device = self.tr("this laptop") if r.pending else r.device
            cells = (time_text, r.field_label, r.old, r.new, r.how, r.who, device)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 0 and r.laptop_time and r.laptop_time != r.server_time:
                    item.setToolTip(self.tr("On the laptop: {time}").format(time=r.laptop_time))
                self.setItem(row, column, item)


class FieldHistoryDialog(QDialog):
    loaded = Signal(object)
    """The ``FieldHistory`` shown."""

    def __init__(
        self,
        session: Any,
        runner: TaskRunner,
        entity: str,
        record_id: str,
        field: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.runner = session, runner
        self.entity, self.record_id = entity, record_id
        self.setObjectName("dialog_field_history")
        self.setWindowTitle(self.tr("History of a field"))
        lang = current_language()
        form = session.forms[entity]
        self.field = QComboBox(self)
        self.field.setObjectName("field_history_field")
        for f in form.fields:
            self.field.addItem(f.label(lang), f.name)
        index = self.field.findData(field) if field else 0
        self.field.setCurrentIndex(max(index, 0))
        self.field.currentIndexChanged.connect(lambda _i: self.refresh())
        self.message = QLabel(self)
        self.message.setObjectName("field_history_message")
        self.message.setWordWrap(True)
        self.table = HistoryTable(self)
        self.table.setObjectName("field_history_table")
        self.table.setColumnHidden(1, True)  # one field: its name is in the chooser
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Field"), self))
        bar.addWidget(self.field, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)
        self.result_: FieldHistory | None = None
        self.refresh()

    def refresh(self) -> None:
        session, entity, record_id = self.session, self.entity, self.record_id
        name = str(self.field.currentData())
        lang = current_language()
        self.message.setText(self.tr("Asking the county server…"))
        self.runner.run_network(
            lambda: field_history(session, entity, record_id, name, lang),
            name="field history",
            key=f"field_history-{id(self)}",
            on_done=self._show,
            on_error=self._failed,
        )

    def _show(self, result: Any) -> None:
        self.result_ = result
        self.table.fill(result.rows)
        if not result.online:
            text = self.tr(
                "The county server cannot be reached: only this laptop's edits not yet sent are shown."
            )
            self.message.setText(text + (f" ({result.problem})" if result.problem else ""))
            self.message.setStyleSheet("color: #a15c00;")
        else:
            self.message.setStyleSheet("")
            self.message.setText("" if result.rows else self.tr("No changes recorded."))
        self.loaded.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(describe(exc))
