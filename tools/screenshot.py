"""Start the real GUI (as `crucible` does), wait, grab the main window to a PNG, quit.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/screenshot.py docs/main_window.png --wait 10 -- [crucible args]

Before the grab, an optional ``--exec PYTHON`` snippet runs with ``window`` bound to the
main window (open a display, switch language, ...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--wait", type=float, default=10.0, help="seconds before the grab")
    p.add_argument("--exec", dest="snippet", default="", help="python run with `window` before the grab")
    p.add_argument("--size", default="1600x900")
    argv = sys.argv[1:]
    rest = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = p.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    w, h = (int(x) for x in args.size.split("x"))

    def windows() -> list[QMainWindow]:
        return [x for x in app.topLevelWidgets() if isinstance(x, QMainWindow) and x.isVisible()]

    def prepare() -> None:
        if not windows():  # a slow start (loaded machine): wait for the window, then start the clock
            QTimer.singleShot(1000, prepare)
            return
        QTimer.singleShot(int(args.wait * 1000 * 0.4), grab)
        for window in windows():
            window.resize(w, h)
            if args.snippet:
                exec(args.snippet, {"window": window, "app": app})  # noqa: S102 - a developer tool

    def grab() -> None:
        for window in windows():
            args.out.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(args.out))
            print(f"saved {args.out}")
        app.closeAllWindows()

    QTimer.singleShot(int(args.wait * 1000 * 0.6), prepare)
    from app.cli import main as crucible

    return crucible(rest)


if __name__ == "__main__":
    raise SystemExit(main())
