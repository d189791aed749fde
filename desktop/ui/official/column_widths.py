"""Column widths for the record lists, from what a column holds, so an 18-character resident ID, an
11-digit mobile (or a landline with its area code), a date or an amount always shows whole.

Widths come from the view's own font (a CJK font on a Chinese desktop is wider than a Latin one),
so they hold at any font size; the last column takes what is left.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHeaderView, QTableView

from desktop.ui.official.models import Column

PADDING = 14
"""Cell margins and the grid line, with room to spare (a cut-off last digit is what must not happen)."""

# The widest text each kind of column must show whole.
SAMPLES = {
    "resident_id": "53010219530219001X",
    "phone": "0371-12345678",
    "date": "2026-12-31",
    "money": "9,999,999.00",
    "int": "2026",
}
NAME_SAMPLE = "欧阳秀英"
"""Four characters: most Chinese names are two or three."""
HOUSEHOLD_NO_SAMPLE = "00000-00"


def _sample(column: Column, lang: str) -> str:
    f = column.field
    if f is None:
        return NAME_SAMPLE if column.name.endswith("_name") else HOUSEHOLD_NO_SAMPLE
    if f.type in SAMPLES:
        return SAMPLES[f.type]
    if f.type == "choice":
        return max((c.label(lang) for c in f.choices), key=len, default="")
    if f.name.endswith("_name") or f.name == "name":
        return NAME_SAMPLE
    if f.name == "household_no":
        return HOUSEHOLD_NO_SAMPLE
    return "一" * 6


def column_width(view: QTableView, column: Column, lang: str) -> int:
    """Pixels ``column`` needs in ``view``: its widest expected value, or its header if wider."""
    cell = view.fontMetrics().horizontalAdvance(_sample(column, lang))
    header = view.horizontalHeader()
    # The header text is drawn bold in some styles: a little room for that.
    title = header.fontMetrics().horizontalAdvance(column.header(lang)) * 1.05 + 6
    return int(max(cell, title)) + PADDING


def size_columns(view: QTableView, columns: Sequence[Column], lang: str) -> None:
    """Give each column of ``view`` the width it needs (the last one stretches over the rest)."""
    header = view.horizontalHeader()
    header.setMinimumSectionSize(24)
    for i, column in enumerate(columns):
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(i, column_width(view, column, lang))


NAME_COLUMNS = frozenset({"name", "head_name", "_head_name", "_person_name"})
LONGEST_NAME = "一" * 8
"""A name column grows to the longest name shown, up to eight characters (a longer one shows its
whole text in the tooltip)."""


def fit_names(view: QTableView, columns: Sequence[Column], texts: Sequence[Sequence[str]]) -> bool:
    """Widen name columns of ``view`` to the longest name in ``texts`` (rows of display texts, one per
    column); never narrower than the four-character sample they start at."""
    metrics = view.fontMetrics()
    cap = metrics.horizontalAdvance(LONGEST_NAME) + PADDING
    grew = False
    for i, column in enumerate(columns):
        if column.name not in NAME_COLUMNS:
            continue
        widest = max((metrics.horizontalAdvance(row[i]) for row in texts if i < len(row)), default=0)
        wanted = min(widest + PADDING, cap)
        if wanted > view.columnWidth(i) and i < len(columns) - 1:
            view.horizontalHeader().resizeSection(i, wanted)
            grew = True
    return grew


def needed_width(view: QTableView, columns: Sequence[Column], lang: str) -> int:
    """The width ``view`` needs to show every column whole, without a horizontal scroll bar."""
    frame = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
    if not view.verticalHeader().isHidden():
        frame += view.verticalHeader().sizeHint().width()
    # What each column needs, or more where it grew to its contents (names); the last one stretches.
    widths = [column_width(view, c, lang) for c in columns]
    grown = [max(w, view.columnWidth(i)) for i, w in enumerate(widths[:-1])]
    return frame + sum(grown) + sum(widths[-1:])
