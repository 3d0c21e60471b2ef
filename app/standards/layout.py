"""``standards.yaml`` of a plant layout: operating modes per unit, the shipped setpoint cards,
and where the SOPs are. Every problem is reported as ``file:line: message``.

```yaml
units:
  PSC1:
    mode: {tag: PSC1.STATE, map: {SLAG_BLOW: slag_blow, COPPER_BLOW: copper_blow}, default: idle}
  SMF:
    mode: {rules: [{mode: low_feed, tag: CB.FEED_RATE, below: 150}], default: normal}
cards:
  - unit: SMF
    mode: normal
    reference: "Operating manual SMF-OP-01 rev 3"
    items:
      - {tag: SMF.O2_ENR_SP, low: 60, high: 70, target: 65, grace_s: 300}
```
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.yaml_lines import LINE_KEY, YamlFileError, load_yaml


class StandardsLayoutError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ModeRule:
    mode: str
    tag: str
    below: float | None = None
    above: float | None = None


@dataclass(frozen=True)
class ModeSource:
    """How a unit's operating mode is read from live values."""

    tag: str = ""  # a state tag whose text maps to a mode
    mapping: dict[str, str] = field(default_factory=dict)
    rules: tuple[ModeRule, ...] = ()
    default: str = "normal"

    def tags(self) -> set[str]:
        return ({self.tag} if self.tag else set()) | {r.tag for r in self.rules}


@dataclass(frozen=True)
class CardItem:
    tag: str
    low: float
    high: float
    target: float
    grace_s: float = 300.0

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class CardSpec:
    unit: str
    mode: str
    items: tuple[CardItem, ...]
    reference: str = ""


@dataclass(frozen=True)
class StandardsLayout:
    modes: dict[str, ModeSource]
    cards: tuple[CardSpec, ...]
    sop_folder: Path


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def load_standards(folder: Path, tags: dict[str, Any]) -> StandardsLayout:
    """Read ``standards.yaml`` (an absent file: no modes, no cards) and check it against ``tags``."""
    path = folder / "standards.yaml"
    sop_folder = folder / "sops"
    if not path.exists():
        return StandardsLayout({}, (), sop_folder)
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        raise StandardsLayoutError([str(exc)]) from None
    problems: list[str] = []

    def bad(node: object, text: str) -> None:
        line = node.get(LINE_KEY) if isinstance(node, dict) else None
        problems.append(f"{path}:{line}: {text}" if line else f"{path}: {text}")

    if not isinstance(doc, dict):
        raise StandardsLayoutError([f"{path}: expected a mapping with units: and cards:"])
    modes: dict[str, ModeSource] = {}
    units = doc.get("units", {}) or {}
    if not isinstance(units, dict):
        bad(doc, "units: must be a mapping of unit id -> {mode: ...}")
        units = {}
    for unit, entry in units.items():
        if unit == LINE_KEY:
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("mode"), dict):
            bad(entry if isinstance(entry, dict) else doc, f"unit {unit!r}: expected mode: {{tag: ..., map: ...}} or {{rules: [...]}}")
            continue
        mode = entry["mode"]
        default = mode.get("default", "normal")
        if not isinstance(default, str) or not default:
            bad(mode, f"unit {unit!r}: mode default must be a mode name")
            default = "normal"
        tag = mode.get("tag", "")
        mapping: dict[str, str] = {}
        if tag:
            if not isinstance(tag, str) or tag not in tags:
                bad(mode, f"unit {unit!r}: mode tag {tag!r} is not a tag of the layout")
                tag = ""
            raw_map = mode.get("map", {})
            if not isinstance(raw_map, dict):
                bad(mode, f"unit {unit!r}: map must be state -> mode")
                raw_map = {}
            mapping = {str(k): str(v) for k, v in raw_map.items() if k != LINE_KEY}
        rules: list[ModeRule] = []
        raw_rules = mode.get("rules", []) or []
        if not isinstance(raw_rules, list):
            bad(mode, f"unit {unit!r}: rules must be a list")
            raw_rules = []
        for rule in raw_rules:
            if not isinstance(rule, dict):
                bad(mode, f"unit {unit!r}: a rule must be {{mode, tag, below|above}}")
                continue
            rtag, rmode = rule.get("tag"), rule.get("mode")
            below, above = _num(rule.get("below")), _num(rule.get("above"))
            if not isinstance(rtag, str) or rtag not in tags:
                bad(rule, f"unit {unit!r}: rule tag {rtag!r} is not a tag of the layout")
            elif not isinstance(rmode, str) or not rmode:
                bad(rule, f"unit {unit!r}: a rule needs a mode name")
            elif (below is None) == (above is None):
                bad(rule, f"unit {unit!r}: a rule needs exactly one finite number: below or above")
            else:
                rules.append(ModeRule(rmode, rtag, below, above))
        modes[str(unit)] = ModeSource(tag, mapping, tuple(rules), default)
    cards: list[CardSpec] = []
    raw_cards = doc.get("cards", []) or []
    if not isinstance(raw_cards, list):
        bad(doc, "cards: must be a list")
        raw_cards = []
    seen: set[tuple[str, str]] = set()
    for card in raw_cards:
        if not isinstance(card, dict):
            bad(doc, "a card must be a mapping with unit, mode, items")
            continue
        unit, mode_name = card.get("unit"), card.get("mode")
        if not isinstance(unit, str) or not isinstance(mode_name, str):
            bad(card, "a card needs unit: and mode: (names)")
            continue
        if (unit, mode_name) in seen:
            bad(card, f"card {unit}/{mode_name} is given twice")
            continue
        seen.add((unit, mode_name))
        items: list[CardItem] = []
        for item in card.get("items", []) or []:
            if not isinstance(item, dict):
                bad(card, f"card {unit}/{mode_name}: an item must be {{tag, low, high, target}}")
                continue
            tag = item.get("tag")
            definition = tags.get(tag) if isinstance(tag, str) else None
            low, high, target = _num(item.get("low")), _num(item.get("high")), _num(item.get("target"))
            grace = _num(item.get("grace_s", 300.0))
            if definition is None:
                bad(item, f"card {unit}/{mode_name}: {tag!r} is not a tag of the layout")
            elif not getattr(definition, "writable", False):
                bad(item, f"card {unit}/{mode_name}: {tag} is not a writable setpoint")
            elif low is None or high is None or target is None:
                bad(item, f"card {unit}/{mode_name}: {tag}: low, high and target must be finite numbers")
            elif not low <= target <= high:
                bad(item, f"card {unit}/{mode_name}: {tag}: needs low <= target <= high ({low} / {target} / {high})")
            elif grace is None or grace < 0:
                bad(item, f"card {unit}/{mode_name}: {tag}: grace_s must be a number of seconds >= 0")
            else:
                items.append(CardItem(str(tag), low, high, target, grace))
        reference = card.get("reference", "")
        cards.append(CardSpec(unit, mode_name, tuple(items), str(reference or "")))
    if problems:
        raise StandardsLayoutError(problems)
    return StandardsLayout(modes, tuple(cards), sop_folder)


def mode_of(source: ModeSource, values: dict[str, Any]) -> str:
    """The unit's mode from current values (``values[tag]`` -> (text or number) or None)."""
    if source.tag:
        text = values.get(source.tag)
        if text is not None and str(text) in source.mapping:
            return source.mapping[str(text)]
    for rule in source.rules:
        value = values.get(rule.tag)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if rule.below is not None and value < rule.below:
                return rule.mode
            if rule.above is not None and value > rule.above:
                return rule.mode
    return source.default
