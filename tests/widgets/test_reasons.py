"""Reasons the services give (app.core.reasons.Reason) reach a Chinese console in Chinese.

Every template raised anywhere under app/ is listed in widgets/reasons.py (so lupdate extracts
it) and has a finished translation; a reason is shown translated with its values filled in.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.core.reasons import Reason
from app.quality.spc import SpcError, imr_limits
from widgets.i18n import TS_FILES, Translations, read_ts
from widgets.reasons import CONTEXT, TEMPLATES, reason_text

APP = Path(__file__).resolve().parents[2] / "app"


def raised_templates() -> dict[str, str]:
    """Template -> file, for every Reason (or subclass) built with a literal template in app/."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in APP.rglob("*.py")}
    kinds = {"Reason"}
    for _ in range(3):  # subclasses of subclasses
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in kinds for b in node.bases):
                    kinds.add(node.name)
    found = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in kinds
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = str(path.relative_to(APP.parent))
    return found


def test_every_raised_template_is_listed_and_translated() -> None:
    raised = raised_templates()
    assert len(raised) >= 8  # the SPC charts' and the energy forecast's reasons at least
    missing = {t: f for t, f in raised.items() if t not in TEMPLATES}
    assert missing == {}, "add these to widgets/reasons.py TEMPLATES, then `make translations`"
    done = {source for context, source, _text, finished in read_ts(TS_FILES["zh_CN"]) if context == CONTEXT and finished}
    assert set(TEMPLATES) <= done


def test_a_reason_is_shown_translated_with_its_values(qapp) -> None:  # type: ignore[no-untyped-def]
    try:
        imr_limits([5.0])
    except SpcError as exc:
        error = exc
    assert str(error) == "an I-MR chart needs at least 2 baseline points, got 1"  # CLIs and logs: English
    translations = Translations(qapp)
    try:
        assert translations.install("zh_CN")
        text = reason_text(error)
        assert "基准点" in text and "1" in text and "baseline" not in text
        assert reason_text(ValueError("plain\nsecond line")) == "plain"  # not a Reason: its first line
        # a message built from user input, braces and all (the CLI's --limits '{x}=1,2')
        assert reason_text(SpcError("--limits '{x}=1,2': CENTRE and SIGMA must be numbers")).startswith("--limits '{x}")
        assert reason_text(Reason("a reason not translated, got {n}", n=3)) == "a reason not translated, got 3"
    finally:
        translations.install("en")
    assert reason_text(error) == str(error)
