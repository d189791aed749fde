"""The app's file dialogs: they start in Documents, speak Chinese throughout (labels, file kinds,
dates, even where the system locale is C), and a saved file is named by its full path."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QTreeView

from desktop.ui.official.excel_page import ExcelPage
from desktop.ui.shared import file_dialogs
from desktop.ui.shared.context import UiContext

UI = Path(file_dialogs.__file__).parents[1]  # desktop/ui, every screen


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setattr(file_dialogs, "_last_folder", None)
    monkeypatch.chdir(tmp_path)  # the process's working folder: never where a dialog opens
    return home / "Documents"


def test_a_file_dialog_starts_in_documents_and_speaks_chinese(qtbot, zh, documents: Path) -> None:
    sheet = documents / "花名册.xlsx"
    sheet.write_bytes(b"")
    stamp = datetime(2026, 12, 7, 9, 5).timestamp()
    os.utime(sheet, (stamp, stamp))
    (documents / "旧表").mkdir()
    dialog = file_dialogs.make_dialog(None, "选择花名册", "Excel 工作簿 (*.xlsx)")
    qtbot.addWidget(dialog)
    assert Path(dialog.directory().path()) == documents
    dialog.setViewMode(dialog.ViewMode.Detail)
    dialog.show()
    labels = {w.text() for w in dialog.findChildren(QLabel)}
    assert {"查找范围：", "文件名：", "文件类型："} <= labels
    assert not any(re.search(r"[A-Za-z]{3,}", text) for text in labels), labels
    view = dialog.findChild(QTreeView, "treeView")
    assert view is not None
    model = view.model()
    root = view.rootIndex()
    qtbot.waitUntil(lambda: model.rowCount(root) == 2, timeout=10000)

    def shown(row: int, column: int) -> str:
        index = model.index(row, column, root)
        option = file_dialogs.QStyleOptionViewItem()
        view.itemDelegate().initStyleOption(option, index)
        return option.text

    rows = {model.index(r, 0, root).data(): r for r in range(2)}
    assert shown(rows["旧表"], file_dialogs.KIND_COLUMN) == "文件夹"
    assert shown(rows["花名册.xlsx"], file_dialogs.KIND_COLUMN) == "xlsx 文件"
    assert shown(rows["花名册.xlsx"], file_dialogs.DATE_COLUMN) == "2026/12/7 09:05"
    assert shown(rows["花名册.xlsx"], file_dialogs.SIZE_COLUMN) == "0 字节"


def test_the_next_dialog_starts_where_the_last_file_was(qtbot, zh, documents: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "U盘"
    elsewhere.mkdir()
    file_dialogs.remember(elsewhere / "村数据.xlsx")
    dialog = file_dialogs.make_dialog(None, "保存", "Excel 工作簿 (*.xlsx)", save=True, name="村数据.xlsx")
    qtbot.addWidget(dialog)
    assert Path(dialog.directory().path()) == elsewhere
    assert dialog.defaultSuffix() == "xlsx"


def test_the_excel_page_names_the_whole_path_it_saved_to(qtbot, zh, ui: UiContext, tmp_path: Path) -> None:
    page = ExcelPage(ui)
    qtbot.addWidget(page)
    target = tmp_path / "导出" / "村数据.xlsx"
    target.parent.mkdir()
    task = page.export(target)
    qtbot.waitUntil(lambda: task.done, timeout=30000)
    assert page.status.text() == f"已导出：{target}"


def test_every_file_dialog_goes_through_the_one_helper() -> None:
    """The provisioning file was asked for in three places, each its own way."""
    for path in UI.rglob("*.py"):
        if path.name != "file_dialogs.py":
            assert "QFileDialog" not in path.read_text(encoding="utf-8"), path
