"""The printable village report: a PDF an official can print and post (Qt's own QPdfWriter).

A4 portrait: the title with the village, the income year and the date printed; the reference period;
the income coverage (with a warning when it is low); the headline figures; the four charts; then every
figure, data quality included (what the income figures leave out, and why). Only totals, shares and
averages are on it, never a name, a resident ID, a household number or an address: it is meant to be
posted on a notice board. The text layer is fixed after writing (:mod:`desktop.services.pdf_text`), so
``人口`` is found by search and copied as U+4EBA U+53E3.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QRawFont,
)
from PySide6.QtWidgets import QApplication

from desktop.services.pdf_text import fix_text_layer
from desktop.ui.shared.indicators_view import WARNING, chart_painters
from sync.indicator_labels import (
    coverage_warning,
    figures,
    format_value,
    reconciliation,
    reference_period,
)
from sync.schema import Forms, load_forms

HEADLINE = (
    "population.persons", "households.hh_total", "income.coverage_share", "income.records_of_year_fen",
    "income.mean", "income.median", "income.ratio",
    "income.gini", "income.under_hh", "income.under_persons", "coverage.medical", "coverage.pension",
    "services.svc_total", "income.line",
)  # fmt: skip
"""The figures at the top of the first page, in this order."""


class _RecordingPainter(QPainter):
    """A QPainter that also keeps every text it draws (charts included), so a test can prove that
    no personal data reached the page without depending on a PDF text extractor."""

    def __init__(self, device: QPdfWriter, texts: list[str]) -> None:
        super().__init__(device)
        self.texts = texts

    def drawText(self, *args: Any) -> None:  # type: ignore[override]
        self.texts.extend(a for a in args if isinstance(a, str))
        super().drawText(*args)


REPORT_FONTS = ("Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei")
"""Simplified-Chinese fonts tried in order for the report (the first one installed is used)."""


def report_font() -> QFont:
    font = QFont(QApplication.font())
    families = set(QFontDatabase.families())
    for name in REPORT_FONTS:
        if name in families:
            font.setFamily(name)
            break
    font.setPointSizeF(9.5)
    return font


def shared_glyph_fixes(fonts: list[QFont], texts: list[str]) -> dict[str, str]:
    """For each drawn character whose glyph the font also uses for a lower code point (Qt's PDF text
    layer would name that one): lower code point -> the drawn character."""
    drawn = {c for t in texts for c in t if ord(c) > 0x7F}
    bmp = "".join(chr(u) for u in range(0x80, 0x10000) if not 0xD800 <= u <= 0xDFFF)
    fixes: dict[str, str] = {}
    for font in fonts:
        glyphs = QRawFont.fromFont(font).glyphIndexesForString(bmp)
        if len(glyphs) != len(bmp):
            continue
        lowest: dict[int, str] = {}
        glyph_of: dict[str, int] = {}
        for ch, glyph in zip(bmp, glyphs, strict=True):
            glyph_of[ch] = glyph
            if glyph and glyph not in lowest:
                lowest[glyph] = ch
        for ch in drawn:
            glyph = glyph_of.get(ch, 0)
            if glyph and lowest[glyph] != ch:
                fixes[lowest[glyph]] = ch
    return fixes


def _row(p: QPainter, r: QRectF, label: str, value: str, *, bold_value: bool = False) -> None:
    """A label on the left and its value on the right of ``r``; the label never runs under the value
    (it is shortened with an ellipsis only if it cannot fit)."""
    font = QFont(p.font())
    value_font = QFont(font)
    value_font.setBold(bold_value)
    p.setFont(value_font)
    value_w = p.fontMetrics().horizontalAdvance(value)
    p.drawText(r, Qt.AlignmentFlag.AlignRight, value)
    p.setFont(font)
    room = r.width() - value_w - p.fontMetrics().height() * 0.6
    shown = p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, int(room))
    p.drawText(QRectF(r.left(), r.top(), room, r.height()), Qt.AlignmentFlag.AlignLeft, shown)


def write_report(
    path: Path | str,
    result: dict[str, Any],
    *,
    village: str,
    lang: str,
    printed: date | None = None,
    forms: Forms | None = None,
    texts: list[str] | None = None,
) -> int:
    """Write the report to ``path`` (.pdf); returns the number of pages. ``texts`` (if given)
    receives every string drawn."""
    forms = forms or load_forms()
    printed = printed or date.today()
    writer = QPdfWriter(str(path))
    writer.setResolution(200)
    writer.setTitle(QCoreApplication.translate("VillageReport", "Village indicators report"))
    writer.setCreator("Village Data Desk")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)
        )
    )
    p = _RecordingPainter(writer, texts if texts is not None else [])
    font = report_font()
    p.setFont(font)
    page = QRectF(0, 0, writer.width(), writer.height())
    fm = p.fontMetrics()
    line = fm.height() * 1.35
    pages = 1

    # Title
    big = QFont(font)
    big.setPointSizeF(17)
    big.setBold(True)
    p.setFont(big)
    y = page.top()
    heading = QRectF(page.left(), y, page.width(), p.fontMetrics().height() * 1.4)
    p.drawText(
        heading,
        Qt.AlignmentFlag.AlignLeft,
        QCoreApplication.translate("VillageReport", "Village indicators report"),
    )
    y += p.fontMetrics().height() * 1.6
    p.setFont(font)
    subtitle = QCoreApplication.translate(
        "VillageReport", "Village {village} · income year {year} · ages on {day} · printed {printed}"
    ).format(village=village, year=result["year"], day=result["date"], printed=printed.isoformat())
    p.drawText(QRectF(page.left(), y, page.width(), line), Qt.AlignmentFlag.AlignLeft, subtitle)
    y += line
    for sentence in (reference_period(result, lang), reconciliation(result, lang)):
        box = QRectF(page.left(), y, page.width(), line * 2.2)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        p.drawText(box, flags, sentence)
        y += max(line, p.boundingRect(box, flags, sentence).height() + line * 0.3)
    warning = coverage_warning(result, lang)
    if warning:
        bold = QFont(font)
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(QColor(WARNING))
        box = QRectF(page.left(), y, page.width(), line * 2.2)
        p.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, warning)
        p.setPen(QColor("black"))
        p.setFont(font)
        y += p.boundingRect(box, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, warning).height()
    y += line * 0.5

    # Headline figures: two columns of label and value
    figs = figures(result, lang, forms)
    by_key = {f.key: f for f in figs}
    heads = [by_key[k] for k in HEADLINE if k in by_key]
    col_w = page.width() / 2
    for i, f in enumerate(heads):
        x = page.left() + (i % 2) * col_w
        row_y = y + (i // 2) * line
        _row(p, QRectF(x, row_y, col_w - line, line), f.label, format_value(f, lang), bold_value=True)
    y += line * ((len(heads) + 1) // 2) + line * 0.6

    # Charts: 2 x 2
    charts = chart_painters(result, lang, forms)
    chart_h = (page.bottom() - y) / 2
    for i, chart in enumerate(charts):
        r = QRectF(page.left() + (i % 2) * col_w, y + (i // 2) * chart_h, col_w, chart_h)
        p.save()
        chart(p, r.adjusted(line * 0.3, line * 0.3, -line * 0.3, -line * 0.3))
        p.restore()

    # Every figure, on the following page(s), in two columns
    writer.newPage()
    pages += 1
    y = page.top()
    p.setFont(big)
    heading = QRectF(page.left(), y, page.width(), p.fontMetrics().height() * 1.4)
    p.drawText(
        heading, Qt.AlignmentFlag.AlignLeft, QCoreApplication.translate("VillageReport", "All figures")
    )
    y += p.fontMetrics().height() * 1.6
    p.setFont(font)
    top = y
    column = 0
    section = None
    for f in figs:  # every figure, data quality included
        rows = [("section", f.section)] if f.section != section else []
        section = f.section
        rows.append(("figure", f.label))
        for kind, text in rows:
            if y + line > page.bottom():
                column += 1
                y = top
                if column == 2:
                    writer.newPage()
                    pages += 1
                    column, top, y = 0, page.top(), page.top()
            x = page.left() + column * col_w
            if kind == "section":
                bold = QFont(font)
                bold.setBold(True)
                p.setFont(bold)
                p.drawText(
                    QRectF(x, y, col_w, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text
                )
                p.setFont(font)
            else:
                _row(p, QRectF(x + line, y, col_w - 2 * line, line), text, format_value(f, lang))
            y += line
    p.end()
    bold = QFont(font)
    bold.setBold(True)
    fix_text_layer(path, shared_glyph_fixes([font, bold], p.texts))
    return pages
