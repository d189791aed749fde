"""The households page at 1366x768 with a 40 px taskbar, in the CJK font a Chinese desktop uses
(the default test font is narrower, and hid these): the search hint, the phone column and long
names show whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QTableView

from desktop.services import demo
from desktop.ui.official.main_window import MainWindow
from desktop.ui.shared.context import UiContext
from desktop.ui.shared.window_fit import fit_rect
from sync.resident_id import make_resident_id

LAPTOP = QRect(0, 0, 1366, 768 - 40)
CJK = "Noto Sans CJK SC"  # fonts-noto-cjk, in .ci/debian-packages.txt


@pytest.fixture
def cjk_font(qapp) -> Iterator[None]:
    assert CJK in QFontDatabase.families(), "install fonts-noto-cjk"
    before = QApplication.font()
    QApplication.setFont(QFont(CJK, 10))
    yield
    QApplication.setFont(before)


def _fits(view: QTableView, text: str, column: int) -> bool:
    return view.fontMetrics().horizontalAdvance(text) + 8 <= view.columnWidth(column)


def test_households_page_shows_hint_phones_and_long_names_whole(
    qtbot, zh, cjk_font, ui: UiContext, tmp_path
) -> None:
    store = ui.session.store
    demo.populate(store, 60)
    long_head = "欧阳娜仁其其格"  # seven characters
    household = ui.session.save(
        "household",
        None,
        {"household_no": "0099", "head_name": long_head, "address": "十二组108号", "category": "ordinary",
         "status": "active", "phone": "0871-65123456"},
    )  # fmt: skip
    rid = make_resident_id("530102", date(1961, 5, 4), 12)
    ui.session.save(
        "person",
        None,
        {"household_id": household, "name": long_head, "resident_id": rid, "relation": "head",
         "sex": "female", "birth_date": "1961-05-04", "ethnicity": "01", "status": "present"},
    )  # fmt: skip
    # As on the laptop: the window is fitted to the screen before it is first shown.
    window = MainWindow(ui, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.setGeometry(fit_rect(None, LAPTOP))
    window.show()
    page = window.households
    lst = page.list
    qtbot.waitUntil(lambda: lst.model.total() > 20)
    lst.select(household)
    qtbot.waitUntil(lambda: page.household_id == household and page.members.model.total() == 1)
    qtbot.waitUntil(lambda: page.members.model.cached(page.members.model.id_at(0) or "") is not None)
    qtbot.wait(100)

    hint = lst.filter.placeholderText()
    assert "Ctrl+F" in hint
    assert lst.filter.fontMetrics().horizontalAdvance(hint) + 24 <= lst.filter.width(), (
        hint,
        lst.filter.width(),
    )

    view, names = lst.view, [c.name for c in lst.columns]
    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width(), "the households list needs a scroll bar"
    phone = names.index("phone")
    assert header.fontMetrics().horizontalAdvance("联系电话") + 8 <= view.columnWidth(phone)
    model = lst.model
    for row in range(min(model.rowCount(), 40)):
        qtbot.waitUntil(lambda r=row: model.cached(model.id_at(r) or "") is not None)
        assert _fits(view, model.index(row, phone).data() or "", phone), model.index(row, phone).data()
    assert _fits(view, long_head, names.index("head_name"))

    members = page.members
    assert members.view.horizontalHeader().length() <= members.view.viewport().width()
    assert _fits(members.view, long_head, [c.name for c in members.columns].index("name"))
    assert _fits(members.view, rid, [c.name for c in members.columns].index("resident_id"))
