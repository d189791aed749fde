"""The roster import dialog on a real encrypted store: file -> mapping -> report -> Import, with the
work on the task runner; bad rows block the import; Cancel during the write leaves nothing behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PySide6.QtWidgets import QComboBox

from desktop.services import roster_import as ri
from desktop.ui.official.import_wizard import RosterImportDialog
from desktop.ui.shared.context import UiContext
from sync.resident_id import make_resident_id
from tests.desktop.ui.conftest import VILLAGE
from tests.desktop.ui.helpers import WORK_MS

HEADERS = ["户号", "户主姓名", "家庭住址", "家庭类别", "姓名", "公民身份号码", "与户主关系", "民族"]


def _rid(n: int) -> str:
    return make_resident_id(VILLAGE[:6], date(1960 + n % 40, 1 + n % 12, 1 + n % 28), (n * 2) % 1000)


def _roster(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def _person(no: str, name: str, n: int, relation: str = "户主", head: str | None = None) -> list[Any]:
    return [no, head or name, "一组", "一般户", name, _rid(n), relation, "汉族"]


def _dialog(qtbot, ui: UiContext) -> RosterImportDialog:
    dialog = RosterImportDialog(ui)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _to_report(qtbot, dialog: RosterImportDialog, path: Path) -> ri.Plan:
    dialog.path.setText(str(path))
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=20000)
    with qtbot.waitSignal(dialog.checked, timeout=30000) as checked:
        dialog.next_button.click()
    assert dialog.steps.currentIndex() == 2
    plan = checked.args[0]
    assert isinstance(plan, ri.Plan)
    return plan


def test_a_good_roster_is_imported_after_confirming(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    rows = [
        _person("0001", "陈一", 1),
        _person("0001", "陈二", 2, "配偶", "陈一"),
        _person("0002", "林三", 3),
    ]
    path = _roster(tmp_path / "good.xlsx", rows)
    changed: list[str] = []
    ui.bus.changed.connect(changed.append)
    dialog = _dialog(qtbot, ui)
    assert dialog.windowTitle() == "从 Excel 导入花名册"
    plan = _to_report(qtbot, dialog, path)
    assert plan.ok and "没有问题" in dialog.summary.text()
    assert dialog.next_button.text() == "导入" and dialog.next_button.isEnabled()
    assert ui.session.store.person.count() == 0  # nothing before Import
    with qtbot.waitSignal(dialog.imported, timeout=30000) as done:
        dialog.next_button.click()
    assert done.args[0] == {"household": 2, "person": 3}
    store = ui.session.store
    assert store.household.count() == 2 and store.person.count() == 3 and store.pending_count() == 5
    assert "已导入" in dialog.summary.text() and dialog.cancel_button.text() == "关闭"
    assert changed == ["*"]
    assert len(ui.session.ids("person", "陈二")) == 1  # the search index was rebuilt


def test_the_mapping_can_be_changed(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    path = _roster(tmp_path / "m.xlsx", [_person("0001", "陈一", 1)])
    dialog = _dialog(qtbot, ui)
    dialog.path.setText(str(path))
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=20000)
    combo = dialog.combos[("person", "name")]
    assert isinstance(combo, QComboBox) and combo.currentText() == "姓名"
    combo.setCurrentIndex(0)  # "(not in the file)": the name is then missing on every row
    assert dialog.current_mapping()[("person", "name")] is None
    with qtbot.waitSignal(dialog.checked, timeout=30000) as checked:
        dialog.next_button.click()
    assert [(p.row, p.column) for p in checked.args[0].problems] == [(2, "姓名*")]


def test_bad_rows_are_listed_and_block_the_import(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    bad_id = int(_rid(5).replace("X", "0"))
    path = _roster(tmp_path / "bad.xlsx", [
        _person("0001", "陈一", 1),
        ["0001", "陈一", "一组", "一般户", "陈二", bad_id, "配偶", "汉族"],
        ["0002", "林三", "=A1&B1", "一般户", "林三", _rid(3), "户主", "汉族"],
    ])  # fmt: skip
    dialog = _dialog(qtbot, ui)
    plan = _to_report(qtbot, dialog, path)
    assert not plan.ok and dialog.report.rowCount() == 2
    rows = [(dialog.report.item(r, 0).text(), dialog.report.item(r, 1).text()) for r in range(2)]
    assert rows == [("3", "公民身份号码*"), ("4", "家庭住址*")]
    assert "数字" in dialog.report.item(0, 2).text() and "公式" in dialog.report.item(1, 2).text()
    assert "不会导入" in dialog.summary.text()
    assert not dialog.next_button.isEnabled()
    assert ui.session.store.household.count() == 0


def test_cancel_while_importing_writes_nothing(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    path = _roster(tmp_path / "big.xlsx", [_person(f"{i:04d}", f"户{i}", i) for i in range(1, 1201)])
    dialog = _dialog(qtbot, ui)
    plan = _to_report(qtbot, dialog, path)
    assert plan.ok
    dialog.next_button.click()  # Import
    task = dialog.task
    assert task is not None
    task.progressed.connect(lambda *_: dialog.cancel_button.click())  # Cancel at the first progress
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    qtbot.waitUntil(lambda: "取消" in dialog.summary.text(), timeout=WORK_MS)
    assert ui.session.store.household.count() == 0 and ui.session.store.pending_count() == 0
    assert dialog.isVisible()  # Cancel stopped the work; it did not close the dialog


def test_the_template_is_saved_from_the_dialog(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, ui)
    task = dialog.save_template(tmp_path / "模板.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=20000)
    assert (tmp_path / "模板.xlsx").exists() and "模板已保存" in dialog.file_message.text()


def test_closing_the_dialog_while_importing_writes_nothing(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    path = _roster(tmp_path / "big.xlsx", [_person(f"{i:04d}", f"户{i}", i) for i in range(1, 801)])
    dialog = _dialog(qtbot, ui)
    assert _to_report(qtbot, dialog, path).ok
    dialog.next_button.click()  # Import
    task = dialog.task
    assert task is not None
    task.progressed.connect(lambda *_: dialog.close())
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    assert not dialog.isVisible() and ui.session.store.household.count() == 0


def test_a_hostile_file_is_refused_in_plain_words_while_the_database_stays_free(
    qtbot, zh, ui: UiContext, tmp_path: Path
) -> None:
    import threading

    from tests.desktop.services.test_roster_hostile import by_hand, rows_xml

    sheet = rows_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1"><v>1</v></c></row>',
        '<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
        dimension="A1:XFD1048576",
    )
    path = by_hand(tmp_path / "huge.xlsx", sheet)
    dialog = _dialog(qtbot, ui)
    # The database thread is busy (a sync, an export): the file is read on another thread.
    release = threading.Event()
    blocker = ui.runner.run_db(lambda: release.wait(30))
    try:
        dialog.path.setText(str(path))
        task = dialog.read_file(path)
        with qtbot.waitSignal(task.finished, timeout=30000):
            pass
    finally:
        release.set()
    with qtbot.waitSignal(blocker.finished, timeout=30000):
        pass
    assert dialog.steps.currentIndex() == 0 and dialog.roster is None
    text = dialog.file_message.text()
    assert "列" in text or "行" in text
    assert "出错" not in text  # not "something went wrong inside the program"


def test_reading_a_file_can_be_cancelled(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    # Mid-read cancel is shown in tests/desktop/services/test_roster_hostile.py; here the dialog's
    # Cancel while reading stops the read and keeps the dialog open.
    path = _roster(tmp_path / "r.xlsx", [_person(f"{n:04d}", f"人{n}", n) for n in range(1, 3000)])
    dialog = _dialog(qtbot, ui)
    dialog.path.setText(str(path))
    task = dialog.read_file(path)
    assert dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    assert dialog.roster is None and dialog.steps.currentIndex() == 0
    assert "取消" in dialog.file_message.text()
    assert dialog.isVisible()


def _to_report_by_mouse(qtbot, dialog: RosterImportDialog, path: Path) -> None:
    """As an official does it: the path typed, then Next clicked with the mouse, twice."""
    from PySide6.QtCore import Qt

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WORK_MS)
    dialog.path.setText(str(path))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.steps.currentIndex() == 1, timeout=20000)
    with qtbot.waitSignal(dialog.checked, timeout=30000):
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is not None and dialog.task.done, timeout=WORK_MS)


def test_after_mouse_clicks_enter_imports_and_never_cancels(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    """The focus left on Next while it was disabled (checking) once fell to Cancel, and Enter then
    closed the dialog with nothing imported and no word. Now the focus is back on Import, as the
    summary's "press Import" says, and Enter imports."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    path = _roster(tmp_path / "good.xlsx", [_person("0001", "陈一", 1), _person("0002", "林三", 3)])
    dialog = _dialog(qtbot, ui)
    _to_report_by_mouse(qtbot, dialog, path)
    assert QApplication.focusWidget() is dialog.next_button and dialog.next_button.text() == "导入"
    with qtbot.waitSignal(dialog.imported, timeout=30000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert ui.session.store.person.count() == 2


def test_enter_on_cancel_asks_before_dropping_the_import(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    path = _roster(tmp_path / "good.xlsx", [_person("0001", "陈一", 1)])
    dialog = _dialog(qtbot, ui)
    _to_report_by_mouse(qtbot, dialog, path)
    dialog.cancel_button.setFocus()
    qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible(), timeout=WORK_MS)
    box = dialog.confirm
    assert isinstance(box, QMessageBox) and dialog.isVisible()
    assert "1" in box.text() and "没有导入" in box.text()
    # Enter again keeps the import (the question's default is to stay).
    qtbot.waitUntil(lambda: box.isAncestorOf(QApplication.focusWidget()), timeout=WORK_MS)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.confirm is None, timeout=WORK_MS)
    assert dialog.isVisible() and dialog.steps.currentIndex() == 2 and dialog.next_button.isEnabled()
    # Esc asks too; choosing to close says nothing was imported and closes.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible(), timeout=WORK_MS)
    box = dialog.confirm
    assert box is not None
    with qtbot.waitSignal(dialog.finished, timeout=WORK_MS):
        box.button(QMessageBox.StandardButton.Discard).click()
    assert not dialog.isVisible() and ui.session.store.person.count() == 0
