"""The village official's records waiting on the township: my value beside the county's, and the
outcome once a sync brought the township's decision. One click from the status bar.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
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

from desktop.services.review import ReviewService
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.parts import Page, Part, Place, VillageHost
from desktop.ui.shared.views import read_only_rows


class WaitingPage(QWidget):
    refreshed = Signal(int, int)
    """(waiting, decided) rows shown."""

    def __init__(self, ui: UiContext, review: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.review = review
        self.setObjectName("page_waiting")
        self.rows: list[Any] = []
        self.intro = QLabel(
            self.tr(
                "Your values below differ from the county's, so the township decides which one stays. "
                "Until then the county's value is in force; the decision arrives with the next sync."
            ),
            self,
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 8, self)
        self.table.setObjectName("table_waiting")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("Record"),
                self.tr("Form"),
                self.tr("Field"),
                self.tr("Your value"),
                self.tr("County value"),
                self.tr("Outcome"),
                self.tr("Township note"),
            ]
        )
        read_only_rows(self.table)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column, width in enumerate((80, 190, 70, 90, 130, 130, 220)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.count = QLabel(self)
        self.count.setObjectName("waiting_count")
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        review = self.review
        self.ui.runner.run_db(
            lambda: review.records("all"), name="waiting", key=f"waiting-{id(self)}", on_done=self._show
        )

    def _show(self, rows: list[Any]) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        waiting = 0
        for r, row in enumerate(self.rows):
            mine = row.my_display
            if row.my_fields:
                mine = self.tr("; ").join(
                    self.tr("{field}: {value}").format(field=label, value=value)
                    for label, value in row.my_fields.items()
                )
            if row.status == "waiting":
                waiting += 1
                outcome = self.tr("Waiting on the township")
            else:
                stamp = (
                    datetime.fromtimestamp(row.decided_at).strftime("%m-%d %H:%M") if row.decided_at else ""
                )
                outcome = self.tr("{choice}: {value} ({user}, {time})").format(
                    choice=row.choice_label, value=row.decided_display, user=row.decided_by, time=stamp
                )
                if row.not_taken:
                    outcome += self.tr("; not taken: {fields}").format(
                        fields=self.tr("; ").join(
                            self.tr("{field}: {value}").format(field=label, value=value)
                            for label, value in row.not_taken.items()
                        )
                    )
            cells = (
                row.number,
                row.record_title or row.entity_label,
                row.entity_label,
                row.field_label,
                mine,
                row.county_display,
                outcome,
                row.note,
            )
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if row.status == "waiting":
                    cell.setForeground(QBrush(QColor("#a15c00")))
                elif not row.seen:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(r, c, cell)
        decided = len(self.rows) - waiting
        self.count.setText(
            self.tr("{waiting} waiting on the township, {decided} decided").format(
                waiting=waiting, decided=decided
            )
        )
        self.refreshed.emit(waiting, decided)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def focus_search(self) -> None:
        self.table.setFocus()
        if self.table.rowCount() and self.table.currentRow() < 0:
            self.table.selectRow(0)


class ReviewPart(Part[VillageHost]):
    """The official's side of township review: the waiting page, the status bar count (a button
    that opens the page), and the marks on records under review (through ``UiContext.review``)."""

    def __init__(self, ui: UiContext) -> None:
        self.ui = ui
        self.review = ReviewService(ui.session.store, language=current_language())
        ui.review = self.review
        self.page = WaitingPage(ui, self.review)
        self._seen_pending = False
        self.host: VillageHost | None = None
        ui.bus.changed.connect(self._changed)

    def pages(self) -> list[Page]:
        return [
            Page(
                QCoreApplication.translate("WaitingPage", "Waiting on township"),
                self.page,
                Place.REVIEW,
                focus=self.page.focus_search,
            )
        ]

    def attach(self, host: VillageHost) -> None:
        self.host = host
        self.status = host.status
        self.status.on_review_clicked(self.open)
        self.page.refreshed.connect(self._mark_seen_later)
        self.count()

    def open(self) -> None:
        if self.host is not None:
            self.host.show_page(self.page)

    def count(self) -> None:
        review = self.review
        self.ui.runner.run_db(
            lambda: (review.waiting_count(), review.unseen_decided_count()),
            name="review-count",
            key=f"review-count-{id(self)}",
            on_done=self._counted,
        )

    def _counted(self, counts: tuple[int, int]) -> None:
        waiting, unseen = counts
        self.status.set_review(waiting, unseen)

    def _changed(self, _entity: str) -> None:
        if self.host is None:
            return
        self.count()
        if self.page.isVisible():
            self.page.refresh()

    def _mark_seen_later(self, _waiting: int, _decided: int) -> None:
        # The official has the decisions in front of them: they stop counting as new.
        if not self.page.isVisible():
            return
        review = self.review
        self.ui.runner.run_db(review.mark_seen, name="review-seen", on_done=lambda _n: self.count())

    def shutdown(self) -> None:
        if self.ui.review is self.review:
            self.ui.review = None
        self.host = None
