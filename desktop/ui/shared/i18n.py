"""Interface language: our own translations plus Qt's for its standard dialogs.

Source strings are English (``self.tr`` in leaf classes, ``QCoreApplication.translate`` elsewhere);
``resources/translations/village_desk_zh_CN.qm`` holds the Chinese. Qt's own buttons and dialogs
(Yes/No, file dialogs, the calendar) come from ``qtbase_zh_CN.qm`` shipped with PySide6. Form labels
and choice names are not here: they come from the form schema in both languages.

How the .qm is kept current: see ``desktop/ui/translations.py`` (``python -m desktop.ui.translations``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from sync.resources import resources_dir

DEFAULT_LANGUAGE = "zh_CN"
CATALOG = "village_desk"
_installed: list[QTranslator] = []
_current = "en"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def current_language() -> str:
    """``zh_CN`` or ``en``: what the schema's label(lang) calls expect."""
    return _current


def install_language(language: str) -> bool:
    """Switch the running application to ``language`` (``zh_CN`` or ``en``).

    Returns False when the compiled catalogue is missing (the app then runs in English).
    Widgets already shown keep their text; callers rebuild them (the app rebuilds its windows).
    """
    global _current
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication first")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _current = "en"
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.China))
    if language == "en":
        return True
    ours = QTranslator(app)
    if not ours.load(f"{CATALOG}_{language}", str(translations_dir())):
        return False
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        qt = QTranslator(app)
        if qt.load(f"{name}_{language}", qt_dir):
            app.installTranslator(qt)
            _installed.append(qt)
            break
    app.installTranslator(ours)
    _installed.append(ours)
    _current = language
    QLocale.setDefault(QLocale(language))
    return True
