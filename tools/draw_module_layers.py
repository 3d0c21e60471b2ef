"""Draw docs/module_layers.png: the layers of .importlinter, top to bottom, with the modules
the registry discovers and what each declares (tables, CLI, panels).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/draw_module_layers.py
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def layers() -> list[list[str]]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / ".importlinter")
    text = cfg["importlinter:contract:app-layers"]["layers"]
    return [[part.strip() for part in line.split("|")] for line in text.strip().splitlines() if line.strip()]


def main() -> int:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
    from PySide6.QtWidgets import QApplication

    from app.modules import discover

    app = QApplication.instance() or QApplication([])
    registry = discover()
    declared = {f"app.{m.name}" if m.name != "displays" else "app.core": m for m in registry}
    rows = [["widgets  (Qt: main window, dock panels, faceplates, dialogs)"]] + layers()
    width, row_h, gap, margin = 1200, 74, 14, 30
    image = QImage(width, margin * 2 + 40 + len(rows) * (row_h + gap), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    title = QFont("DejaVu Sans", 15, QFont.Weight.Bold)
    p.setFont(title)
    p.drawText(QRectF(margin, 8, width - 2 * margin, 34), Qt.AlignmentFlag.AlignLeft,
               "Crucible: module layers (a layer may import only the layers below it; '|' = independent)")
    box_font, small = QFont("DejaVu Sans", 11, QFont.Weight.Bold), QFont("DejaVu Sans", 9)
    y = margin + 40
    for row in rows:
        cell_w = (width - 2 * margin - gap * (len(row) - 1)) / len(row)
        for i, name in enumerate(row):
            x = margin + i * (cell_w + gap)
            rect = QRectF(x, y, cell_w, row_h)
            feature = name in declared and declared[name].panels
            p.setBrush(QColor("#dde6f0" if name.startswith("widgets") else "#e8efe0" if feature else "#eeeeee"))
            p.setPen(QPen(QColor("#555555"), 1.5))
            p.drawRoundedRect(rect, 8, 8)
            p.setFont(box_font)
            p.drawText(rect.adjusted(8, 6, -8, -row_h / 2), Qt.AlignmentFlag.AlignLeft, name)
            module = declared.get(name)
            if module is not None:
                parts = []
                if module.migrations:
                    parts.append("tables")
                if module.cli:
                    parts.append("CLI")
                if module.panels:
                    parts.append(f"{len(module.panels)} panel(s)")
                if module.validate:
                    parts.append("validate")
                p.setFont(small)
                p.drawText(rect.adjusted(8, row_h / 2, -8, -4), Qt.AlignmentFlag.AlignLeft,
                           f"module '{module.name}': " + ", ".join(parts))
        y += row_h + gap
    p.end()
    out = ROOT / "docs" / "module_layers.png"
    image.save(str(out))
    print(out)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
