"""Rule one of ARCHITECTURE.md: nothing under app/ imports Qt except app/main.py."""

from __future__ import annotations

import ast
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
