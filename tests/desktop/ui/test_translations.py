"""Translations: the catalogue is complete and compiled, and no English is left on zh_CN screens."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QLineEdit, QListWidget, QTabWidget, QWidget

from desktop.ui import translations
from desktop.ui.official.import_wizard import RosterImportDialog
from desktop.ui.official.parts import official_parts
from desktop.ui.official.unlock import UnlockDialog
from desktop.ui.official.wizard import SetupWizard
from desktop.ui.shared.context import UiContext
from desktop.ui.township.staff_indicators import StaffIndicatorsWidget
from desktop.ui.township.staff_sign_in import StaffSignInDialog
from tests.desktop.ui.helpers import open_main_window

NOT_WORDS = {"Ctrl+N", "Del"}


def test_catalogue_is_complete_and_the_qm_current() -> None:
    report = translations.check("zh_CN")
    assert report.ok, str(report)


def _english_sources() -> set[str]:
    sources = {source for (_context, source) in translations.read_ts(translations.ts_path("zh_CN"))}
    return {s for s in sources if s not in NOT_WORDS and any(c.isalpha() for c in s)}


def _texts(root: QWidget) -> list[str]:
    out = [root.windowTitle()]
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        elif isinstance(w, QTabWidget):
            out.extend(w.tabText(i) for i in range(w.count()))
        elif isinstance(w, QListWidget):
            out.extend(w.item(i).text() for i in range(w.count()))
    return [t for t in out if t]


def test_no_english_left_on_chinese_screens(qtbot, zh, ui: UiContext, runner, tmp_path) -> None:
    english = _english_sources()
    window = open_main_window(qtbot, ui, tmp_path, official_parts(ui))
    sign_in = StaffSignInDialog(runner, ui.settings, lambda *_a: None, ca_dir=tmp_path)
    qtbot.addWidget(sign_in)
    importer = RosterImportDialog(ui)
    qtbot.addWidget(importer)
    staff = StaffIndicatorsWidget(lambda year, line: {}, runner)
    qtbot.addWidget(staff)
    wizard = SetupWizard(runner, lambda choices: None)
    qtbot.addWidget(wizard)
    unlock = UnlockDialog(runner, tmp_path / "x.vdd", ["clerk"])
    qtbot.addWidget(unlock)
    left = {}
    for root in (window, wizard, unlock, sign_in, importer, staff):
        for text in _texts(root):
            if text in english:
                left[text] = type(root).__name__
    assert left == {}
