"""Qt translations: ``resources/translations/crucible_<lang>.qm``, switchable at runtime."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.core.resources import resource


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks ``text`` for extraction under ``context``; translated later with that context."""
    return text


TRANSLATIONS = resource("translations")
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


# --- the translation workflow (`make translations`, and the completeness test) ---------------
PROJECT = Path(__file__).resolve().parents[1]
TS_FILES = {"zh_CN": TRANSLATIONS / "crucible_zh_CN.ts"}


def translation_sources(root: Path = PROJECT) -> list[Path]:
    """Every file with visible strings: all of widgets/ and the composition root."""
    return sorted((root / "widgets").rglob("*.py")) + [root / "app" / "main.py"]


def qt_tool(name: str) -> str:
    """``pyside6-lupdate`` / ``pyside6-lrelease`` of this Python (the venv), else from PATH."""
    import shutil
    import sys

    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found next to {sys.executable} or on PATH (pip install PySide6)")
    return found


def run_lupdate(ts: Path, root: Path = PROJECT) -> str:
    """Refresh ``ts`` from the sources (no line numbers, no obsolete entries: a tidy diff)."""
    import subprocess

    sources = [str(p.relative_to(root)) for p in translation_sources(root)]
    done = subprocess.run(
        [qt_tool("pyside6-lupdate"), "-locations", "none", "-no-obsolete", *sources, "-ts", str(ts)],
        cwd=root, capture_output=True, text=True, check=True,
    )
    return done.stdout + done.stderr


def run_lrelease(ts: Path, qm: Path) -> str:
    import subprocess

    done = subprocess.run([qt_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def read_ts(ts: Path) -> list[tuple[str, str, str, bool]]:
    """(context, source, translation, finished) of every live message in a .ts file."""
    import xml.etree.ElementTree as ET

    messages = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else "unfinished"
            if kind in ("obsolete", "vanished"):
                continue
            text = (translation.text or "") if translation is not None else ""
            messages.append((name, message.findtext("source") or "", text, kind != "unfinished" and bool(text.strip())))
    return messages
