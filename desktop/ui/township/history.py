"""History of decisions: who decided what, when, why, and what was set aside."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.views import read_only_rows
from desktop.ui.township.compare import when
from desktop.ui.township.staff_window import StaffContext, report

LIMIT = 500


class HistoryPage(QWidget):
    def __init__(self, staff: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setObjectName("page_history")
        self.items: list[Any] = []
        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("table_history")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Decided"),
                self.tr("By"),
                self.tr("Village"),
                self.tr("Record"),
                self.tr("Field"),
                self.tr("Decision"),
                self.tr("Note"),
                self.tr("Set aside"),
            ]
        )
        read_only_rows(self.table)
        header = self.table.horizontalHeader()
        for column, width in enumerate((95, 70, 70, 200, 90, 170, 150)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.count = QLabel(self)
        self.count.setObjectName("history_count")
        self.message = QLabel(self)
        self.message.setObjectName("history_message")
        self.message.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Refresh (F5)"), self)
        self.reload_button.setShortcut("F5")
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.count)
        bar.addStretch(1)
        bar.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        staff.bus.decided.connect(self._decided)  # bound: dropped when this page is deleted
        self.refresh()

    def _decided(self, _item_id: str) -> None:
        self.refresh()

    def refresh(self) -> None:
        desk = self.staff.desk
        self.staff.runner.run_network(
            lambda: desk.items(status="decided", sort="age", limit=LIMIT),
            name="history",
            key=f"history-{id(self)}",
            on_done=self._show,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(report(self.staff, exc))

    def _show(self, page: Any) -> None:
        # Newest decision first.
        items = [i for i in page.items if i.decision is not None]
        items.sort(key=lambda i: i.decision.decided_at, reverse=True)
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            d = item.decision
            aside = self.tr("; ").join(self._aside(a, item.entity) for a in d.set_aside) or self.tr("nothing")
            cells = (
                when(d.decided_at),
                d.decided_by,
                item.village_name or item.village_code,
                self.tr("{form}: {record}").format(form=item.entity_label, record=item.record_title),
                item.field_label,
                self.tr("{choice}: {value}").format(choice=self._choice(d.choice), value=d.display),
                d.note,
                aside,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, cell)
        self.count.setText(self.tr("{count} decisions").format(count=len(items)))
        self.message.clear()

    def _choice(self, choice: str) -> str:
        return {
            "county": self.tr("county value kept"),
            "village": self.tr("village value taken"),
            "typed": self.tr("new value typed"),
            "stay_deleted": self.tr("stays deleted"),
            "restore": self.tr("restored"),
        }.get(choice, choice)

    def _aside(self, aside: Any, entity: str) -> str:
        source = {"village": self.tr("village"), "county": self.tr("county")}.get(aside.source, aside.source)
        if aside.source == "field" or aside.field:
            # A delete item's edited field that was not restored: name the field by its label.
            from desktop.services.display import field_label
            from desktop.ui.shared.i18n import current_language

            label = field_label(self.staff.desk.forms, entity, aside.field, current_language())
            source = (
                self.tr("{field} (not restored)").format(field=label) if aside.source == "field" else label
            )
        if aside.device_name or aside.user:
            return self.tr("{source}: {value} ({user}, {device})").format(
                source=source, value=aside.display, user=aside.user, device=aside.device_name or "—"
            )
        return self.tr("{source}: {value}").format(source=source, value=aside.display)

    def focus_search(self) -> None:
        self.table.setFocus()
