"""No modal ``exec()`` is reachable from an ``async def`` under ``widgets/`` or in ``app/main.py``.

Under qasync a nested Qt loop started inside a coroutine stops every other asyncio task for
good (Known traps in ARCHITECTURE.md; issue 12). The check reads the source (AST), so it
finds the path even where the unit tests inject harmless hooks:

- a *modal* function is a synchronous function that calls ``<x>.exec()`` / ``<x>.exec_()``
  or calls another modal function (same module or imported, under any alias);
- a parameter whose default is a modal function, an attribute or keyword argument assigned a
  modal function (or a lambda calling one), become modal names too: calling
  ``self.confirm_write(...)`` is calling whatever was plugged in by default;
- every call of ``exec``/``exec_`` or of a modal name in the body of an ``async def`` (not in
  functions or lambdas merely defined there) is a finding ``file:line``.

Names are matched by their last part (``self.confirm`` and ``confirm`` alike): coarse, on
the safe side.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODAL_CALLS = frozenset({"exec", "exec_"})
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _own_nodes(fn: FunctionNode) -> Iterator[ast.AST]:
    """The nodes of ``fn``'s body, not of the functions and lambdas defined inside it."""
    stack: list[ast.AST] = list(fn.body) if not isinstance(fn, ast.Lambda) else [fn.body]
    stack = [n for n in stack if not isinstance(n, FunctionNode)]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, FunctionNode):
                stack.append(child)


def _calls(fn: FunctionNode) -> Iterator[tuple[ast.Call, str]]:
    for node in _own_nodes(fn):
        if isinstance(node, ast.Call):
            yield node, _called_name(node)


def _is_modal_call(call: ast.Call, name: str, modal: set[str]) -> bool:
    if name in MODAL_CALLS:
        return isinstance(call.func, ast.Attribute)  # dialog.exec(), not the builtin exec(code)
    return name in modal


def _value_is_modal(value: ast.AST | None, modal: set[str]) -> bool:
    """A modal function named by ``value`` (``f``, ``self.f``) or a lambda calling one."""
    if isinstance(value, ast.Name):
        return value.id in modal
    if isinstance(value, ast.Attribute):
        return value.attr in modal
    if isinstance(value, ast.Lambda):
        return any(_is_modal_call(c, n, modal) for c, n in _calls(value))
    return False


def _target_names(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Attribute):
        yield target.attr


def find_modal_in_async(files: Iterable[Path], root: Path = ROOT) -> list[str]:
    """``file:line: async def f -> name()`` for every modal call reachable from a coroutine."""
    trees: dict[Path, ast.Module] = {}
    for path in files:
        trees[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modal: set[str] = set()
    aliases: dict[str, str] = {}  # local name -> imported name (from m import f as g)
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.asname:
                        aliases[alias.asname] = alias.name
    changed = True
    while changed:  # to a fixed point: callers of modal functions, hooks defaulting to them
        before = len(modal)
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and any(_is_modal_call(c, n, modal) for c, n in _calls(node)):
                    modal.add(node.name)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    args = node.args.posonlyargs + node.args.args
                    defaults: list[ast.expr | None] = [None] * (len(args) - len(node.args.defaults)) + list(node.args.defaults)
                    pairs = list(zip(args, defaults, strict=True)) + list(zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True))
                    modal.update(a.arg for a, d in pairs if _value_is_modal(d, modal))
                elif isinstance(node, ast.Assign | ast.AnnAssign) and _value_is_modal(node.value, modal):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        modal.update(_target_names(target))
                elif isinstance(node, ast.Call):
                    modal.update(k.arg for k in node.keywords if k.arg and _value_is_modal(k.value, modal))
        modal.update(local for local, imported in aliases.items() if imported in modal)
        changed = len(modal) != before
    findings = []
    for path, tree in trees.items():
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef):
                for call, name in _calls(node):
                    if _is_modal_call(call, name, modal):
                        findings.append(f"{shown}:{call.lineno}: async def {node.name} -> {name}()")
    return sorted(findings)


def checked_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "widgets").rglob("*.py")) + [root / "app" / "main.py"]


def test_no_modal_dialog_is_reachable_from_a_coroutine() -> None:
    files = checked_files()
    assert len(files) > 20 and any(p.name == "faceplate.py" for p in files)
    assert find_modal_in_async(files) == []


def _plant(tmp_path: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = tmp_path / "widgets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return paths


def test_the_check_finds_a_planted_modal_through_a_default_hook_an_import_and_a_lambda(tmp_path: Path) -> None:
    files = _plant(tmp_path, {
        "asking.py": """
            from PySide6.QtWidgets import QMessageBox

            def confirm(parent, text):
                box = QMessageBox(parent)
                box.setText(text)
                return box.exec() == QMessageBox.StandardButton.Yes

            def confirm_twice(parent, text):
                return confirm(parent, text) and confirm(parent, text)
        """,
        "plate.py": """
            import asyncio
            from widgets.asking import confirm_twice as make_sure

            class Plate:
                def __init__(self, hook=make_sure):
                    self.hook = hook

                async def change(self, value):
                    if self.hook(None, "sure?"):
                        await asyncio.sleep(0)

            class Window:
                def open_plate(self):
                    return Other(ask=lambda parent, text: make_sure(parent, text))

            class Other:
                def __init__(self, ask):
                    self.ask = ask

                async def change(self):
                    await asyncio.sleep(0)
                    return self.ask(None, "again?")

                async def direct(self, dialog):
                    return dialog.exec_()

                async def defines_only(self, dialog):
                    def later():
                        return dialog.exec()  # defined here, run elsewhere: not this coroutine's call
                    return later
        """,
    })
    found = find_modal_in_async(files, tmp_path)
    assert found == [
        "widgets/plate.py:10: async def change -> hook()",
        "widgets/plate.py:23: async def change -> ask()",
        "widgets/plate.py:26: async def direct -> exec_()",
    ]


def test_the_awaited_window_modal_dialog_passes(tmp_path: Path) -> None:
    files = _plant(tmp_path, {
        "fine.py": """
            from widgets.dialogs import answer

            async def confirm(parent, box):
                await answer(box)
                return box.clickedButton() is box.button(box.StandardButton.Yes)

            class Plate:
                def __init__(self, hook=confirm):
                    self.hook = hook

                async def change(self):
                    return await self.hook(None, None)

                def slot(self, dialog):
                    return dialog.exec()  # a synchronous slot, before any task: allowed
        """,
    })
    assert find_modal_in_async(files, tmp_path) == []
