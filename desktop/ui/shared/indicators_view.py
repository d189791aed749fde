"""A village's indicators on screen: four charts and, beside them, every figure.

:func:`chart_painters` turns a :func:`sync.indicators.compute` result into the four charts (population
pyramid, income by source, income distribution, insurance coverage); the screen and the printed
report both use it. :class:`IndicatorsView` shows one result; it does no work of its own (the page or
the staff view computes or fetches the result off the UI thread). Above the charts: the reference
period, and a warning in red when the income figures cover too few households; income figures that
do not stand for the village are marked and drawn in red in the table.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.charts import Bar, ChartWidget, Painter, paint_bars, paint_columns, paint_pyramid
from sync.indicator_labels import (
    age_label,
    choice_label,
    coverage_warning,
    figures,
    format_value,
    reconciliation,
    reference_period,
    text,
)
from sync.money import yuan
from sync.schema import Forms, load_forms

WARNING = "#b0281f"
"""The colour of the low-coverage warning and of the income figures it marks."""


def _yuan(fen: int | None, lang: str) -> str:
    return format_value((fen, "fen"), lang)


def chart_painters(result: dict[str, Any], lang: str, forms: Forms | None = None) -> list[Painter]:
    """The four charts of a result, in reading order."""
    forms = forms or load_forms()
    empty = QCoreApplication.translate("IndicatorsView", "No data yet")
    pyramid = [
        (age_label(g, lang), v.get("male", 0), v.get("female", 0))
        for g, v in result["population"]["pyramid"].items()
    ]
    inc = result["income"]
    sources = [
        Bar(
            choice_label(forms, "income", "source", s, lang),
            v / 100,
            f"{_yuan(v, lang)}  {format_value((inc['by_source_share'][s], 'share'), lang)}"
            if s in inc["by_source_share"]
            else _yuan(v, lang),  # no share of a total that is zero or negative
        )
        for s, v in inc["by_source_fen"].items()
    ]
    if not inc["households"]:
        sources = []
    groups = [
        QCoreApplication.translate("IndicatorsView", "Low"),
        QCoreApplication.translate("IndicatorsView", "Lower middle"),
        QCoreApplication.translate("IndicatorsView", "Middle"),
        QCoreApplication.translate("IndicatorsView", "Upper middle"),
        QCoreApplication.translate("IndicatorsView", "High"),
    ]
    quint = inc["quintile_means_fen"] or []
    columns = [Bar(g, q / 100, yuan(q)) for g, q in zip(groups, quint, strict=False)]
    cov = result["coverage"]

    def cover(label: str, part: dict[str, Any]) -> Bar:
        text = f"{format_value((part['share'], 'share'), lang)}  ({part['insured']}/{part['eligible']})"
        return Bar(label, part["share"] or 0.0, text)

    coverage = [
        cover(QCoreApplication.translate("IndicatorsView", "Medical (everyone)"), cov["medical"]),
        cover(
            QCoreApplication.translate("IndicatorsView", "Pension (aged {age}+)").format(
                age=cov["pension_age"]
            ),
            cov["pension"],
        ),
    ]
    if not cov["medical"]["eligible"]:
        coverage = []
    year = result["year"]
    line = (
        inc["line_fen"] / 100,
        QCoreApplication.translate("IndicatorsView", "Line {amount}").format(
            amount=_yuan(inc["line_fen"], lang)
        ),
    )

    def pyramid_chart(p: QPainter, r: QRectF) -> None:
        paint_pyramid(
            p,
            r,
            pyramid,
            title=QCoreApplication.translate("IndicatorsView", "Population by age and sex"),
            male=QCoreApplication.translate("IndicatorsView", "Men"),
            female=QCoreApplication.translate("IndicatorsView", "Women"),
            empty=empty,
        )

    sources_title = QCoreApplication.translate("IndicatorsView", "Income by source, {year}").format(year=year)
    covered = format_value((inc["coverage"]["share"], "share"), lang)
    coverage_note = QCoreApplication.translate("IndicatorsView", "{n} of {m} households, {share}").format(
        n=inc["coverage"]["households"], m=inc["coverage"]["active_households"], share=covered
    )
    low = text("low_mark", lang).strip() if inc["coverage"]["low"] else ""
    sources_note = f"{coverage_note} {low}".strip()
    fifths_title = QCoreApplication.translate("IndicatorsView", "Per-capita income by fifths (yuan)")
    gini = format_value((inc["gini"], "index"), lang)
    fifths_note = QCoreApplication.translate("IndicatorsView", "Gini {gini}").format(gini=gini)
    fifths_note = " · ".join(
        (fifths_note, QCoreApplication.translate("IndicatorsView", "coverage {share}").format(share=covered))
    )

    def sources_chart(p: QPainter, r: QRectF) -> None:
        paint_bars(p, r, sources, title=sources_title, empty=empty, note=sources_note)

    def distribution_chart(p: QPainter, r: QRectF) -> None:
        paint_columns(
            p, r, columns, title=fifths_title, empty=empty, note=fifths_note, line=line if columns else None
        )

    def coverage_chart(p: QPainter, r: QRectF) -> None:
        paint_bars(
            p,
            r,
            coverage,
            title=QCoreApplication.translate("IndicatorsView", "Insurance coverage"),
            empty=empty,
            full_scale=1.0,
        )

    return [pyramid_chart, sources_chart, distribution_chart, coverage_chart]


class FiguresTable(QTableWidget):
    """Every figure of a result: section rows in bold, then label and value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("indicator_figures")
        self.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("IndicatorsView", "Indicator"),
                QCoreApplication.translate("IndicatorsView", "Value"),
            ]
        )
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

    def show_result(self, result: dict[str, Any], lang: str, forms: Forms | None = None) -> None:
        rows: list[tuple[str, str, bool, bool]] = []
        section = None
        mark = text("low_mark", lang)
        for f in figures(result, lang, forms):
            if f.section != section:
                section = f.section
                rows.append((section, "", True, False))
            rows.append((f.label, format_value(f, lang), False, f.label.endswith(mark)))
        self.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        warn = QBrush(QColor(WARNING))
        for i, (label, value, is_section, marked) in enumerate(rows):
            left, right = QTableWidgetItem(label), QTableWidgetItem(value)
            left.setToolTip(f"{label}: {value}" if value else label)
            right.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if marked:
                left.setForeground(warn)
                right.setForeground(warn)
            if is_section:
                left.setFont(bold)
            self.setItem(i, 0, left)
            self.setItem(i, 1, right)

    def value_of(self, label: str) -> str | None:
        """The value shown beside ``label`` (tests and screen readers)."""
        for i in range(self.rowCount()):
            item = self.item(i, 0)
            if item is not None and item.text() == label:
                value = self.item(i, 1)
                return value.text() if value is not None else None
        return None


