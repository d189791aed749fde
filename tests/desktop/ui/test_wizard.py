"""The first-run wizard's language page switches the language as soon as a button is chosen."""

from __future__ import annotations

from desktop.ui.wizard import SetupWizard


def test_choosing_a_language_reports_it_once(qtbot, runner) -> None:
    wizard = SetupWizard(runner, lambda choices: None, language="zh_CN")
    qtbot.addWidget(wizard)
    chosen: list[str] = []
    wizard.language_chosen.connect(chosen.append)
    wizard.language_page.en.click()
    wizard.language_page.zh.click()
    wizard.language_page.zh.click()  # already chosen: nothing new
    assert chosen == ["en", "zh_CN"]
    assert wizard.language_page.language() == "zh_CN"
