"""Data travels with the package: layouts, theme, translations and sounds are found through
importlib.resources and are in the wheel; the simulator child starts without a source path."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_no_code_finds_its_data_relative_to_its_own_file() -> None:
    offenders = []
    for folder in ("app", "widgets"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id == "__file__":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # widgets/i18n.py's translation workflow (lupdate over the source tree) is a developer tool.
    assert [o for o in offenders if not o.startswith("widgets/i18n.py")] == []


def test_the_version_is_the_one_the_package_gets() -> None:
    """`crucible --version` in a checkout says what installers/version names the .deb (the bundle
    reads the same text stamped into it: tests/installers/test_deb_install.py)."""
    from app import version

    expected = subprocess.run(["bash", str(ROOT / "installers" / "version")], capture_output=True, text=True,
                              check=True).stdout.strip()
    done = subprocess.run([sys.executable, "-m", "app.cli", "--version"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=True)
    assert done.stdout.strip() == f"crucible {expected}" == f"crucible {version()}"
    assert "+git" in expected or expected[0].isdigit()


def test_resources_resolve_to_real_files() -> None:
    from app.core.layout import DEFAULT_LAYOUT
    from app.core.resources import layouts_dir, resource

    assert (DEFAULT_LAYOUT / "plant.yaml").is_file()
    assert DEFAULT_LAYOUT.parent == layouts_dir()
    assert resource("translations", "crucible_zh_CN.qm").is_file()
    assert resource("theme.qss").is_file()
    assert resource("sounds", "alarm_urgent.wav").is_file()


def test_the_simulator_child_is_started_without_python_dash_m_when_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.runtime import SimulatorProcess, crucible_command

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert crucible_command() == [sys.executable]
    command = SimulatorProcess(Path("/plant")).command()
    assert command[:2] == [sys.executable, "sim"] and "-m" not in command


def test_the_wheel_carries_layouts_translations_sounds_and_migrations(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(tmp_path.glob("crucible-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    layout_files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "plant_layouts").rglob("*.yaml")}
    assert layout_files and layout_files <= names
    for needed in ("resources/translations/crucible_zh_CN.qm", "resources/theme.qss", "resources/sounds/alarm_urgent.wav",
                   "app/db/migrations/env.py", "app/db/migrations/script.py.mako",
                   "app/historian/migrations/0001_initial.py", "app/security/migrations/0002_security.py",
                   "app/alarms/migrations/0003_alarms.py"):
        assert needed in names, needed
    assert not any(n.startswith("tests/") for n in names)
