"""Fonts for the PDF reports: TrueType-outline fonts, embedded, registered once per process.

English text uses DejaVu Sans; Chinese text uses WenQuanYi Zen Hei (``.ttc``, sub-font 0),
which also covers Latin letters and digits. reportlab cannot embed the PostScript-outline
Noto CJK fonts, and ``STSong-Light`` is never embedded; a missing font raises
:class:`ReportFontError` naming the file and the package to install — never a silent
fall-back to Helvetica boxes.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
LATIN_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
LATIN_BOLD_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",)


class ReportFontError(RuntimeError):
    """A font the report needs is not installed; the message says which and how to get it."""


@dataclass(frozen=True)
class FontSet:
    """Registered reportlab font names for one language: regular and bold."""

    regular: str
    bold: str


_lock = threading.Lock()
_registered: dict[str, FontSet] = {}


def _find(env: str, candidates: tuple[str, ...], package: str) -> Path:
    override = os.environ.get(env)
    paths = (override,) if override else candidates
    for p in paths:
        if p and Path(p).is_file():
            return Path(p)
    raise ReportFontError(
        f"report font not found: {', '.join(p for p in paths if p)}; install the Debian package {package} "
        f"(installers/system_deps.sh) or point {env} at a TrueType font file")


def fonts_for(language: str) -> FontSet:
    """Register (once) and return the fonts for ``"en"`` or ``"zh_CN"``."""
    key = "zh" if language.startswith("zh") else "en"
    with _lock:
        if key in _registered:
            return _registered[key]
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        try:
            if key == "zh":
                path = _find("CRUCIBLE_CJK_FONT", CJK_CANDIDATES, "fonts-wqy-zenhei")
                kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
                pdfmetrics.registerFont(TTFont("CrucibleCJK", str(path), **kwargs))
                fs = FontSet("CrucibleCJK", "CrucibleCJK")
            else:
                reg = _find("CRUCIBLE_REPORT_FONT", LATIN_CANDIDATES, "fonts-dejavu-core")
                bold = _find("CRUCIBLE_REPORT_FONT_BOLD", LATIN_BOLD_CANDIDATES, "fonts-dejavu-core")
                pdfmetrics.registerFont(TTFont("CrucibleSans", str(reg)))
                pdfmetrics.registerFont(TTFont("CrucibleSans-Bold", str(bold)))
                fs = FontSet("CrucibleSans", "CrucibleSans-Bold")
        except TTFError as exc:
            raise ReportFontError(f"report font cannot be embedded: {exc}") from None
        _registered[key] = fs
        return fs
