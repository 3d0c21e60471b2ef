"""The 3D plant view panel.

Where there is no OpenGL (this offscreen test run, a remote session, a failing driver) the panel
says why in plain words and nothing crashes; those checks run here. The drawing itself — picking,
moving and recolouring actors, the red zone, the camera flight, Chinese labels — runs in its own
process under Xvfb with the xcb platform (``plant3d_gl_checks.py``), as VTK needs a real GL context.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.plant3d.local import LocalPlant
from widgets.panel import PanelContext
from widgets.plant3d_panel import DISABLE_ENV, Plant3DPanel
from widgets.store_bridge import StoreBridge

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plant():  # type: ignore[no-untyped-def]
    p = LocalPlant()
    p.step(1.0, everything=True)
    return p


@pytest.fixture
def context(plant, qapp):  # type: ignore[no-untyped-def]
    bridge = StoreBridge(plant.store)
    yield PanelContext(runtime=plant, bridge=bridge)
    bridge.close()


def test_without_opengl_the_panel_says_why_and_keeps_working(qtbot, context, plant) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.platformName() == "offscreen"
    panel = Plant3DPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.ready
    text = panel.message.text()
    assert "cannot be shown here" in text and "offscreen" in text and "OpenGL" in text
    assert panel.message.isVisible()
    plant.step(5.0)
    context.bridge.flush()  # updates keep arriving: nothing to draw, nothing breaks
    assert panel.refresh() == 0
    assert panel.show_unit("PSC2") is False
    assert panel.pick(10, 10) is None
    panel.set_language("zh_CN")
    panel.close()


def test_a_render_window_that_cannot_get_opengl_gives_the_message(qtbot, context, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import widgets.plant3d_panel as module

    monkeypatch.setattr(module, "opengl_problem", lambda: "")  # as if on a real desktop

    def no_gl(_parent):  # type: ignore[no-untyped-def]
        raise RuntimeError("GLX: the X server offers no OpenGL 3.2 context")

    panel = Plant3DPanel(context, render_widget_factory=no_gl)
    qtbot.addWidget(panel)
    panel.show()
    assert "GLX: the X server offers no OpenGL 3.2 context" in panel.message.text()
    assert "Everything else in Crucible works as usual" in panel.message.text()
    assert panel.message.isVisible()


def test_the_switch_off_variable_is_named(qtbot, context, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(DISABLE_ENV, "1")
    panel = Plant3DPanel(context)
    qtbot.addWidget(panel)
    assert DISABLE_ENV in panel.message.text()


def test_the_drawing_under_xvfb() -> None:
    """Runs plant3d_gl_checks.py in a child process on an Xvfb display with the xcb platform."""
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb; installers/system_deps.sh test): "
                    "the 3D drawing checks need an X display with Mesa")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [xvfb_run, "-a", "-s", "-screen 0 1400x1000x24", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(ROOT / "tests" / "widgets" / "plant3d_gl_checks.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    report = result.stdout[-6000:] + result.stderr[-3000:]
    assert result.returncode == 0, report
    assert " passed" in result.stdout and "skipped" not in result.stdout, report
