"""Charts drawn with Qt's own QPainter: a population pyramid, horizontal bars, columns with a line.

No chart library: Qt Charts is deprecated since Qt 6.10 and pyqtgraph would add numpy (tens of MB to
the bundle and to start-up on a 4 GB laptop) for four simple charts. Each chart is a plain function
``paint_*(painter, rect, ...)`` sized from the painter's font, so the same code draws on screen
(:class:`ChartWidget`) and into the printed report (QPdfWriter). All text is given by the caller
(translated there); a chart never sees personal data, only totals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MALE = QColor("#3f6fb5")
FEMALE = QColor("#d0605e")
BAR = QColor("#4f8f6f")
NEGATIVE = QColor("#b0413e")
TRACK = QColor("#e6e9ee")
TEXT = QColor("#222222")
MUTED = QColor("#666666")
LINE = QColor("#c47f17")

Painter = Callable[[QPainter, QRectF], None]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str
    """What is written beside the bar (the value formatted for people)."""


def _title(p: QPainter, r: QRectF, title: str, note: str = "") -> QRectF:
    """Draw the title (and a muted note beside it); return the rect left below."""
    fm = p.fontMetrics()
    h = fm.height() * 1.5
    font = QFont(p.font())
    font.setBold(True)
    p.save()
    p.setFont(font)
    p.setPen(TEXT)
    p.drawText(
        QRectF(r.left(), r.top(), r.width(), h),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        title,
    )
    width = p.fontMetrics().horizontalAdvance(title)
    p.restore()
    if note:
        p.setPen(MUTED)
        p.drawText(
            QRectF(r.left() + width + fm.height(), r.top(), r.width() - width - fm.height(), h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            note,
        )
    return QRectF(r.left(), r.top() + h, r.width(), r.height() - h)


def _empty(p: QPainter, r: QRectF, text: str) -> None:
    p.setPen(MUTED)
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)


def paint_pyramid(
    p: QPainter,
    r: QRectF,
    rows: Sequence[tuple[str, int, int]],
    *,
    title: str,
    male: str,
    female: str,
    empty: str,
) -> None:
    """Age groups (youngest first in ``rows``; drawn oldest on top), men to the left, women right."""
    body = _title(p, r, title)
    fm = p.fontMetrics()
    peak = max([max(m, f) for _, m, f in rows] + [0])
    if not rows or peak == 0:
        _empty(p, body, empty)
        return
    legend_h = fm.height() * 1.3
    half = body.width() / 2
    p.setPen(MALE)
    p.drawText(
        QRectF(body.left(), body.top(), half - fm.height(), legend_h),
        Qt.AlignmentFlag.AlignRight,
        "■ " + male,
    )
    p.setPen(FEMALE)
    p.drawText(
        QRectF(body.left() + half + fm.height(), body.top(), half, legend_h),
        Qt.AlignmentFlag.AlignLeft,
        "■ " + female,
    )
    area = QRectF(body.left(), body.top() + legend_h, body.width(), body.height() - legend_h)
    label_w = max(fm.horizontalAdvance(label) for label, _, _ in rows) + fm.height() * 0.6
    value_w = fm.horizontalAdvance(str(peak)) + fm.height() * 0.4
    centre = area.center().x()
    span = (area.width() - label_w) / 2 - value_w
    row_h = area.height() / len(rows)
    bar_h = max(1.0, row_h * 0.72)
    for i, (label, m, f) in enumerate(reversed(rows)):
        y = area.top() + i * row_h
        mid = y + row_h / 2
        p.setPen(TEXT)
        p.drawText(QRectF(centre - label_w / 2, y, label_w, row_h), Qt.AlignmentFlag.AlignCenter, label)
        for count, color, sign in ((m, MALE, -1), (f, FEMALE, 1)):
            if not count:
                continue
            length = span * count / peak
            x0 = centre + sign * label_w / 2
            bar = QRectF(x0 - length if sign < 0 else x0, mid - bar_h / 2, length, bar_h)
            p.fillRect(bar, color)
            p.setPen(MUTED)
            text_r = (
                QRectF(bar.left() - value_w, y, value_w - 2, row_h)
                if sign < 0
                else QRectF(bar.right() + 2, y, value_w, row_h)
            )
            align = Qt.AlignmentFlag.AlignRight if sign < 0 else Qt.AlignmentFlag.AlignLeft
            p.drawText(text_r, align | Qt.AlignmentFlag.AlignVCenter, str(count))


def paint_bars(
    p: QPainter,
    r: QRectF,
    bars: Sequence[Bar],
    *,
    title: str,
    empty: str,
    note: str = "",
    full_scale: float | None = None,
    color: QColor = BAR,
) -> None:
    """Horizontal bars with a label on the left and the value written at the end. Negative values
    go left of a zero line. ``full_scale`` fixes the scale (1.0 for shares) and draws a track."""
    body = _title(p, r, title, note)
    fm = p.fontMetrics()
    if not bars:
        _empty(p, body, empty)
        return
    label_w = max(fm.horizontalAdvance(b.label) for b in bars) + fm.height() * 0.6
    text_w = max(fm.horizontalAdvance(b.text) for b in bars) + fm.height() * 0.5
    lo = min([0.0, *(b.value for b in bars)])
    hi = full_scale if full_scale is not None else max([0.0, *(b.value for b in bars)])
    scale_w = max(1.0, body.width() - label_w - text_w)
    extent = (hi - lo) or 1.0
    zero_x = body.left() + label_w + scale_w * (-lo / extent)
    row_h = min(body.height() / len(bars), fm.height() * 2.4)
    bar_h = min(row_h * 0.6, fm.height() * 1.2)
    for i, b in enumerate(bars):
        y = body.top() + i * row_h
        mid = y + row_h / 2
        p.setPen(TEXT)
        p.drawText(QRectF(body.left(), y, label_w - fm.height() * 0.3, row_h),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, b.label)  # fmt: skip
        if full_scale is not None:
            p.fillRect(QRectF(zero_x, mid - bar_h / 2, scale_w, bar_h), TRACK)
        length = scale_w * abs(b.value) / extent
        bar = QRectF(zero_x - length if b.value < 0 else zero_x, mid - bar_h / 2, length, bar_h)
        p.fillRect(bar, NEGATIVE if b.value < 0 else color)
        p.setPen(TEXT)
        end = max(bar.right(), zero_x) if full_scale is None else zero_x + scale_w
        p.drawText(QRectF(end + fm.height() * 0.3, y, text_w, row_h),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, b.text)  # fmt: skip
    if lo < 0:
        p.setPen(QPen(MUTED, 1))
        p.drawLine(QPointF(zero_x, body.top()), QPointF(zero_x, body.top() + row_h * len(bars)))


def paint_columns(
    p: QPainter,
    r: QRectF,
    columns: Sequence[Bar],
    *,
    title: str,
    empty: str,
    note: str = "",
    line: tuple[float, str] | None = None,
) -> None:
    """Vertical columns (labels under, values over), with an optional dashed reference line. The
    line's label is a legend above the plot, so it is never drawn over a column or its value."""
    body = _title(p, r, title, note)
    fm = p.fontMetrics()
    if not columns:
        _empty(p, body, empty)
        return
    if line is not None:  # legend row: a short dashed stroke and the label, right-aligned
        legend_h = fm.height() * 1.2
        legend_w = float(fm.horizontalAdvance(line[1]))
        stroke = fm.height() * 1.6
        right = body.right()
        pen = QPen(LINE, max(1.0, fm.height() / 10))
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        mid = body.top() + legend_h / 2
        p.drawLine(
            QPointF(right - legend_w - stroke - fm.height() * 0.3, mid),
            QPointF(right - legend_w - fm.height() * 0.3, mid),
        )
        p.setPen(LINE)
        p.drawText(
            QRectF(right - legend_w, body.top(), legend_w, legend_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            line[1],
        )
        body = QRectF(body.left(), body.top() + legend_h, body.width(), body.height() - legend_h)
    values = [c.value for c in columns] + ([line[0]] if line else [])
    lo, hi = min(0.0, *values), max(0.0, *values)
    extent = (hi - lo) or 1.0
    label_h = fm.height() * 1.4
    top = body.top() + fm.height() * 1.3
    plot_h = max(1.0, body.height() - label_h - fm.height() * 1.3)
    zero_y = top + plot_h * (hi / extent)
    slot = body.width() / len(columns)
    values_at: list[tuple[QRectF, str]] = []
    for i, c in enumerate(columns):
        x = body.left() + i * slot
        h = plot_h * abs(c.value) / extent
        bar = QRectF(x + slot * 0.18, zero_y - h if c.value >= 0 else zero_y, slot * 0.64, h)
        p.fillRect(bar, NEGATIVE if c.value < 0 else BAR)
        text_y = bar.top() - fm.height() * 1.2 if c.value >= 0 else bar.bottom()
        values_at.append((QRectF(x, text_y, slot, fm.height() * 1.2), c.text))
        p.setPen(TEXT)
        p.drawText(
            QRectF(x, top + plot_h + fm.height() * 0.2, slot, label_h), Qt.AlignmentFlag.AlignHCenter, c.label
        )
    p.setPen(QPen(MUTED, 1))
    p.drawLine(QPointF(body.left(), zero_y), QPointF(body.right(), zero_y))
    paper = QColor(255, 255, 255, 225)  # labels stay readable over a column or the line
    if line is not None:
        y = zero_y - plot_h * line[0] / extent
        pen = QPen(LINE, max(1.0, fm.height() / 10))
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(body.left(), y), QPointF(body.right(), y))
    p.setPen(TEXT)
    for rect, text in values_at:  # last, so nothing is drawn over a value
        width = fm.horizontalAdvance(text) + fm.height() * 0.3
        p.fillRect(QRectF(rect.center().x() - width / 2, rect.top(), width, rect.height()), paper)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class ChartWidget(QWidget):
    """Shows one chart; ``set_painter`` gives it what to draw (``None``: nothing yet)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._painter: Painter | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 190)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("white"))
        self.setPalette(palette)

    def set_painter(self, painter: Painter | None) -> None:
        self._painter = painter
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._painter is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        m = self.fontMetrics().height() * 0.6
        self._painter(p, QRectF(self.rect()).adjusted(m, m * 0.5, -m, -m * 0.5))
        p.end()
