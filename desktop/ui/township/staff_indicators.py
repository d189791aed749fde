"""Township and county staff: every village side by side, who is behind on what, and drill-down.

Self-contained for the staff mode: ``StaffIndicatorsWidget(fetch, runner)`` where ``fetch(year,
line_fen)`` returns the JSON of the county server's ``GET /api/v1/staff/indicators`` (signed in as
staff; it is called on the task runner's network pool). The table is sortable by every column (by the
number, not the text), cells behind the targets are marked and say why, and a double click (or Enter)
opens the village's charts and figures from the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.indicators_view import IndicatorsView
from desktop.ui.shared.tasks import Task, TaskRunner
from sync.indicator_labels import format_value
from sync.indicators import DEFAULT_LINE_FEN
from sync.money import yuan

Fetch = Callable[[int, int], dict[str, Any]]
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
BEHIND = QColor("#f8d7d5")
INCOME_FIGURES = ("mean", "under", "gini")


@dataclass(frozen=True, slots=True)
class Targets:
    """Where a village counts as behind (county IT may tune these)."""

    medical: float = 0.95
    pension: float = 0.90
    stale_days: int = 30


def _days_since(epoch: int | None, today: date) -> int | None:
    return None if epoch is None else (today - datetime.fromtimestamp(epoch).date()).days


class VillageTableModel(QAbstractTableModel):
    """One row per village of an indicators answer; ``SORT_ROLE`` gives the number to sort by."""

    COLUMNS = ("code", "name", "persons", "households", "coverage", "mean", "under", "gini", "medical",
               "pension", "missing", "conflicts", "last_sync", "behind")  # fmt: skip

    def __init__(self, targets: Targets | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.targets = targets or Targets()
        self.rows: list[dict[str, Any]] = []
        self.today = date.today()
        self.headers = [
            self.tr("Code"), self.tr("Village"), self.tr("Persons"), self.tr("Households"),
            self.tr("Income coverage"), self.tr("Per-capita income"), self.tr("Under the line"),
            self.tr("Gini"), self.tr("Medical"), self.tr("Pension"), self.tr("Missing fields"),
            self.tr("Open conflicts"), self.tr("Last sync"), self.tr("Behind on"),
        ]  # fmt: skip

    def set_answer(self, answer: dict[str, Any]) -> None:
        self.beginResetModel()
        self.rows = []
        for code, v in answer.get("by_village", {}).items():
            self.rows.append(self._row(code, v))
        self.endResetModel()

    def _row(self, code: str, v: dict[str, Any]) -> dict[str, Any]:
        t = self.targets
        q, cov, inc = v["quality"], v["coverage"], v["income"]
        row = {
            "code": code, "name": v.get("name", ""), "persons": v["population"]["total"],
            "households": v["households"]["total"], "mean": inc["mean_fen"],
            "coverage": inc["coverage"]["share"],
            "under": inc["under_line_person_share"], "gini": inc["gini"], "medical": cov["medical"]["share"],
            "pension": cov["pension"]["share"], "missing": sum(q["required_missing"].values()),
            "conflicts": q["open_conflicts"], "last_sync": _days_since(q.get("last_push_at"), self.today),
            "figures": v,
        }  # fmt: skip
        why: dict[str, str] = {}
        if row["medical"] is not None and row["medical"] < t.medical:
            why["medical"] = self.tr("Medical insurance below {p}").format(
                p=format_value((t.medical, "share"))
            )
        if row["pension"] is not None and row["pension"] < t.pension:
            why["pension"] = self.tr("Pension insurance below {p}").format(
                p=format_value((t.pension, "share"))
            )
        if row["under"]:
            why["under"] = self.tr("Persons under the income line")
        if row["missing"]:
            why["missing"] = self.tr("Records missing required fields")
        if row["conflicts"]:
            why["conflicts"] = self.tr("Conflicts waiting for the township")
        if row["last_sync"] is None or row["last_sync"] > t.stale_days:
            why["last_sync"] = self.tr("No sync for more than {n} days").format(n=t.stale_days)
        if not inc["households"] and row["persons"]:
            why["mean"] = self.tr("No income recorded")
        elif inc["coverage"]["low"]:
            why["coverage"] = self.tr(
                "The income figures cover only {n} of {m} households: not the village's"
            ).format(n=inc["coverage"]["households"], m=inc["coverage"]["active_households"])
        left = sum(r["records"] for r in q.get("income_left_out", {}).values())
        if left:
            why["left_out"] = self.tr("{n} income records of the year left out of the figures").format(n=left)
        row["why"] = why
        return row

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def _text(self, name: str, value: Any, row: dict[str, Any]) -> str:
        lang = current_language()
        if name == "behind":
            return (
                "、".join(self._short(k) for k in row["why"])
                if lang.startswith("zh")
                else ", ".join(self._short(k) for k in row["why"])
            )
        if name == "last_sync":
            if value is None:
                return self.tr("never")
            return self.tr("today") if value <= 0 else self.tr("{n} days ago").format(n=value)
        if value is None:
            return format_value((None, ""), lang)
        if name == "mean":
            return yuan(value)
        if name in ("coverage", "under", "medical", "pension"):
            return format_value((value, "share"), lang)
        if name == "gini":
            return format_value((value, "index"), lang)
        return str(value)

    def _short(self, key: str) -> str:
        return {
            "medical": self.tr("medical"), "pension": self.tr("pension"), "under": self.tr("poverty"),
            "missing": self.tr("data"), "conflicts": self.tr("conflicts"), "last_sync": self.tr("sync"),
            "mean": self.tr("income"), "coverage": self.tr("coverage"),
            "left_out": self.tr("income left out"),
        }[key]  # fmt: skip

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
        name = self.COLUMNS[index.column()]
        value = len(row["why"]) if name == "behind" else row[name]
        # The income figures of a village with low coverage are marked with the coverage itself.
        reason = name if name not in INCOME_FIGURES or "coverage" not in row["why"] else "coverage"
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(name, value, row)
        if role == SORT_ROLE:
            if isinstance(value, str):
                return value
            return float("-inf") if value is None else float(value)
        if role == Qt.ItemDataRole.BackgroundRole and reason in row["why"]:
            return BEHIND
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "behind":
                return "\n".join(row["why"].values()) or None
            return row["why"].get(reason)
        if role == Qt.ItemDataRole.TextAlignmentRole and name not in ("code", "name", "behind"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def village_at(self, row: int) -> dict[str, Any]:
        return self.rows[row]


class StaffIndicatorsWidget(QWidget):
    loaded = Signal()
    village_opened = Signal(str)

    def __init__(self, fetch: Fetch, runner: TaskRunner, parent: QWidget | None = None,
                 targets: Targets | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("staff_indicators")
        self.fetch = fetch
        self.runner = runner
        self.answer: dict[str, Any] | None = None
        self.detail_code = ""
        today = date.today()
        self.year = QSpinBox(self)
        self.year.setRange(1990, today.year)
        self.year.setValue(today.year - 1)
        self.line = QSpinBox(self)
        self.line.setRange(0, 1_000_000)
        self.line.setSingleStep(500)
        self.line.setValue(DEFAULT_LINE_FEN // 100)
        self.line.setSuffix(self.tr(" yuan"))
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.pdf_button = QPushButton(self.tr("Print report (PDF)…"), self)
        self.pdf_button.setObjectName("staff_report_pdf")
        self.pdf_button.setEnabled(False)
        self.pdf_button.clicked.connect(self.choose_pdf)
        self.scope_label = ""
        """Who the rolled-up figures are of ("township 530102001"), for the report's title line."""
        self.summary = QLabel(self)
        self.summary.setObjectName("staff_summary")
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Income year"), self))
        bar.addWidget(self.year)
        bar.addWidget(QLabel(self.tr("Income line per person and year"), self))
        bar.addWidget(self.line)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.pdf_button)
        bar.addStretch(1)

        self.model = VillageTableModel(targets, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("village_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_village(self.proxy.mapToSource(index).row()))
        self.table.activated.connect(lambda index: self.open_village(self.proxy.mapToSource(index).row()))

        list_page = QWidget(self)
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(bar)
        list_layout.addWidget(self.summary)
        list_layout.addWidget(self.table, 1)
        detail_page = QWidget(self)
        self.back_button = QPushButton(self.tr("← All villages"), detail_page)
        self.detail_title = QLabel(detail_page)
        self.detail = IndicatorsView(detail_page)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.detail_title, 1)
        detail_layout = QVBoxLayout(detail_page)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addLayout(top)
        detail_layout.addWidget(self.detail, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(list_page)
        self.stack.addWidget(detail_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)
        self.back_button.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.refresh_button.clicked.connect(self.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        # Shown again: the figures (open conflicts, last sync) may have moved since they were fetched.
        super().showEvent(event)
        if not event.spontaneous() and self.answer is not None:
            self.refresh()

    def refresh(self) -> Task:
        """Fetch the answer on the network pool; ``loaded`` when the table shows it."""
        year, line_fen = self.year.value(), self.line.value() * 100
        self.summary.setText(self.tr("Loading…"))
        task = self.runner.run_network(lambda: self.fetch(year, line_fen), name="staff_indicators",
                                       key=f"staff_indicators-{id(self)}")  # fmt: skip
        task.succeeded.connect(self.show_answer)
        task.failed.connect(self._failed)
        return task

    def _failed(self, exc: BaseException) -> None:
        from desktop.ui.shared.errors import describe

        self.summary.setText(describe(exc))

    def show_answer(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.pdf_button.setEnabled(True)
        self.model.set_answer(answer)
        self.table.sortByColumn(VillageTableModel.COLUMNS.index("behind"), Qt.SortOrder.DescendingOrder)
        lang = current_language()
        behind = sum(1 for r in self.model.rows if r["why"])
        text = self.tr(
            "{n} villages, {persons} persons; per-capita income {mean}, Gini {gini}; "
            "{behind} villages behind on something (marked). Double-click a village for its charts."
        )
        text += " " + self.tr("As of {time}.").format(time=datetime.now().strftime("%H:%M"))
        self.summary.setText(
            text.format(
                n=len(self.model.rows),
                persons=answer["population"]["total"],
                mean=format_value((answer["income"]["mean_fen"], "fen"), lang),
                gini=format_value((answer["income"]["gini"], "index"), lang),
                behind=behind,
            )
        )
        detail = self.stack.currentIndex() == 1 and self.detail_code
        self.stack.setCurrentIndex(0)
        if detail:  # reloaded while a village was open: show that village's fresh figures
            row = next((i for i, r in enumerate(self.model.rows) if r["code"] == detail), -1)
            if row >= 0:
                self.open_village(row)
        self.loaded.emit()

    def choose_pdf(self) -> None:
        from desktop.ui.shared.file_dialogs import save_file

        name = self.tr("township-report-{year}.pdf").format(year=self.year.value())
        path = save_file(self, self.tr("Save the report"), name, "PDF (*.pdf)")
        if path is not None:
            self.write_pdf(path)

    def write_pdf(self, path: Any, texts: list[str] | None = None) -> int:
        """The rolled-up figures of every village shown (the township's or county's), as the
        village report prints them; no personal data. Returns the pages."""
        from desktop.ui.shared.report_pdf import write_report

        assert self.answer is not None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        rolled = {k: v for k, v in self.answer.items() if k != "by_village"}
        label = self.scope_label or self.tr("{n} villages").format(n=len(self.model.rows))
        pages = write_report(path, rolled, village=label, lang=current_language(), texts=texts)
        self.summary.setText(self.tr("Report saved: {path}").format(path=str(path)))
        return pages

    def open_village(self, row: int) -> None:
        village = self.model.village_at(row)
        self.detail_code = village["code"]
        self.detail_title.setText(f"{village['name']}  {village['code']}")
        self.detail.show_result(village["figures"], current_language())
        self.stack.setCurrentIndex(1)
        self.village_opened.emit(village["code"])
