"""Rule one of ARCHITECTURE.md: nothing under app/ imports Qt except app/main.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("PySide6", "pyqtgraph", "vtk", "vtkmodules", "qasync", "widgets", "shiboken6")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def test_nothing_under_app_imports_qt_except_main() -> None:
    files = [p for p in (ROOT / "app").rglob("*.py") if p != ROOT / "app" / "main.py"]
    assert len(files) > 10
    offenders = [hit for p in files for hit in qt_imports(p)]
    assert offenders == []


def test_the_checker_catches_a_qt_import(tmp_path: Path) -> None:
    bad = ROOT / "app" / "_probe_tmp.py"
    try:
        bad.write_text("def f():\n    from PySide6.QtCore import QTimer\n", encoding="utf-8")
        assert qt_imports(bad) == ["app/_probe_tmp.py:2: PySide6.QtCore"]
    finally:
        bad.unlink()


def test_main_is_the_composition_root() -> None:
    assert any("qasync" in hit for hit in qt_imports(ROOT / "app" / "main.py"))


def _lint_imports() -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold() -> None:
    done = _lint_imports()
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_the_import_contracts_catch_qt_under_app_a_layer_breach_and_a_cycle() -> None:
    planted = {
        ROOT / "app" / "core" / "_probe_qt.py": "def f():\n    from PySide6.QtCore import QTimer\n    return QTimer\n",
        ROOT / "app" / "core" / "_probe_up.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.alarms import engine\n",
        ROOT / "app" / "sim" / "_probe_a.py": "def f():\n    from app.sim import _probe_b\n    return _probe_b\n",
        ROOT / "app" / "sim" / "_probe_b.py": "from app.sim import _probe_a\n",
    }
    try:
        for path, text in planted.items():
            path.write_text(text, encoding="utf-8")
        done = _lint_imports()
    finally:
        for path in planted:
            path.unlink(missing_ok=True)
    assert done.returncode != 0
    out = done.stdout
    assert "app.core._probe_qt -> PySide6 (l.2)" in out
    assert "app.core is not allowed to import app.alarms" in out
    assert "No cycles are allowed in app.sim" in out and "._probe_b -> ._probe_a" in out


def test_modules_import_only_the_modules_they_require() -> None:
    """A module uses another module's code only if it declares it in ``requires`` (directly or
    through what those require); app.core, app.db and app.modules are for everyone."""
    from app.modules import discover

    registry = discover()
    packages = {m.name: ("app.core" if m.name == "displays" else f"app.{m.name}") for m in registry}
    owner = {pkg: name for name, pkg in packages.items()}

    def closure(name: str) -> set[str]:
        seen: set[str] = set()
        todo = [name]
        while todo:
            module = registry.get(todo.pop())
            for req in module.requires if module else ():
                if req not in seen:
                    seen.add(req)
                    todo.append(req)
        return seen

    problems = []
    for name, pkg in packages.items():
        if pkg == "app.core":
            continue
        allowed = closure(name)
        for path in (ROOT / pkg.replace(".", "/")).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                targets = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
                for target in targets:
                    top = ".".join(target.split(".")[:2])
                    other = owner.get(top)
                    if other and other != name and other != "displays" and other not in allowed:
                        problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name} imports {target} "
                                        f"but does not require {other!r}")
    assert problems == []
