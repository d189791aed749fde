"""The Excel page: export every list and the indicators, save the roster template, import a roster.

Self-contained (``ExcelPage(ui)``); in the window through ``ReportsPart``. Each action is an explicit
click that asks where the file goes; the work runs on the task runner.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop.services.indicators import default_year
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.file_dialogs import save_file
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.operations import Operation
from desktop.ui.shared.tasks import Task


class ExcelPage(QWidget):
    exported = Signal(str)

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("page_excel")
        out_box = QGroupBox(self.tr("Export"), self)
        out_text = QLabel(
            self.tr(
                "Households, persons, income, services and the indicators in one workbook, with Chinese "
                "headers and amounts in yuan. The file holds personal data: keep it safe. Every export "
                "is recorded."
            ),
            out_box,
        )
        out_text.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export to Excel…"), out_box)
        today = date.today()
        self.year = QSpinBox(out_box)
        self.year.setObjectName("excel_year")
        self.year.setRange(1990, today.year)
        self.year.setValue(default_year(today))
        year_row = QHBoxLayout()
        year_row.addWidget(QLabel(self.tr("Indicators for the income year"), out_box))
        year_row.addWidget(self.year)
        year_row.addStretch(1)
        out_layout = QVBoxLayout(out_box)
        out_layout.addWidget(out_text)
        out_layout.addLayout(year_row)
        out_layout.addWidget(self.export_button)
        in_box = QGroupBox(self.tr("Import a roster"), self)
        in_text = QLabel(
            self.tr(
                "Register many households and persons at once from an Excel roster. Every row is "
                "checked first; nothing is written until you confirm."
            ),
            in_box,
        )
        in_text.setWordWrap(True)
        self.import_button = QPushButton(self.tr("Import a roster…"), in_box)
        in_layout = QVBoxLayout(in_box)
        in_layout.addWidget(in_text)
        in_layout.addWidget(self.import_button)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(out_box)
        layout.addWidget(in_box)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.export_button.clicked.connect(self.choose_export)
        self.import_button.clicked.connect(self.open_import)
        self.dialog: QWidget | None = None

    def choose_export(self) -> None:
        name = self.tr("village-data-{code}.xlsx").format(code=self.ui.session.village_code)
        path = save_file(
            self, self.tr("Export the lists and indicators"), name, self.tr("Excel workbook (*.xlsx)")
        )
        if path is not None:
            self.export(path)

    def export(self, path: Path) -> Task:
        from desktop.services.excel_export import export_village

        store, lang, year = self.ui.session.store, current_language(), self.year.value()
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Exporting…"))

        def done(_counts: object) -> None:
            self.export_button.setEnabled(True)
            self.status.setText(self.tr("Exported: {path}").format(path=str(path)))
            self.exported.emit(str(path))

        def failed(exc: BaseException) -> None:
            from desktop.ui.shared.errors import show_error

            self.export_button.setEnabled(True)
            self.status.clear()
            show_error(self, exc)

        return (
            Operation(self, lambda: export_village(store, path, year=year, lang=lang), name="excel_export")
            .success(done)
            .failure(failed)
            .run_in_background(self.ui.runner)
        )

    def open_import(self) -> QWidget:
        from desktop.ui.official.import_wizard import RosterImportDialog

        dialog = RosterImportDialog(self.ui, self)
        self.dialog = dialog
        dialog.open()
        return dialog
