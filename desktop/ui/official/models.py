"""Table models for the lists: they hold ids and fetch rows lazily through the task runner.

A model is given the full id list of a search (an ``IdList``: packed, a string is made only for a
row asked for; a plain list works too) and exposes it to the view in chunks
(``canFetchMore``/``fetchMore``), so a view over 100,000 persons starts with one chunk. Row
contents are fetched by id in blocks on the database thread when the view first asks for them and
kept in a bounded cache; until a block arrives its cells are empty, so scrolling never waits on the
database. Views never touch SQL.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop.ui.shared.tasks import TaskRunner
from sync.form_defs import FieldDef, FormDef
from sync.money import yuan

Index = QModelIndex | QPersistentModelIndex
RowFetcher = Callable[[list[str]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Column:
    """One list column: a field of the form, or a computed value (``text``)."""

    name: str
    field: FieldDef | None = None
    header_zh: str = ""
    header_en: str = ""
    text: Callable[[dict[str, Any], str], str] | None = None
    align_right: bool = False

    def header(self, lang: str) -> str:
        if self.field is not None:
            return self.field.label(lang)
        return self.header_zh if lang.startswith("zh") else self.header_en

    def display(self, row: dict[str, Any], lang: str) -> str:
        if self.text is not None:
            return self.text(row, lang)
        value = row.get(self.name)
        if value is None:
            return ""
        f = self.field
        if f is not None and f.type == "choice":
            return f.choice_label(value, lang) or str(value)
        if f is not None and f.type == "money":
            return yuan(int(value))
        return str(value)


def field_columns(form: FormDef, names: Sequence[str]) -> list[Column]:
    out = []
    for name in names:
        f = form.field(name)
        out.append(Column(name, f, align_right=f.type in ("money", "int")))
    return out


class RecordTableModel(QAbstractTableModel):
    """Rows are record ids; cells come from a row cache filled in blocks off the UI thread."""

    rows_arrived = Signal()
    """A block of rows came in and the view was told (tests wait on this)."""
    ids_changed = Signal(int)
    """A new id list was set; the argument is its length."""

    CHUNK = 1000
    BLOCK = 100
    CACHE_ROWS = 2000
    """Rows kept: about 60 screens of a list, so scrolling back shows them at once."""

    def __init__(
        self,
        runner: TaskRunner,
        fetch_rows: RowFetcher,
        columns: Sequence[Column],
        *,
        language: str = "zh_CN",
        name: str = "records",
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._fetch_rows = fetch_rows
        self._columns = list(columns)
        self._keep = ("id", *(c.name for c in self._columns))
        self._language = language
        self._name = name
        self._ids: Sequence[str] = []
        self._shown = 0
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._marked: frozenset[str] = frozenset()
        self.mark_text = ""
        """Tooltip of a marked row (records waiting on the township)."""
        self._incomplete: frozenset[str] = frozenset()
        self.incomplete_text = ""
        """Sign before the first column of a record to complete (a required field has no value)."""
        self.incomplete_tip = ""

    # -- ids --------------------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[str]) -> None:
        self.beginResetModel()
        self._generation += 1
        self._ids = ids
        self._shown = min(len(ids), self.CHUNK)
        self._pending.clear()
        self.endResetModel()
        self.ids_changed.emit(len(ids))

    def total(self) -> int:
        return len(self._ids)

    def set_marked(self, ids: set[str] | frozenset[str], text: str = "") -> None:
        """Mark rows (records under township review): a sign in the first column and a tooltip."""
        marked = frozenset(ids)
        if marked == self._marked:
            return
        self._marked = marked
        self.mark_text = text or self.mark_text
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(self._columns) - 1))

    def set_incomplete(self, ids: set[str] | frozenset[str], text: str, tip: str) -> None:
        """Mark records lacking a value for a field the forms now require (``text`` in the first
        column, ``tip`` its tooltip)."""
        incomplete = frozenset(ids)
        if incomplete == self._incomplete and text == self.incomplete_text:
            return
        self._incomplete, self.incomplete_text, self.incomplete_tip = incomplete, text, tip
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, 0))

    def is_incomplete(self, row: int) -> bool:
        record_id = self.id_at(row)
        return record_id is not None and record_id in self._incomplete

    def is_marked(self, row: int) -> bool:
        record_id = self.id_at(row)
        return record_id is not None and record_id in self._marked

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < self._shown else None

    def row_of(self, record_id: str) -> int:
        """Row of ``record_id`` (shown or not: callers ensure it is shown); -1 if absent."""
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def ensure_shown(self, row: int) -> None:
        while row >= self._shown and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def cached(self, record_id: str) -> dict[str, Any] | None:
        """The cached row of ``record_id``: its id and the values its columns show."""
        return self._cache.get(record_id)

    def forget(self, ids: Sequence[str] | None = None) -> None:
        """Drop cached rows (all, or ``ids``) after they changed, and refetch what is shown."""
        if ids is None:
            self._cache.clear()
        else:
            for record_id in ids:
                self._cache.pop(record_id, None)
        self._pending.clear()
        self._generation += 1
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(self._columns) - 1))

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show ``columns`` instead (the county's forms changed: a field added, removed or relabelled);
        the rows are fetched again for what they show now, the ids and their order stay."""
        self.beginResetModel()
        self._columns = list(columns)
        self._keep = ("id", *(c.name for c in self._columns))
        self._cache.clear()
        self._pending.clear()
        self._generation += 1
        self.endResetModel()

    def set_language(self, language: str) -> None:
        self._language = language
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(self._columns) - 1))

    # -- Qt model ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        more = min(self.CHUNK, len(self._ids) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].header(self._language)
        if orientation == Qt.Orientation.Vertical and 0 <= section < self._shown:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._shown):
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        marked = bool(self._marked) and self._ids[index.row()] in self._marked
        if role == Qt.ItemDataRole.ForegroundRole and marked:
            return QBrush(QColor("#a15c00"))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._cache.get(self._ids[index.row()])
        if row is None:
            self._request(index.row())
            return None
        text = column.display(row, self._language)
        if index.column() != 0:
            return text
        incomplete = self._ids[index.row()] in self._incomplete
        if role == Qt.ItemDataRole.ToolTipRole and (marked or incomplete):
            return "\n".join(
                t for t, on in ((self.mark_text, marked), (self.incomplete_tip, incomplete)) if on
            )
        if incomplete:  # after the text: the household number or name stays readable
            text = f"{text} [{self.incomplete_text}]"
        return "⚑ " + text if marked else text

    # -- lazy rows ----------------------------------------------------------------------------------
    def _request(self, row: int) -> None:
        start = row - row % self.BLOCK
        if start in self._pending:
            return
        self._pending.add(start)
        ids = list(self._ids[start : min(start + self.BLOCK, self._shown)])
        generation = self._generation
        fetch, keep = self._fetch_rows, self._keep

        def fetch_block() -> list[dict[str, Any]]:
            # On the database thread. The cache keeps what the columns show: a whole record is
            # about three times that.
            return [{name: row.get(name) for name in keep} for row in fetch(ids)]

        self._runner.run_db(
            fetch_block,
            name=f"{self._name}-rows",
            on_done=lambda rows: self._arrived(generation, start, ids, rows),
            on_error=lambda _exc: self._pending.discard(start),
        )

    def _arrived(self, generation: int, start: int, ids: list[str], rows: list[dict[str, Any]]) -> None:
        found = {row["id"]: row for row in rows}
        for record_id in ids:
            # A record gone since the search still gets a (blank) row, so it is not asked for again.
            self._cache[record_id] = found.get(record_id) or {"id": record_id}
            self._cache.move_to_end(record_id)
        while len(self._cache) > self.CACHE_ROWS:
            self._cache.popitem(last=False)
        if generation != self._generation:
            return
        self._pending.discard(start)
        end = min(start + self.BLOCK, self._shown) - 1
        if end >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(end, len(self._columns) - 1))
        self.rows_arrived.emit()
