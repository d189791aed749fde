"""Households: the list on the left; the chosen household, its members, income and services on the right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.county_fields import added_fields
from desktop.ui.official.models import Column
from desktop.ui.official.records import RecordListPage
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.operations import load_record

DETAIL_FIELDS = ("household_no", "head_name", "address", "phone", "category", "status")


class HouseholdsPage(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("page_households")
        self.household_id: str | None = None
        self.list = RecordListPage(ui, "household", parent=self)
        self.list.current_changed.connect(self.show_household)
        self.list.record_deleted.connect(lambda _id: self.show_household(None))

        detail = QWidget(self)
        self.title = QLabel(self.tr("Choose a household on the left"), detail)
        self.title.setObjectName("household_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.edit_button = QPushButton(self.tr("Edit household"), detail)
        self.edit_button.setAutoDefault(False)
        self.edit_button.clicked.connect(self.list.edit_current)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.edit_button)

        box = QGroupBox(self.tr("Household"), detail)
        self.detail_form = QFormLayout(box)
        self.values: dict[str, QLabel] = {}
        self._detail_rows()

        self.tabs = QTabWidget(detail)
        self.members = RecordListPage(ui, "person", where={"household_id": None}, compact=True, parent=self)
        self.income = RecordListPage(ui, "income", where={"household_id": None}, compact=True, parent=self)
        self.services = RecordListPage(ui, "service", where={"household_id": None}, compact=True, parent=self)
        self.tabs.addTab(self.members, self.tr("Members"))
        self.tabs.addTab(self.income, self.tr("Income"))
        self.tabs.addTab(self.services, self.tr("Services"))
        for tab in (self.members, self.income, self.services):
            tab.refreshed.connect(self._update_tab_titles)

        right = QVBoxLayout(detail)
        right.addLayout(head)
        right.addWidget(box)
        right.addWidget(self.tabs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self._splitter_restored = False
        self._splitter_moved = False
        splitter.splitterMoved.connect(self._moved_by_hand)
        # The row numbers' width follows the count: place again once the list is filled.
        self.list.refreshed.connect(lambda _n: self._place_splitter())
        for side in (self.list, self.members):
            side.columns_widened.connect(self._place_splitter)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.splitter = splitter
        ui.bus.forms_changed.connect(self._forms_changed)
        self.show_household(None)

    def _detail_rows(self) -> None:
        """The household's fields in the detail, from the session's forms: the app's own (less any
        the county removed), then those the county added, with their labels as published."""
        form_layout = self.detail_form
        while form_layout.rowCount():
            form_layout.removeRow(0)
        self.values.clear()
        household_form = self.ui.session.forms["household"]
        lang = current_language()
        own = [household_form.field(n) for n in DETAIL_FIELDS if not household_form.field(n).hidden]
        box = form_layout.parentWidget()
        for f in [*own, *added_fields(self.ui.session.forms, "household")]:
            value = QLabel(box)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"detail_{f.name}")
            self.values[f.name] = value
            form_layout.addRow(f.label(lang), value)

    def _forms_changed(self) -> None:
        """A new county form version: the detail's rows follow it, the household shown again."""
        self._detail_rows()
        self.show_household(self.household_id)

    def restore_splitter(self, state: QByteArray) -> None:
        """The division the official left (instead of the first-start one)."""
        self._splitter_restored = self.splitter.restoreState(state)

    def _moved_by_hand(self, _pos: int, _index: int) -> None:
        self._splitter_moved = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._place_splitter()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The window is fitted to the screen after it is first shown: place the divider again,
        # until the official moves it (or one was restored).
        self._place_splitter()

    def _place_splitter(self) -> None:
        """First start: the list as wide as its columns need (phones whole), the detail the rest,
        but never less than its members' columns need (resident IDs whole) when there is room."""
        if (
            self._splitter_restored
            or self._splitter_moved
            or not self.isVisible()
            or self.splitter.width() <= 0
        ):
            return
        total = sum(self.splitter.sizes())
        detail = self.members.needed_width() + 24
        left = max(min(self.list.needed_width(), total - detail), total // 3)
        self.splitter.setSizes([left, total - left])

    # -- the detail ---------------------------------------------------------------------------------
    def show_household(self, household_id: str | None) -> None:
        self.household_id = household_id
        self.edit_button.setEnabled(household_id is not None)
        for tab in (self.members, self.income, self.services):
            tab.set_where({"household_id": household_id})
        if household_id is None:
            self.title.setText(self.tr("Choose a household on the left"))
            for label in self.values.values():
                label.clear()
            return
        load_record(self, self.ui.session, "household", household_id).success(self._fill).run_in_background(
            self.ui.runner
        )

    def _fill(self, record: dict[str, Any] | None) -> None:
        if record is None or record["id"] != self.household_id:
            return
        form = self.ui.session.forms["household"]
        lang = current_language()
        for name, label in self.values.items():
            f = form.field(name)
            label.setText(Column(name, f).display(record, lang))
        self.title.setText(
            self.tr("Household {number} — {head}").format(
                number=record.get("household_no") or "", head=record.get("head_name") or ""
            )
        )

    def _update_tab_titles(self) -> None:
        for i, (tab, text) in enumerate(
            (
                (self.members, self.tr("Members")),
                (self.income, self.tr("Income")),
                (self.services, self.tr("Services")),
            )
        ):
            self.tabs.setTabText(i, f"{text} ({tab.model.total()})" if self.household_id else text)

    # -- actions the main window routes here ----------------------------------------------------------
    def new_record(self) -> None:
        self.list.new_record()

    def add_member(self) -> None:
        if self.household_id is not None:
            self.tabs.setCurrentWidget(self.members)
            self.members.new_record()

    def focus_search(self) -> None:
        self.list.focus_search()

    def delete_current(self) -> None:
        focus = self.focusWidget()
        for tab in (self.members, self.income, self.services):
            if focus is not None and tab.isAncestorOf(focus):
                tab.delete_current()
                return
        self.list.delete_current()

    def refresh(self) -> None:
        self.list.refresh(changed=True)
