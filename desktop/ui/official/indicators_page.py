"""The village's indicators page: charts and figures, the printable report, the Excel export.

Self-contained: built from the UI context alone (``IndicatorsPage(ui)``); it comes into the main
window with the Excel page as one part (:class:`ReportsPart`). The figures are computed on the task
runner's database thread; the page only shows them. Records changed elsewhere, or a new county form
version taken on sync (``DataBus.forms_changed``: the fields it marks for the indicators, its labels), mark
the figures stale: computed again at once if the page is on screen, else the next time it is shown.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.indicators import default_year, village_indicators
from desktop.ui.official.excel_page import ExcelPage
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.errors import show_error
from desktop.ui.shared.file_dialogs import save_file
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.indicators_view import IndicatorsView
from desktop.ui.shared.operations import Operation
from desktop.ui.shared.parts import Host, Page, Part
from desktop.ui.shared.tasks import Task
from sync.indicators import DEFAULT_LINE_FEN


class IndicatorsPage(QWidget):
    refreshed = Signal()
    exported = Signal(str)
    """Path of an Excel file just written."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("page_indicators")
        today = date.today()
        self.year = QSpinBox(self)
        self.year.setObjectName("indicator_year")
        self.year.setRange(1990, today.year)
        self.year.setValue(default_year(today))
        self.line = QSpinBox(self)
        self.line.setObjectName("indicator_line")
        self.line.setRange(0, 1_000_000)
        self.line.setSingleStep(500)
        self.line.setValue(DEFAULT_LINE_FEN // 100)
        self.line.setSuffix(self.tr(" yuan"))
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.pdf_button = QPushButton(self.tr("Print report (PDF)…"), self)
        self.excel_button = QPushButton(self.tr("Export to Excel…"), self)
        self.status = QLabel(self)
        self.status.setObjectName("indicator_status")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Income year"), self))
        bar.addWidget(self.year)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("Income line per person and year"), self))
        bar.addWidget(self.line)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.pdf_button)
        bar.addWidget(self.excel_button)
        self.view = IndicatorsView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.result: dict[str, Any] | None = None
        self._stale = True
        self.refresh_button.clicked.connect(self.refresh)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.line.editingFinished.connect(self.refresh)
        self.pdf_button.clicked.connect(self.choose_pdf)
        self.excel_button.clicked.connect(self.choose_excel)
        self.pdf_button.setEnabled(False)
        ui.bus.changed.connect(self._records_changed)
        ui.bus.forms_changed.connect(self._figures_moved)

    # -- figures ------------------------------------------------------------------------------------
    def _records_changed(self, _entity: str) -> None:
        self._figures_moved()

    def _figures_moved(self) -> None:
        """Records changed, or the session took a new county form version: the figures again, now if
        the page is on screen, else when it is shown; the year and the line chosen stay."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> Task:
        """Compute the figures on the database thread; ``refreshed`` when they are shown."""
        self._stale = False
        store, year, line_fen = self.ui.session.store, self.year.value(), self.line.value() * 100
        self.status.setText(self.tr("Computing…"))

        def work() -> dict[str, Any]:
            return village_indicators(store, year=year, line_fen=line_fen)

        return (
            Operation(self, work, name="indicators")
            .supersede("indicators")
            .success(self._show)
            .failure(self._failed)
            .run_in_background(self.ui.runner)
        )

    def _show(self, result: dict[str, Any]) -> None:
        self.result = result
        self.view.show_result(result, current_language(), self.ui.session.forms)
        self.status.setText(self.tr("As of {day}").format(day=result["date"]))
        self.pdf_button.setEnabled(True)
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("The figures could not be computed"))
        show_error(self, exc)

    # -- report and export ------------------------------------------------------------------------
    def choose_pdf(self) -> None:
        name = self.tr("village-report-{code}-{year}.pdf").format(
            code=self.ui.session.village_code, year=self.year.value()
        )
        path = save_file(self, self.tr("Save the village report"), name, "PDF (*.pdf)")
        if path is not None:
            self.write_pdf(path)

    def write_pdf(self, path: Path, texts: list[str] | None = None) -> int:
        """The printable report of the figures shown (no personal data on it). Returns pages;
        ``texts`` receives every string drawn on it."""
        from desktop.ui.shared.report_pdf import write_report

        assert self.result is not None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        pages = write_report(
            path, self.result, village=self.ui.session.village_code, lang=current_language(), texts=texts
        )
        self.status.setText(self.tr("Report saved: {path}").format(path=str(path)))
        return pages

    def choose_excel(self) -> None:
        name = self.tr("village-data-{code}.xlsx").format(code=self.ui.session.village_code)
        path = save_file(
            self, self.tr("Export the lists and indicators"), name, self.tr("Excel workbook (*.xlsx)")
        )
        if path is not None:
            self.export_excel(path)

    def export_excel(self, path: Path) -> Task:
        """Every list and the indicators to ``path``, on the database thread (logged by the store)."""
        from desktop.services.excel_export import export_village

        store, year, line_fen = self.ui.session.store, self.year.value(), self.line.value() * 100
        lang = current_language()
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.excel_button.setEnabled(False)
        self.status.setText(self.tr("Exporting…"))

        def done(_counts: Any) -> None:
            self.excel_button.setEnabled(True)
            self.status.setText(self.tr("Exported: {path}").format(path=str(path)))
            self.exported.emit(str(path))

        def failed(exc: BaseException) -> None:
            self.excel_button.setEnabled(True)
            self._failed(exc)

        return (
            Operation(
                self,
                lambda: export_village(store, path, year=year, line_fen=line_fen, lang=lang),
                name="excel_export",
            )
            .success(done)
            .failure(failed)
            .run_in_background(self.ui.runner)
        )


class ReportsPart(Part[Host]):
    """The indicators page and the Excel page; the Excel page exports the year the indicators page
    shows (and can be set on its own)."""

    def __init__(self, ui: UiContext) -> None:
        self.indicators, self.excel = IndicatorsPage(ui), ExcelPage(ui)
        self.indicators.year.valueChanged.connect(self.excel.year.setValue)

    def pages(self) -> list[Page]:
        return [
            Page(QCoreApplication.translate("MainWindow", "Indicators"), self.indicators),
            Page(QCoreApplication.translate("MainWindow", "Excel"), self.excel),
        ]
