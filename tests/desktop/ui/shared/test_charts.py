"""The charts' own drawing: the income line's label never lies over a column or a column's value."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from desktop.ui.shared.charts import BAR, Bar, paint_columns


class _Recorder(QPainter):
    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[tuple[QRectF, str]] = []
        self.bars: list[QRectF] = []

    def drawText(self, *args: Any) -> None:  # type: ignore[override]
        if isinstance(args[0], QRectF) and isinstance(args[-1], str):
            self.texts.append((QRectF(args[0]), args[-1]))
        super().drawText(*args)

    def fillRect(self, *args: Any) -> None:  # type: ignore[override]
        if isinstance(args[0], QRectF) and isinstance(args[1], QColor) and args[1] == BAR:
            self.bars.append(QRectF(args[0]))
        super().fillRect(*args)


def test_the_line_label_is_drawn_clear_of_the_columns(qapp) -> None:
    # The line (6,000) crosses the lower columns and the label's old place was at the right end, over
    # the top fifth's column: each case is drawn at the size of the screen's chart and the PDF's.
    columns = [
        Bar(g, v, f"{v:,.2f}")
        for g, v in zip("ABCDE", (2_145.1, 6_131.52, 11_508.84, 17_475.29, 31_398.57), strict=True)
    ]
    for width, height in ((420, 290), (300, 200), (900, 600)):
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        p = _Recorder(image)
        paint_columns(
            p,
            QRectF(0, 0, width, height),
            columns,
            title="五等份",
            empty="",
            line=(6_000.0, "收入线 6,000.00 元"),
        )
        p.end()
        (label,) = [r for r, t in p.texts if t.startswith("收入线")]
        assert len(p.bars) == 5
        assert not any(label.intersects(bar) for bar in p.bars), (width, height)
        values = [r for r, t in p.texts if t in {c.text for c in columns}]
        assert len(values) == 5 and not any(label.intersects(v) for v in values)
