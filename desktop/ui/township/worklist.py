"""The township work list: every open item (one per field, all competing values in it), with record
names, form and field labels, village and age; counts per village; filters and sorting.

The server filters, sorts and pages (``TownshipService.items``); the model holds the items of the
pages fetched so far and asks for the next page when the view scrolls to the end (``fetchMore``),
always through the task runner.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.tasks import TaskRunner
from desktop.ui.township.staff_window import StaffContext, report

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
AGES = (None, 1, 7, 30)


class WorkListModel(QAbstractTableModel):
    """Items of the work list, fetched a page at a time from the county server."""

    loaded = Signal(int, object)
    """A first page arrived: (total matching, {village code: count})."""
    more_loaded = Signal(int)
    """A further page arrived; the argument is the number of rows now held."""
    load_failed = Signal(object)

    COLUMNS = ("number", "village", "record", "form", "field", "values", "age", "status")

    def __init__(self, runner: TaskRunner, desk: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.desk = desk
        self.items: list[Any] = []
        self.total = 0
        self.counts: dict[str, int] = {}
        self.query: dict[str, Any] = {"status": "open", "sort": "age"}
        self._generation = 0
        self._fetching = False

    # -- loading ----------------------------------------------------------------------------------
    def set_query(self, **query: Any) -> None:
        """Filter and sort anew: the list is emptied and the first page asked for."""
        self.query = dict(query)
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        desk, query = self.desk, dict(self.query)
        self._fetching = True
        # Callbacks are bound methods (Qt drops them with the model); the answer carries its generation.
        self.runner.run_network(
            lambda: (generation, 0, desk.items(**query, offset=0, limit=PAGE)),
            name="worklist",
            key=f"worklist-{id(self)}",
            on_done=self._first,
            on_error=self._failed,
        )

    def _first(self, answer: tuple[int, int, Any]) -> None:
        generation, _offset, page = answer
        if generation != self._generation:
            return
        self._fetching = False
        self.beginResetModel()
        self.items = list(page.items)
        self.total = page.total
        self.counts = dict(page.counts_by_village)
        self.endResetModel()
        self.loaded.emit(self.total, self.counts)

    def _failed(self, exc: BaseException) -> None:
        self._fetching = False
        self.load_failed.emit(exc)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self.items) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        generation = self._generation
        desk, query, offset = self.desk, dict(self.query), len(self.items)
        self._fetching = True
        self.runner.run_network(
            lambda: (generation, offset, desk.items(**query, offset=offset, limit=PAGE)),
            name="worklist-more",
            on_done=self._more,
            on_error=self._failed,
        )

    def _more(self, answer: tuple[int, int, Any]) -> None:
        generation, offset, page = answer
        if generation != self._generation or offset != len(self.items):
            return
        self._fetching = False
        new = [i for i in page.items if self.row_of(i.id) < 0]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.items), len(self.items) + len(new) - 1)
            self.items.extend(new)
            self.endInsertRows()
        self.total = page.total if new else len(self.items)
        self.more_loaded.emit(len(self.items))

    # -- items ------------------------------------------------------------------------------------
    def item_at(self, row: int) -> Any:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_of(self, item_id: str) -> int:
        return next((i for i, item in enumerate(self.items) if item.id == item_id), -1)

    def replace(self, item: Any) -> None:
        """An item came back changed (decided, or fresh after a refusal): show it in place."""
        row = self.row_of(item.id)
        if row >= 0:
            self.items[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    # -- the table --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return {
            "number": self.tr("No."),
            "village": self.tr("Village"),
            "record": self.tr("Record"),
            "form": self.tr("Form"),
            "field": self.tr("Field"),
            "values": self.tr("Competing values"),
            "age": self.tr("Waiting"),
            "status": self.tr("Status"),
        }[self.COLUMNS[section]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == "record":
            return f"{item.entity_label}: {item.record_title}"
        if role == Qt.ItemDataRole.ForegroundRole and not item.is_open:
            return QBrush(QColor("#666666"))
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def _text(self, item: Any, column: str) -> str:
        if column == "number":
            return str(item.number)
        if column == "village":
            return item.village_name or item.village_code
        if column == "record":
            return item.record_title or self.tr("(no name)")
        if column == "form":
            return item.entity_label
        if column == "field":
            return item.field_label
        if column == "values":
            if item.kind == "delete":
                return self.tr("Deleted against edited")
            return self.tr("village: {values}  ⇄  county: {county}").format(
                values=" / ".join(v.display for v in item.village_values), county=item.county.display
            )
        if column == "age":
            return item.age if item.is_open else ""  # a decided item waits no longer
        return self.tr("Open") if item.is_open else self.tr("Decided")


class WorkListPage(QWidget):
    """Filters above, the list below; Enter opens the item."""

    open_item = Signal(object)

    def __init__(self, staff: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        self.setObjectName("page_worklist")
        self.model = WorkListModel(staff.runner, staff.desk, self)
        account = getattr(staff.desk, "account", None)
        self.villages: dict[str, str] = dict(getattr(account, "villages", {}) or {})
        lang = current_language()

        self.village = QComboBox(self)
        self.village.setObjectName("filter_village")
        # As wide as its longest entry ("全部村 (312)"), never cut.
        self.village.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.form = QComboBox(self)
        self.form.setObjectName("filter_form")
        self.form.addItem(self.tr("All forms"), None)
        forms = staff.desk.forms
        for entity in ("household", "person", "income", "service"):
            if entity in forms:
                self.form.addItem(forms[entity].label(lang), entity)
        self.age = QComboBox(self)
        self.age.setObjectName("filter_age")
        for days in AGES:
            self.age.addItem(
                self.tr("Any age") if days is None else self.tr("Older than {days} days").format(days=days),
                days,
            )
        self.status = QComboBox(self)
        self.status.setObjectName("filter_status")
        self.status.addItem(self.tr("Open"), "open")
        self.status.addItem(self.tr("Decided"), "decided")
        self.status.addItem(self.tr("Open and decided"), "all")
        self.sort = QComboBox(self)
        self.sort.setObjectName("filter_sort")
        self.sort.addItem(self.tr("Oldest first"), "age")
        self.sort.addItem(self.tr("By village"), "village")
        self.sort.addItem(self.tr("By form"), "form")
        self.sort.addItem(self.tr("By household"), "household")
        self.sort.addItem(self.tr("By person"), "person")
        self.search = QLineEdit(self)
        self.search.setObjectName("worklist_search")
        self.search.setPlaceholderText(self.tr("Name, household number or resident ID (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.returnPressed.connect(self._search_now)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(400)
        self._search_timer.timeout.connect(self.filters_changed)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self._fill_villages({})
        for combo in (self.village, self.form, self.age, self.status, self.sort):
            combo.activated.connect(lambda _i: self.filters_changed())

        self.view = QTableView(self)
        self.view.setObjectName("table_worklist")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Shift+↑↓ and Ctrl+A select several items for one decision (Ctrl+B).
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in zip(range(8), (80, 90, 220, 80, 150, 330, 80, 70), strict=True):
            header.resizeSection(column, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(lambda index: self._open(index.row()))
        self.view.installEventFilter(self)

        self.count = QLabel(self)
        self.count.setObjectName("worklist_count")
        self.message = QLabel(self)
        self.message.setObjectName("worklist_message")
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        for label, combo in (
            (self.tr("Village"), self.village),
            (self.tr("Form"), self.form),
            (self.tr("Age"), self.age),
            (self.tr("Status"), self.status),
            (self.tr("Sort"), self.sort),
        ):
            caption = QLabel(label, self)
            caption.setBuddy(combo)
            bar.addWidget(caption)
            bar.addWidget(combo)
        bar.addStretch(1)
        bar.addWidget(self.count)
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        self.help = QLabel(
            self.tr("Enter opens the item; Shift+↑↓ or Ctrl+A select several, Ctrl+B decides them together."),
            self,
        )
        self.help.setObjectName("worklist_help")
        self.help.setStyleSheet("color: #444444;")
        find.addWidget(self.help)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(find)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.sort, self.search)
        QWidget.setTabOrder(self.search, self.view)
        shortcut = QShortcut(QKeySequence("Ctrl+F"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._focus_search_box)

        self.model.loaded.connect(self._loaded)
        self.model.load_failed.connect(self._failed)
        self._select_after: str | None = None
        self._keep_message = False
        self.refresh()

    # -- filters ----------------------------------------------------------------------------------
    def query(self) -> dict[str, Any]:
        return {
            "status": self.status.currentData(),
            "village": self.village.currentData(),
            "entity": self.form.currentData(),
            "min_age_days": self.age.currentData(),
            "sort": self.sort.currentData(),
            "query": self.search.text().strip() or None,
        }

    def _focus_search_box(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _search_now(self) -> None:
        """Enter in the search box: search now, then the list gets the keyboard."""
        self._search_timer.stop()
        self.filters_changed()
        self.view.setFocus()

    def selected_items(self) -> list[Any]:
        """The selected items, in list order (the current one when nothing else is selected)."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return [item for item in (self.model.item_at(r) for r in rows) if item is not None]

    def filters_changed(self) -> None:
        """The person changed a filter or the search: an earlier message no longer applies."""
        self._keep_message = False
        self.message.clear()
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        self._select_after = select if select is not None else self.current_id()
        self.model.set_query(**self.query())

    def _fill_villages(self, counts: dict[str, int]) -> None:
        current = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("All villages ({count})").format(count=sum(counts.values())), None)
        for code in sorted(set(self.villages) | set(counts)):
            name = self.villages.get(code, code)
            self.village.addItem(f"{name} ({counts.get(code, 0)})", code)
        self.village.setCurrentIndex(max(0, self.village.findData(current)))
        self.village.blockSignals(False)

    def _loaded(self, total: int, counts: dict[str, int]) -> None:
        self._fill_villages(counts)
        self.count.setText(self.tr("{count} items").format(count=total))
        if total == 0:
            self.message.setStyleSheet("color: #1b7f2a;")
            self.message.setText(self.tr("Nothing here: no item matches these filters."))
        elif not self._keep_message:
            self.message.clear()
        self._keep_message = False
        target = self._select_after
        self._select_after = None
        row = self.model.row_of(target) if target else -1
        if row < 0 and self.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.view.selectRow(row)

    def _failed(self, exc: BaseException) -> None:
        self.say(report(self.staff, exc), error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        """A message that stays over the next reload (what was just decided, or why not)."""
        self._keep_message = True
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b7f2a;")
        self.message.setText(text)

    # -- the list ---------------------------------------------------------------------------------
    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        item = self.model.item_at(index.row()) if index.isValid() else None
        return item.id if item is not None else None

    def _open(self, row: int) -> None:
        item = self.model.item_at(row)
        if item is not None:
            self.open_item.emit(item)

    def focus_search(self) -> None:
        self.view.setFocus()
        if not self.view.currentIndex().isValid() and self.model.rowCount() > 0:
            self.view.selectRow(0)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        # Enter opens the item (QTableView's "activated" needs a platform-dependent key).
        is_key = isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
        if watched is self.view and is_key and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open(self.view.currentIndex().row())
            return True
        return super().eventFilter(watched, event)
