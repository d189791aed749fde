"""Duplicate residents: the same resident ID active in two person records (two households, or two
villages). Staff keep one (the others become moved-out, linked to it) or mark "not the same person";
a note is required either way.

Keys: ↑ ↓ choose the group, Tab to the records, ↑ ↓ choose the one to keep, Tab to the note,
Ctrl+K keep the chosen record, Ctrl+D not the same person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.township.staff_window import StaffContext, report


class DuplicatesPage(QWidget):
    decided = Signal(object)
    loaded = Signal(int)
    """The list was fetched again; the number of groups shown."""

    def __init__(self, staff: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setObjectName("page_duplicates")
        self.groups: list[Any] = []
        self._busy = False
        self._shown_once = False
        self.status = QComboBox(self)
        self.status.setObjectName("duplicates_status")
        self.status.addItem(self.tr("Open"), "open")
        self.status.addItem(self.tr("Decided"), "decided")
        self.status.addItem(self.tr("Open and decided"), "all")
        self.status.activated.connect(lambda _i: self.refresh())
        self.count = QLabel(self)
        self.count.setObjectName("duplicates_count")

        self.list = QTableWidget(0, 4, self)
        self.list.setObjectName("table_duplicates")
        self.list.setHorizontalHeaderLabels(
            [self.tr("Resident ID"), self.tr("Records"), self.tr("Waiting"), self.tr("Status")]
        )
        self.holders = QTableWidget(0, 5, self)
        self.holders.setObjectName("table_duplicate_records")
        self.holders.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Village"), self.tr("Household"), self.tr("Head"), self.tr("Status")]
        )
        for table in (self.list, self.holders):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setStretchLastSection(True)
            table.setTabKeyNavigation(False)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.horizontalHeader().resizeSection(0, 190)
        self.holders.horizontalHeader().resizeSection(0, 120)
        self.holders.horizontalHeader().resizeSection(1, 120)
        self.holders.horizontalHeader().resizeSection(2, 120)
        self.list.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._show_group(row))

        self.detail = QLabel(self)
        self.detail.setObjectName("duplicate_detail")
        self.detail.setWordWrap(True)
        self.note = QLineEdit(self)
        self.note.setObjectName("duplicate_note")
        self.note.setPlaceholderText(self.tr("Why? (required, kept in the history)"))
        self.keep_button = QPushButton(self.tr("Keep the chosen record (Ctrl+K)"), self)
        self.keep_button.setObjectName("duplicate_keep")
        self.not_same_button = QPushButton(self.tr("Not the same person (Ctrl+D)"), self)
        self.not_same_button.setObjectName("duplicate_not_same")
        for button in (self.keep_button, self.not_same_button):
            button.setAutoDefault(False)
        self.keep_button.clicked.connect(self.keep)
        self.not_same_button.clicked.connect(self.not_same)
        self.message = QLabel(self)
        self.message.setObjectName("duplicates_message")
        self.message.setWordWrap(True)
        for keys, slot in (("Ctrl+K", self.keep), ("Ctrl+D", self.not_same)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show"), self))
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.count)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.detail)
        lower_layout.addWidget(self.holders, 1)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("Note"), self))
        actions.addWidget(self.note, 1)
        actions.addWidget(self.keep_button)
        actions.addWidget(self.not_same_button)
        lower_layout.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        QWidget.setTabOrder(self.list, self.holders)
        QWidget.setTabOrder(self.holders, self.note)
        self.refresh()

    # -- the list -------------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        desk, status = self.staff.desk, self.status.currentData()
        current = select or self.current_group_id()
        self.staff.runner.run_network(
            lambda: (desk.duplicates(status), current),
            name="duplicates",
            key=f"duplicates-{id(self)}",
            on_done=self._show,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self._say(report(self.staff, exc), error=True)

    def _show(self, answer: tuple[list[Any], str | None]) -> None:
        groups, select = answer
        self.groups = list(groups)
        self.list.setRowCount(len(self.groups))
        for row, group in enumerate(self.groups):
            names = self.tr("; ").join(self._holder_text(h) for h in group.holders)
            status = self.tr("Open") if group.status == "open" else self._decision_text(group)
            age = group.age if group.created_at else "—"  # no time known: say nothing rather than 1970
            for column, text in enumerate((group.resident_id_masked, names, age, status)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.list.setItem(row, column, cell)
        self.count.setText(
            self.tr("{count} duplicate residents · as of {time}").format(
                count=len(self.groups), time=datetime.now().strftime("%H:%M")
            )
        )
        row = next((i for i, g in enumerate(self.groups) if g.id == select), 0)
        if self.groups:
            self.list.setCurrentCell(row, 0)
            self._show_group(row)
        else:
            self._show_group(-1)
            self._say(self.tr("No duplicate residents here."), error=False)
        self.loaded.emit(len(self.groups))

    def showEvent(self, event: QShowEvent) -> None:
        # Shown again (another page was in front): what was fetched then may be out of date.
        super().showEvent(event)
        if not event.spontaneous() and self._shown_once:
            self.refresh()
        self._shown_once = True

    def _holder_text(self, holder: Any) -> str:
        if not holder.visible:
            return self.tr("a record in {village} (outside your township)").format(
                village=holder.village_name or holder.village_code
            )
        return self.tr("{name} ({village}, household {number})").format(
            name=holder.name, village=holder.village_name, number=holder.household_no
        )

    def _decision_text(self, group: Any) -> str:
        if group.decision == "keep":
            kept = next((h for h in group.holders if h.record_id == group.kept_record_id), None)
            who = kept.name if kept is not None else ""
            return self.tr("Kept {name}").format(name=who)
        return self.tr("Not the same person")

    def current_group_id(self) -> str | None:
        group = self.current_group()
        return group.id if group is not None else None

    def current_group(self) -> Any:
        row = self.list.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def _show_group(self, row: int) -> None:
        group = self.groups[row] if 0 <= row < len(self.groups) else None
        self.holders.setRowCount(0 if group is None else len(group.holders))
        if group is None:
            self.detail.clear()
            for w in (self.keep_button, self.not_same_button, self.note):
                w.setEnabled(False)
            return
        for r, h in enumerate(group.holders):
            texts = (
                (h.name, h.village_name or h.village_code, h.household_no, h.head_name, h.status)
                if h.visible
                else (self.tr("(outside your township)"), h.village_name or h.village_code, "", "", "")
            )
            for c, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                if group.kept_record_id == h.record_id:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.holders.setItem(r, c, cell)
        self.holders.setCurrentCell(0, 0)
        is_open = group.status == "open"
        for w in (self.keep_button, self.not_same_button, self.note):
            w.setEnabled(is_open)
        if is_open:
            self.detail.setText(
                self.tr(
                    "Resident ID {rid} is active in {n} person records. Keep one (the others become "
                    "moved out, linked to it), or mark them as different people."
                ).format(rid=group.resident_id_masked, n=len(group.holders))
            )
        else:
            when = datetime.fromtimestamp(group.decided_at).strftime("%Y-%m-%d %H:%M")
            self.detail.setText(
                self.tr("{decision}, by {user} on {time}. Note: {note}").format(
                    decision=self._decision_text(group), user=group.decided_by, time=when, note=group.note
                )
            )

    # -- deciding -------------------------------------------------------------------------------------
    def keep(self) -> None:
        group = self.current_group()
        row = self.holders.currentRow()
        if group is None or group.status != "open":
            return
        if not 0 <= row < len(group.holders) or not group.holders[row].visible:
            self._say(self.tr("Choose the record to keep (one of your township's)."), error=True)
            self.holders.setFocus()
            return
        self._decide(group, group.holders[row].record_id, not_same=False)

    def not_same(self) -> None:
        group = self.current_group()
        if group is not None and group.status == "open":
            self._decide(group, None, not_same=True)

    def _decide(self, group: Any, keep: str | None, *, not_same: bool) -> None:
        if self._busy:
            return
        note = self.note.text().strip()
        if not note:
            self._say(self.tr("A note is required: say why (it is kept in the history)."), error=True)
            self.note.setFocus()
            return
        desk = self.staff.desk
        self._busy = True
        self._say(self.tr("Sending the decision…"), error=False)
        self.staff.runner.run_network(
            lambda: desk.decide_duplicate(group.id, keep, not_same=not_same, note=note),
            name="decide-duplicate",
            on_done=self._decided,
            on_error=self._refused,
        )

    def _decided(self, group: Any) -> None:
        self._busy = False
        self.note.clear()
        self._say(self._decision_text(group) + self.tr(" — saved."), error=False)
        self.staff.bus.decided.emit(group.id)
        self.decided.emit(group)
        self.refresh()

    def _refused(self, exc: BaseException) -> None:
        self._busy = False
        self._say(report(self.staff, exc), error=True)
        self.refresh()

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b7f2a;")
        self.message.setText(text)

    def focus_search(self) -> None:
        self.list.setFocus()
