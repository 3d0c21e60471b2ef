"""Unit controls declared in the layout: what a faceplate offers and checks for each unit.

``controls.yaml`` in a layout folder (generated for the copper smelter by
``tools/gen_copper_layout.py``) names, per unit, its control tags instead of leaving screens
to guess them from tag-name endings::

    controls:
      WT.P1:
        commands:                       # start/stop: a writable bool, and its running state
        - {tag: WT.P1.CMD, state: WT.P1.STATE}
        faults: [WT.P1.STATE]           # state tags whose FAULT state needs a reset before start
      SMF:
        mode: SMF.MODE                  # the loop's AUTO/MANUAL station (a writable state tag)
        permissives: [SMF.O2_PERMISSIVE]  # bools that must be true to run
        interlocks: [SMF.FEED_INTERLOCK]  # bools that are true when tripped

:func:`load_controls` checks every name against the layout's units and tags and reports each
mistake as ``file:line: what is wrong`` (``crucible validate`` shows them). A layout without
the file declares no controls. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.tags import DataType, TagDef
from app.core.yaml_lines import LINE_KEY, YamlFileError, load_yaml

CONTROLS_FILE = "controls.yaml"
_KEYS = ("mode", "commands", "faults", "permissives", "interlocks", LINE_KEY)


@dataclass(frozen=True, slots=True)
class Command:
    """A start/stop command and the state tag that shows whether it took effect."""

    tag: str
    state: str = ""


@dataclass(frozen=True, slots=True)
class UnitControls:
    """The control tags of one unit (see the module docstring)."""

    unit: str
    mode: str = ""
    commands: tuple[Command, ...] = ()
    faults: tuple[str, ...] = ()
    permissives: tuple[str, ...] = ()
    interlocks: tuple[str, ...] = ()

    @property
    def tags(self) -> list[str]:
        """Every tag these controls name."""
        names = [self.mode] if self.mode else []
        for command in self.commands:
            names += [command.tag] + ([command.state] if command.state else [])
        return names + list(self.faults) + list(self.permissives) + list(self.interlocks)


def load_controls(folder: Path, units: Mapping[str, object], tags: dict[str, TagDef], problems: list[str]) -> dict[str, UnitControls]:
    """The controls declared in ``folder/controls.yaml`` (none without the file); mistakes are
    appended to ``problems`` as ``file:line: message``."""
    path = folder / CONTROLS_FILE
    if not path.exists():
        return {}
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        problems.append(str(exc))
        return {}
    raw = doc.get("controls") if isinstance(doc, dict) else None
    if not isinstance(raw, dict):
        problems.append(f"{path}:1: expected a mapping 'controls:' of unit -> its controls")
        return {}
    result: dict[str, UnitControls] = {}
    for unit_id, entry in raw.items():
        if unit_id == LINE_KEY:
            continue
        checker = _Checker(path, str(unit_id), tags, problems, raw.get(LINE_KEY))
        if not isinstance(entry, dict):
            checker.add(f"unit {unit_id!r}: expected a mapping with mode, commands, faults, permissives, interlocks")
            continue
        checker.line = entry.get(LINE_KEY, checker.line)
        if str(unit_id) not in units:
            checker.add(f"unknown unit {unit_id!r}")
        for key in entry:
            if key not in _KEYS:
                checker.add(f"unit {unit_id!r}: unknown field {key!r} (expected one of {', '.join(_KEYS[:-1])})")
        result[str(unit_id)] = UnitControls(
            str(unit_id),
            mode=checker.mode(entry.get("mode")),
            commands=checker.commands(entry.get("commands")),
            faults=checker.names("faults", entry.get("faults"), _is_fault_state, "a state tag with a FAULT state"),
            permissives=checker.names("permissives", entry.get("permissives"), _is_bool, "a bool tag"),
            interlocks=checker.names("interlocks", entry.get("interlocks"), _is_bool, "a bool tag"),
        )
    return result


def _is_bool(tag: TagDef) -> bool:
    return tag.data_type is DataType.BOOL


def _is_fault_state(tag: TagDef) -> bool:
    return tag.data_type is DataType.STATE and "FAULT" in tag.states


class _Checker:
    def __init__(self, path: Path, unit: str, tags: dict[str, TagDef], problems: list[str], line: object) -> None:
        self.path, self.unit, self.tags, self.problems = path, unit, tags, problems
        self.line = line

    def add(self, text: str, line: object = None) -> None:
        self.problems.append(f"{self.path}:{line or self.line or 0}: {text}")

    def tag(self, field: str, name: object, line: object = None) -> TagDef | None:
        if not isinstance(name, str) or not name:
            self.add(f"unit {self.unit!r}: {field}: expected a tag name, got {name!r}", line)
            return None
        tag = self.tags.get(name)
        if tag is None:
            self.add(f"unit {self.unit!r}: {field}: unknown tag {name!r}", line)
        return tag

    def mode(self, name: object) -> str:
        if name is None:
            return ""
        tag = self.tag("mode", name)
        if tag is not None and (tag.data_type is not DataType.STATE or not tag.writable):
            self.add(f"unit {self.unit!r}: mode: {tag.name} must be a writable state tag (AUTO/MANUAL)")
        return str(name)

    def commands(self, raw: object) -> tuple[Command, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.add(f"unit {self.unit!r}: commands: expected a list of {{tag, state}}")
            return ()
        out = []
        for item in raw:
            if not isinstance(item, dict):
                self.add(f"unit {self.unit!r}: commands: expected {{tag: ..., state: ...}}, got {item!r}")
                continue
            line = item.get(LINE_KEY)
            tag = self.tag("commands", item.get("tag"), line)
            if tag is not None and (tag.data_type is not DataType.BOOL or not tag.writable):
                self.add(f"unit {self.unit!r}: commands: {tag.name} must be a writable bool tag", line)
            state = item.get("state") or ""
            if state:
                state_tag = self.tag("commands: state", state, line)
                if state_tag is not None and state_tag.data_type is not DataType.STATE:
                    self.add(f"unit {self.unit!r}: commands: state {state_tag.name} must be a state tag", line)
            for key in item:
                if key not in ("tag", "state", LINE_KEY):
                    self.add(f"unit {self.unit!r}: commands: unknown field {key!r}", line)
            out.append(Command(str(item.get("tag") or ""), str(state)))
        return tuple(out)

    def names(self, field: str, raw: object, ok: Callable[[TagDef], bool], what: str) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.add(f"unit {self.unit!r}: {field}: expected a list of tag names")
            return ()
        for name in raw:
            tag = self.tag(field, name)
            if tag is not None and not ok(tag):
                self.add(f"unit {self.unit!r}: {field}: {tag.name} must be {what}")
        return tuple(str(n) for n in raw)
