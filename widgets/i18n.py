"""Qt translations: ``resources/translations/crucible_<lang>.qm``, switchable at runtime."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


class Translations:
    """Installs the translators for one language and swaps them on :meth:`install`."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language = "en"
        self._installed: list[QTranslator] = []

    def install(self, language: str) -> bool:
        """Switch to ``language``; True when its translation file was found (always for en)."""
        for translator in self._installed:
            self.app.removeTranslator(translator)
        self._installed.clear()
        self.language = language
        if language == "en":
            return True
        ok = True
        ours = QTranslator(self.app)
        if ours.load(str(TRANSLATIONS / f"crucible_{language}.qm")):
            self.app.installTranslator(ours)
            self._installed.append(ours)
        else:
            ok = False
        qt = QTranslator(self.app)  # Qt's own dialogs (buttons of message boxes)
        if qt.load(QLocale(language), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self.app.installTranslator(qt)
            self._installed.append(qt)
        return ok
