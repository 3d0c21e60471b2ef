"""Small helpers for the energy / quality / materials layout files: ``file:line`` problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.yaml_lines import LINE_KEY, YamlFileError, load_yaml


class LayoutFileError(ValueError):
    """A module layout file with mistakes; ``problems`` holds one ``file:line: message`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class Checker:
    """Collects problems while a loader walks one YAML file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def add(self, where: Any, text: str) -> None:
        line = where.get(LINE_KEY, 0) if isinstance(where, dict) else int(where or 0)
        self.problems.append(f"{self.path}:{line}: {text}")

    def load(self, required: tuple[str, ...]) -> dict[str, Any]:
        try:
            doc = load_yaml(self.path)
        except YamlFileError as exc:
            raise LayoutFileError([str(exc)]) from None
        if not isinstance(doc, dict):
            raise LayoutFileError([f"{self.path}:1: expected a mapping with {', '.join(required)}"])
        for key in required:
            if key not in doc:
                self.add(doc, f"missing section {key!r}")
        return doc

    def items(self, doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = doc.get(key) or []
        if not isinstance(value, list):
            self.add(doc, f"{key!r} must be a list")
            return []
        out = []
        for entry in value:
            if isinstance(entry, dict):
                out.append(entry)
            else:
                self.add(doc, f"{key}: each entry must be a mapping, got {entry!r}")
        return out

    def text(self, entry: dict[str, Any], key: str, what: str, required: bool = True) -> str:
        value = entry.get(key)
        if value is None or value == "":
            if required:
                self.add(entry, f"{what}: missing field {key!r}")
            return ""
        return str(value)

    def number(self, entry: dict[str, Any], key: str, what: str, default: float | None = None,
               positive: bool = False) -> float:
        value = entry.get(key, default)
        if value is None:
            self.add(entry, f"{what}: missing field {key!r}")
            return float("nan")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(entry, f"{what}: {key} {value!r} is not a number")
            return float("nan")
        if positive and value <= 0:
            self.add(entry, f"{what}: {key} must be positive, got {value}")
        return float(value)

    def tag(self, entry: dict[str, Any], key: str, what: str, tags: dict[str, Any], required: bool = True) -> str:
        name = self.text(entry, key, what, required)
        if name and name not in tags:
            self.add(entry, f"{what}: {key} names unknown tag {name!r}")
        return name

    def raise_if_any(self) -> None:
        if self.problems:
            raise LayoutFileError(self.problems)
