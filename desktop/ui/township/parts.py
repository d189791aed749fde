"""The township desk's parts: the work list with its side-by-side view, the history, duplicates.

``staff_parts`` is what ``DeskApp`` puts into the staff window.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.file_dialogs import save_file
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.parts import Host, Page, Part, Place
from desktop.ui.township.duplicates import DuplicatesPage
from desktop.ui.township.history import HistoryPage
from desktop.ui.township.item_view import ItemView
from desktop.ui.township.staff_indicators import StaffIndicatorsWidget
from desktop.ui.township.staff_window import StaffContext, report, staff_who
from desktop.ui.township.worklist import WorkListPage
from sync.indicators import DEFAULT_LINE_FEN


class WorkDeskPage(QWidget):
    """The work list; Enter opens an item side by side, Esc (or a decision) comes back."""

    def __init__(self, staff: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setObjectName("page_workdesk")
        self.list = WorkListPage(staff, self)
        self.view = ItemView(staff, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.view)
        self.goto = QLineEdit(self)
        self.goto.setObjectName("goto_item")
        self.goto.setPlaceholderText(self.tr("Item number (Ctrl+G)"))
        self.goto.setMaximumWidth(260)
        self.goto.setMinimumWidth(self.goto.fontMetrics().horizontalAdvance(self.goto.placeholderText()) + 24)
        self.goto.returnPressed.connect(self._goto)
        goto_row = QHBoxLayout()
        goto_row.setContentsMargins(0, 0, 9, 0)  # the page has no margins: keep the field off the edge
        goto_row.addStretch(1)
        goto_row.addWidget(QLabel(self.tr("Open item No."), self))
        goto_row.addWidget(self.goto)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(goto_row)
        layout.addWidget(self.stack, 1)
        shortcut = QShortcut(QKeySequence("Ctrl+G"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._focus_goto)
        self.bulk_button = QPushButton(self.tr("Decide selected together (Ctrl+B)"), self)
        self.bulk_button.setObjectName("bulk_open")
        self.bulk_button.setAutoDefault(False)
        self.bulk_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.bulk_button.clicked.connect(self.open_bulk)
        goto_row.insertWidget(0, self.bulk_button)
        self.export_button = QPushButton(self.tr("Export to Excel…"), self)
        self.export_button.setObjectName("desk_export")
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.choose_export)
        goto_row.insertWidget(1, self.export_button)
        self.bulk: Any = None
        bulk = QShortcut(QKeySequence("Ctrl+B"), self.list)
        bulk.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        bulk.activated.connect(self.open_bulk)
        self.list.open_item.connect(self.open_item)
        self.view.back.connect(self.show_list)
        self.view.decided.connect(self._decided)

    def open_item(self, item: Any) -> None:
        self.view.note.clear()
        self.view.show_item(item)
        self.stack.setCurrentWidget(self.view)
        self.view.compare.setFocus()

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.focus_search()

    def _decided(self, item: Any) -> None:
        self.list.model.replace(item)
        decision = item.decision
        text = self.tr("Decided: {record}, {field} → {value}").format(
            record=item.record_title or item.entity_label,
            field=item.field_label,
            value=decision.display if decision is not None else "",
        )
        # The next open item is selected: the list is fetched again without the decided one.
        model = self.list.model
        row = model.row_of(item.id)
        following = next(
            (model.item_at(r).id for r in range(row + 1, model.rowCount()) if model.item_at(r).is_open), None
        )
        self.list.refresh(select=following)
        self.list.say(text)
        self.show_list()

    def open_bulk(self) -> None:
        """One decision for the selected open items (each decided on its own)."""
        from desktop.services.township.bulk import choices_for
        from desktop.ui.township.bulk import BulkDialog

        items = [i for i in self.list.selected_items() if i.is_open]
        if not items:
            self.list.say(self.tr("Select open items first (Shift+↑↓ or Ctrl+A)."), error=True)
            return
        if not choices_for(items):
            self.list.say(
                self.tr(
                    "These items cannot be decided together: select items of one field, or only deletions."
                ),
                error=True,
            )
            return
        dialog = BulkDialog(self.staff, items, self)
        dialog.done_deciding.connect(self._bulk_done)
        dialog.finished.connect(self._bulk_closed)
        self.bulk = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.choice.setFocus()

    def _bulk_closed(self, _result: int) -> None:
        self.window().activateWindow()
        self.list.focus_search()

    def _bulk_done(self, outcome: Any) -> None:
        self.list.refresh()
        self.list.say(
            self.tr("Decided {n} items together; {m} refused (listed in the dialog).").format(
                n=len(outcome.decided), m=len(outcome.refused) + len(outcome.not_sent)
            ),
            error=bool(outcome.refused or outcome.not_sent),
        )

    def choose_export(self) -> None:
        path = save_file(
            self,
            self.tr("Export the work list, decisions and indicators"),
            self.tr("township-desk.xlsx"),
            self.tr("Excel workbook (*.xlsx)"),
        )
        if path is not None:
            self.export_excel(path)

    def export_excel(self, path: Path) -> Any:
        """The work list as filtered now, every decision and the indicators, to ``path``."""
        from desktop.services.township.export import export_desk  # openpyxl, on the first export

        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        desk, query, lang = self.staff.desk, self.list.query(), current_language()
        self.export_button.setEnabled(False)
        self.list.say(self.tr("Exporting…"))
        return self.staff.runner.run_network(
            lambda: export_desk(
                path, desk, query, year=date.today().year - 1, line_fen=DEFAULT_LINE_FEN, lang=lang
            ),
            name="desk-export",
            on_done=lambda _counts: self._exported(path),
            on_error=self._export_failed,
        )

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.list.say(self.tr("Exported: {path}").format(path=str(path)))

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.list.say(report(self.staff, exc), error=True)

    def _focus_goto(self) -> None:
        self.goto.setFocus()
        self.goto.selectAll()

    def _goto(self) -> None:
        item_id = self.goto.text().strip()
        if not item_id:
            return
        desk = self.staff.desk
        self.staff.runner.run_network(
            lambda: desk.item(item_id),
            name="goto-item",
            on_done=self.open_item,
            on_error=self._goto_failed,
        )

    def _goto_failed(self, exc: BaseException) -> None:
        from desktop.services.township.model import NotFound

        self.show_list()
        text = report(self.staff, exc)
        if isinstance(exc, NotFound):
            text = self.tr("No item has the number {number} in your villages.").format(
                number=self.goto.text().strip()
            )
        self.list.say(text, error=True)
        self.goto.setFocus()

    def focus_search(self) -> None:
        if self.stack.currentWidget() is self.view:
            self.view.focus_search()
        else:
            self.list.focus_search()


class WorkListPart(Part[Host]):
    def __init__(self, staff: StaffContext) -> None:
        self.page = WorkDeskPage(staff)

    def pages(self) -> list[Page]:
        title = QCoreApplication.translate("Township", "Work list")
        return [Page(title, self.page, Place.REVIEW, focus=self.page.focus_search)]


class HistoryPart(Part[Host]):
    def __init__(self, staff: StaffContext) -> None:
        self.page = HistoryPage(staff)

    def pages(self) -> list[Page]:
        title = QCoreApplication.translate("Township", "History")
        return [Page(title, self.page, Place.REVIEW, focus=self.page.focus_search)]


class DuplicatesPart(Part[Host]):
    def __init__(self, staff: StaffContext) -> None:
        self.page = DuplicatesPage(staff)

    def pages(self) -> list[Page]:
        title = QCoreApplication.translate("Township", "Duplicate residents")
        return [Page(title, self.page, Place.REVIEW, focus=self.page.focus_search)]


class IndicatorsPart(Part[Host]):
    """The villages' common-prosperity figures side by side, with drill-down to one village."""

    def __init__(self, staff: StaffContext) -> None:
        self.page = StaffIndicatorsWidget(staff.desk.indicators, staff.runner)
        self.page.scope_label = staff_who(staff.desk)

    def pages(self) -> list[Page]:
        return [Page(QCoreApplication.translate("Township", "Indicators"), self.page, Place.REVIEW)]

    def attach(self, host: Host) -> None:
        self.page.refresh()


def staff_parts(staff: StaffContext) -> list[Part[Host]]:
    """Every part of the township staff window: a new screen is one more entry here."""
    return [WorkListPart(staff), HistoryPart(staff), DuplicatesPart(staff), IndicatorsPart(staff)]
