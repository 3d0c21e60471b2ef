"""``crucible selftest`` from the source tree: every step OK against the real simulator, a
simulator that does not come up fails with a clear line and exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _selftest(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "app.cli", "selftest", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_selftest_passes_every_step_against_the_real_simulator() -> None:
    done = _selftest()
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    for step in ("layout", "simulator", "OPC UA read", "history", "PDF"):
        assert any(step in line and " OK " in line for line in lines), (step, done.stdout)
    assert lines[-1] == "self test OK"
    assert "Traceback" not in done.stderr


def test_a_simulator_that_does_not_come_up_fails_the_dependent_steps_with_exit_1() -> None:
    done = _selftest("--timeout", "0.2")
    assert done.returncode == 1, done.stdout
    assert "simulator    FAILED: The built-in simulator did not start" in done.stdout
    assert "OPC UA read  FAILED: not run, needs simulator" in done.stdout
    assert "history      FAILED: not run, needs OPC UA read" in done.stdout
    assert any("PDF" in line and " OK " in line for line in done.stdout.splitlines()), "independent steps still run"
    assert done.stdout.splitlines()[-1] == "self test FAILED: simulator, OPC UA read, history"
    assert "Traceback" not in done.stderr


def test_a_missing_layout_folder_is_bad_input(tmp_path: Path) -> None:
    done = _selftest("--layout", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert f"{tmp_path / 'nowhere'}: no such layout folder" in done.stdout