class IndicatorsView(QWidget):
    """Four charts in a 2x2 grid and the figures table to their right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.charts = [ChartWidget(self) for _ in range(4)]
        for i, chart in enumerate(self.charts):
            chart.setObjectName(f"chart_{('pyramid', 'sources', 'distribution', 'coverage')[i]}")
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, chart in enumerate(self.charts):
            grid.addWidget(chart, i // 2, i % 2)
        self.table = FiguresTable(self)
        self.table.setMinimumWidth(360)
        self.table.setMaximumWidth(440)
        self.reference = QLabel(self)
        self.reference.setObjectName("indicator_reference")
        self.reference.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setObjectName("indicator_coverage_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {WARNING}; font-weight: bold;")
        self.warning.hide()
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        self.reconciliation = QLabel(self)
        self.reconciliation.setObjectName("indicator_reconciliation")
        self.reconciliation.setWordWrap(True)
        left.addWidget(self.reference)
        left.addWidget(self.reconciliation)
        left.addWidget(self.warning)
        left.addLayout(grid, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(self.table)
        self.result: dict[str, Any] | None = None

    def show_result(self, result: dict[str, Any], lang: str, forms: Forms | None = None) -> None:
        self.result = result
        for chart, painter in zip(self.charts, chart_painters(result, lang, forms), strict=True):
            chart.set_painter(painter)
        self.table.show_result(result, lang, forms)
        self.reference.setText(reference_period(result, lang))
        self.reconciliation.setText(reconciliation(result, lang))
        warning = coverage_warning(result, lang)
        self.warning.setText(warning or "")
        self.warning.setVisible(warning is not None)
