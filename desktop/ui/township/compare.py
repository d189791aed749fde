"""The side-by-side table of one review item: a row per field (the item's field; for delete against
edit also every edited field), a column per source: base | each village value (user, device, time) |
county. Cells that differ from the base are highlighted; the chosen column is marked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

DIFFERS = QColor("#fff3c4")
CHOSEN = QColor("#cfe8ff")
DIFFERS_ROLE = Qt.ItemDataRole.UserRole + 1


def when(unix: float) -> str:
    return datetime.fromtimestamp(unix).strftime("%m-%d %H:%M") if unix else ""


class CompareTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("item_compare")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)  # Tab leaves for the editor and the note
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setMinimumWidth(110)

    def columns(self, item: Any) -> list[tuple[str, dict[str, Any]]]:
        """(header, {row field: FieldValue-like}) for base, each village value, county."""
        base: dict[str, Any] = {item.field: item.base}
        county: dict[str, Any] = {item.field: item.county}
        for edited in item.edited_fields:
            county[edited.field] = edited.county
        out = [(self.tr("Base (before the edits)"), base)]
        for i, value in enumerate(item.village_values, start=1):
            cells: dict[str, Any] = {item.field: value}
            cells.update(value.fields)
            header = self.tr("{n} · village: {user}\n{device} · {time}").format(
                n=i,
                user=value.user,
                device=value.device_name or value.device_id[:8],
                time=when(value.sent_at),
            )
            out.append((header, cells))
        # The county's value is what the server applied earlier (a laptop's or a decision's), not
        # something the county typed: the header says so.
        n = len(item.village_values) + 1
        who = item.county.user
        if who and item.county.device_name:
            header = self.tr("{n} · county now: {user}\n{device} (applied earlier)").format(
                n=n, user=who, device=item.county.device_name
            )
        elif who:  # a staff decision, or a write whose laptop is gone
            header = self.tr("{n} · county now: {user}\n(applied earlier)").format(n=n, user=who)
        else:
            header = self.tr("{n} · county now\n(applied earlier)").format(n=n)
        out.append((header, county))
        return out

    @staticmethod
    def row_fields(item: Any) -> list[tuple[str, str]]:
        rows = [(item.field, item.field_label)]
        rows += [(e.field, e.label) for e in item.edited_fields if e.field != item.field]
        return rows

    def fill(self, item: Any) -> None:
        rows = self.row_fields(item)
        columns = self.columns(item)
        table = self
        table.blockSignals(True)
        table.clear()
        table.setRowCount(len(rows))
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels([header for header, _cells in columns])
        table.setVerticalHeaderLabels([label for _name, label in rows])
        for r, (name, _label) in enumerate(rows):
            base = columns[0][1].get(name)
            for c, (_header, cells) in enumerate(columns):
                value = cells.get(name)
                text = "" if value is None else value.display
                if c == 0 and value is None:
                    text = "—"  # the value before an edited field's edit is not kept: say so, not blank
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, None if value is None else value.value)
                if c > 0 and value is not None and (base is None or value.value != base.value):
                    cell.setBackground(QBrush(DIFFERS))
                    cell.setData(DIFFERS_ROLE, True)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(r, c, cell)
        table.blockSignals(False)
        # As tall as its rows: the editor and the note stay close under the values.
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 4
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(min(height, 360))

    def highlight(self, column: int, *, move: bool = True) -> None:
        """Mark ``column`` as the chosen one (its cells and bold header); ``move`` puts the current
        cell there too."""
        for r in range(self.rowCount()):
            for c in range(self.columnCount()):
                cell = self.item(r, c)
                if cell is None:
                    continue
                if c == column:
                    cell.setBackground(QBrush(CHOSEN))
                elif cell.data(DIFFERS_ROLE):
                    cell.setBackground(QBrush(DIFFERS))
                else:
                    cell.setBackground(QBrush())
        for c in range(self.columnCount()):
            header = self.horizontalHeaderItem(c)
            if header is not None:
                font = header.font()
                font.setBold(c == column)
                header.setFont(font)
        if move and 0 <= column < self.columnCount() and self.currentColumn() != column:
            self.blockSignals(True)
            self.setCurrentCell(max(0, self.currentRow()), column)
            self.blockSignals(False)
