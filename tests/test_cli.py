"""The `crucible` command's front door."""

from __future__ import annotations

import os
import subprocess
import sys

from app import __version__


def test_version() -> None:
    run = subprocess.run([sys.executable, "-m", "app.cli", "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == f"crucible {__version__}"


def test_no_display_gives_one_line_not_a_qt_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    run = subprocess.run([sys.executable, "-m", "app.cli"], capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert "xvfb-run -a make run" in run.stderr
    assert "Traceback" not in run.stderr and "qt.qpa" not in run.stderr


def test_no_sim_needs_an_endpoint() -> None:
    run = subprocess.run([sys.executable, "-m", "app.cli", "--no-sim"], capture_output=True, text=True)
    assert run.returncode == 2 and "--endpoint" in run.stderr
