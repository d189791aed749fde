"""The roster import, step by step: choose the file, map the columns, read the report, confirm.

The work is in :mod:`desktop.services.roster_import` (no Qt) and runs on the task runner's database
thread with a progress bar and Cancel; this dialog only shows it. Nothing is written before the user
presses Import on a report without problems; the import is one transaction, so Cancel leaves the
village as it was.

A new county form version taken on sync while the dialog is open (``DataBus.forms_changed``): the
mapping lists the new version's items, each choice made kept, and a checked roster not yet imported
is checked again with it; work running then (reading, checking, importing) ends first. The template
is written from the forms in use when it is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services import roster_import as ri
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.errors import describe, plain_buttons
from desktop.ui.shared.file_dialogs import open_file, save_file
from desktop.ui.shared.i18n import current_language
from desktop.ui.shared.tasks import Task, TaskContext


def _zh() -> bool:
    return current_language().startswith("zh")


class RosterImportDialog(QDialog):
    checked = Signal(object)
    """The plan (ri.Plan) once the rows are checked."""
    imported = Signal(object)
    """``{"household": n, "person": m}`` once written."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.setObjectName("roster_import")
        self.setWindowTitle(self.tr("Import a roster from Excel"))
        self.resize(860, 600)
        self.roster: ri.Roster | None = None
        self.plan: ri.Plan | None = None
        self.task: Task | None = None
        self.made: dict[str, int] | None = None
        self.confirm: QMessageBox | None = None
        """The "close without importing?" question while it is open."""
        self._forms_moved = False
        """A new form version arrived while work was running or the dialog was closed: followed when
        the work ends or the dialog is shown again."""
        self.steps = QStackedWidget(self)
        self._file_step()
        self._mapping_step()
        self._report_step()
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.back_button = QPushButton(self.tr("Back"), self)
        self.next_button = QPushButton(self.tr("Next"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.next_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.cancel)
        ui.bus.forms_changed.connect(self._forms_changed)
        self._update_buttons()

    # -- steps ----------------------------------------------------------------------------------------
    def _file_step(self) -> None:
        page = QWidget(self)
        intro = QLabel(
            self.tr(
                "One row per person, with the household number, head, address and category of their "
                "household. Start from the template: its ID column is already text. Nothing is written "
                "until you have seen the check and press Import."
            ),
            page,
        )
        intro.setWordWrap(True)
        self.path = QLineEdit(page)
        self.path.setObjectName("roster_path")
        self.path.setPlaceholderText(self.tr("Excel workbook (.xlsx)"))
        choose = QPushButton(self.tr("Choose file…"), page)
        template = QPushButton(self.tr("Save the template…"), page)
        self.file_message = QLabel(page)
        self.file_message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(template)
        layout.addWidget(self.file_message)
        layout.addStretch(1)
        choose.clicked.connect(self._choose_file)
        template.clicked.connect(self._save_template)
        self.path.textChanged.connect(lambda _t: self._update_buttons())
        self.steps.addWidget(page)

    def _mapping_step(self) -> None:
        page = QWidget(self)
        intro = QLabel(
            self.tr("Which column of the file holds each item? Items marked * must be filled in."), page
        )
        intro.setWordWrap(True)
        self.mapping = QTableWidget(0, 2, page)
        self.mapping.setObjectName("roster_mapping")
        self.mapping.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Column in the file")])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.mapping, 1)
        self.steps.addWidget(page)
        self.combos: dict[ri.Key, QComboBox] = {}

    def _report_step(self) -> None:
        page = QWidget(self)
        self.summary = QLabel(page)
        self.summary.setObjectName("roster_summary")
        self.summary.setWordWrap(True)
        self.report = QTableWidget(0, 3, page)
        self.report.setObjectName("roster_report")
        self.report.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Column"), self.tr("Problem")])
        self.report.verticalHeader().setVisible(False)
        self.report.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.report.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.report, 1)
        self.steps.addWidget(page)

    # -- navigation ---------------------------------------------------------------------------------
    def _busy(self) -> bool:
        return self.task is not None and not self.task.done

    def _update_buttons(self) -> None:
        step = self.steps.currentIndex()
        busy = self._busy()
        self.back_button.setEnabled(step > 0 and not busy)
        if step == 2:
            self.next_button.setText(self.tr("Import"))
            self.next_button.setEnabled(bool(self.plan and self.plan.ok) and not busy)
        else:
            self.next_button.setText(self.tr("Next"))
            self.next_button.setEnabled(not busy and (step > 0 or bool(self.path.text().strip())))
        self.cancel_button.setText(
            self.tr("Close") if self.made is not None and not busy else self.tr("Cancel")
        )

    def back(self) -> None:
        self.steps.setCurrentIndex(max(0, self.steps.currentIndex() - 1))
        self._update_buttons()

    def next(self) -> None:
        step = self.steps.currentIndex()
        if step == 0:
            self.read_file(Path(self.path.text().strip()))
        elif step == 1:
            self.check_rows()
        elif step == 2:
            self.commit()

    def cancel(self) -> None:
        if self._busy():
            assert self.task is not None
            self.task.cancel()
            return
        self.reject()

    def _checked_not_imported(self) -> bool:
        return not self._busy() and self.made is None and bool(self.plan and self.plan.ok)

    def reject(self) -> None:
        """Closing the dialog stops any work in progress (an import then writes nothing). A checked
        import waiting for Import is never dropped without asking (Esc, Cancel, the window's close)."""
        if self._busy():
            assert self.task is not None
            self.task.cancel()
        elif self._checked_not_imported():
            self._ask_before_closing()
            return
        super().reject()

    def _ask_before_closing(self) -> None:
        if self.confirm is not None:
            return
        assert self.plan is not None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            self.tr(
                "The {persons} persons of the checked file have not been imported. "
                "Close without importing them?"
            ).format(persons=len(self.plan.planned)),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("roster_confirm_close")
        discard = box.addButton(QMessageBox.StandardButton.Discard)
        discard.setText(self.tr("Close without importing"))
        stay = box.addButton(self.tr("Back to the import"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        plain_buttons(box)
        self.confirm = box
        box.finished.connect(lambda _r: self._answered(box.clickedButton() is discard))
        box.finished.connect(box.deleteLater)
        box.open()

    def _answered(self, close: bool) -> None:
        self.confirm = None
        if close:
            QDialog.reject(self)
        else:
            self.next_button.setFocus()

    def _run(self, fn: Any, on_done: Any, text: str, *, network: bool = False) -> Task:
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat(text)
        submit = self.ui.runner.run_network if network else self.ui.runner.run_db
        task = submit(fn, name="roster", with_context=True)
        task.progressed.connect(self._progressed)
        task.succeeded.connect(on_done)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        return task

    def _progressed(self, done: int, total: int, _text: str) -> None:
        if total <= 0:  # reading: how many rows is not known before the end
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _finished(self) -> None:
        self.progress.setVisible(False)
        self._update_buttons()
        # Next was disabled while working, and the focus fell to the next button: Cancel, where a
        # later Enter closed the dialog. Give it back to the step's own button.
        focus = self.focusWidget()
        if self.next_button.isEnabled() and (focus is None or isinstance(focus, QPushButton)):
            self.next_button.setFocus()
        if self._forms_moved and self.isVisible():
            self._follow_forms()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ri.ImportCancelled):
            self._cancelled()
            return
        text = (exc.zh if _zh() else exc.en) if isinstance(exc, ri.ImportRefused) else describe(exc)
        self.file_message.setText(text)
        self.summary.setText(text)

    def _cancelled(self) -> None:
        self.summary.setText(self.tr("Cancelled: nothing was imported."))
        if self.steps.currentIndex() == 0:
            self.file_message.setText(self.tr("Cancelled: nothing was imported."))

    # -- a new county form version -------------------------------------------------------------------
    def _forms_changed(self) -> None:
        self._forms_moved = True
        if self.isVisible() and not self._busy():
            self._follow_forms()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._forms_moved and not self._busy():
            self._follow_forms()

    def _follow_forms(self) -> None:
        """The mapping from the session's forms (an item already there keeps the column chosen, a new
        one is looked for among the file's headers); the report, if one is shown for rows not
        imported, checked again."""
        self._forms_moved = False
        if self.roster is None:
            return
        kept = self.current_mapping()
        guess = ri.guess_mapping(self.ui.session.forms, self.roster.headers)
        self._fill_mapping(self.roster, {key: kept.get(key, found) for key, found in guess.items()})
        if self.plan is not None and self.steps.currentIndex() == 2:
            self.check_rows()

    # -- the work -----------------------------------------------------------------------------------
    def _choose_file(self) -> None:
        path = open_file(self, self.tr("Choose the roster"), self.tr("Excel workbook (*.xlsx)"))
        if path is not None:
            self.path.setText(str(path))

    def _save_template(self) -> None:
        path = save_file(
            self,
            self.tr("Save the template"),
            self.tr("roster-template.xlsx"),
            self.tr("Excel workbook (*.xlsx)"),
        )
        if path is not None:
            self.save_template(path)

    def save_template(self, path: Path) -> Task:
        from desktop.services.roster_template import write_template

        forms = self.ui.session.forms

        def done(saved: Path) -> None:
            self.file_message.setText(self.tr("Template saved: {path}").format(path=str(saved)))

        return self._run(lambda _ctx: write_template(path, forms), done, self.tr("Saving…"))

    def read_file(self, path: Path) -> Task:
        self.file_message.clear()
        forms = self.ui.session.forms

        def done(roster: ri.Roster) -> None:
            self.roster = roster
            self._fill_mapping(roster, ri.guess_mapping(forms, roster.headers))
            self.steps.setCurrentIndex(1)
            self._update_buttons()

        def work(ctx: TaskContext) -> ri.Roster:
            return ri.read_roster(path, progress=lambda d, t: ctx.progress(d, t),
                                  cancelled=lambda: ctx.cancelled)  # fmt: skip

        # Off the database thread: a big or hostile file never holds up the village's data.
        return self._run(work, done, self.tr("Reading…"), network=True)

    def _fill_mapping(self, roster: ri.Roster, guess: dict[ri.Key, int | None]) -> None:
        forms = self.ui.session.forms
        lang = current_language()
        fields = ri.roster_fields(forms)
        self.mapping.setRowCount(len(fields))
        self.combos = {}
        for i, (key, _fdef) in enumerate(fields):
            self.mapping.setItem(i, 0, QTableWidgetItem(ri.header_label(forms, key, lang)))
            combo = QComboBox(self.mapping)
            combo.addItem(self.tr("(not in the file)"), None)
            for c, header in enumerate(roster.headers):
                combo.addItem(header or self.tr("column {n}").format(n=c + 1), c)
            found = guess.get(key)
            combo.setCurrentIndex(0 if found is None else found + 1)
            self.mapping.setCellWidget(i, 1, combo)
            self.combos[key] = combo

    def current_mapping(self) -> dict[ri.Key, int | None]:
        return {key: combo.currentData() for key, combo in self.combos.items()}

    def check_rows(self) -> Task:
        assert self.roster is not None
        store, roster, mapping = self.ui.session.store, self.roster, self.current_mapping()

        def work(ctx: TaskContext) -> ri.Plan:
            return ri.check(store, roster, mapping, progress=lambda d, t: ctx.progress(d, t),
                            cancelled=lambda: ctx.cancelled)  # fmt: skip

        def done(plan: ri.Plan) -> None:
            self.plan = plan
            self._fill_report(plan)
            self.steps.setCurrentIndex(2)
            self._update_buttons()
            self.checked.emit(plan)

        return self._run(work, done, self.tr("Checking…"))

    def _fill_report(self, plan: ri.Plan) -> None:
        zh = _zh()
        if plan.ok:
            self.summary.setText(
                self.tr("{rows} rows checked, no problems: {households} new households and {persons} persons "
                        "will be added. Press Import to write them.").format(
                    rows=plan.rows, households=plan.new_households, persons=len(plan.planned))
            )  # fmt: skip
        elif not plan.rows:
            self.summary.setText(self.tr("The file has no rows under its header."))
        else:
            self.summary.setText(
                self.tr("{bad} of {rows} rows have problems. Nothing will be imported: correct them in Excel "
                        "and choose the file again.").format(bad=plan.bad_rows, rows=plan.rows)
            )  # fmt: skip
        self.report.setRowCount(len(plan.problems))
        for i, problem in enumerate(plan.problems):
            self.report.setItem(i, 0, QTableWidgetItem(str(problem.row)))
            self.report.setItem(i, 1, QTableWidgetItem(problem.column))
            self.report.setItem(i, 2, QTableWidgetItem(problem.zh if zh else problem.en))

    def commit(self) -> Task:
        assert self.plan is not None and self.plan.ok
        session, plan = self.ui.session, self.plan

        def work(ctx: TaskContext) -> dict[str, int]:
            made = ri.commit(session.store, plan, progress=lambda d, t: ctx.progress(d, t),
                             cancelled=lambda: ctx.cancelled)  # fmt: skip
            session.search.invalidate()
            return made

        def done(made: dict[str, int]) -> None:
            self.plan = None
            self.made = made
            self.summary.setText(
                self.tr("Imported {households} new households and {persons} persons.").format(
                    households=made["household"], persons=made["person"]
                )
            )
            self.report.setRowCount(0)
            self.steps.setCurrentIndex(2)
            self.ui.bus.changed.emit("*")
            self.imported.emit(made)

        return self._run(work, done, self.tr("Importing…"))
