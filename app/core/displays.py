"""Process displays (mimics) defined as data: ``<layout>/displays/*.yaml``.

One file per display::

    display:
      id: psc            # unique; what navigation buttons point at
      level: 2           # ISA-101 hierarchy: 1 overview, 2 unit, 3 detail
      title_en: Converters
      title_zh: 吹炼
      key: F4            # optional function key that calls it up
      parent: overview   # optional: where "up" goes
      size: [1800, 860]  # scene size in display units (the view scales to fit)
    elements:
    - {type: converter, at: [100, 200], size: [220, 140], unit: PSC1, tag: PSC1.STATE}
    - {type: value, at: [100, 360], tag: PSC1.T_BATH}
    - {type: nav, at: [100, 400], target: psc1, label_en: Converter 1, label_zh: 1号转炉}

:func:`load_displays` checks every element (known type, tags and units that exist,
navigation targets that exist, numbers where numbers belong) and raises
:class:`DisplayError` listing every mistake as ``file:line: what is wrong``. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.layout import PlantLayout
from app.core.yaml_lines import LINE_KEY, FieldError, YamlFileError, as_number, load_yaml

#: element type -> (needs a tag, takes a list of tags)
ELEMENT_TYPES: dict[str, tuple[bool, bool]] = {
    # equipment symbols (a tag is optional: it drives state/fill; ``unit`` opens the faceplate)
    "furnace": (False, False),
    "converter": (False, False),
    "ladle": (False, False),
    "anode_furnace": (False, False),
    "casting_wheel": (False, False),
    "cell_row": (False, True),
    "tank": (False, False),
    "pump": (False, False),
    "fan": (False, False),
    "valve": (False, False),
    "pipe": (False, False),
    "conveyor": (False, False),
    "crane": (False, False),
    "rectifier": (False, False),
    # tag-bound indicators
    "value": (True, False),
    "analog": (True, False),
    "state": (True, False),
    "bars": (True, True),
    "alarm": (True, True),
    # static and navigation
    "label": (False, False),
    "frame": (False, False),
    "nav": (False, False),
}
FUNCTION_KEYS = {f"F{i}" for i in range(1, 13)}


class DisplayError(ValueError):
    """Mistakes in display files; ``problems`` holds one ``file:line: ...`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class Element:
    """One item on a display."""

    type: str
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    tag: str = ""
    tags: tuple[str, ...] = ()
    unit: str = ""  # plant unit whose faceplate opens on click
    target: str = ""  # display a navigation button calls up
    label_en: str = ""
    label_zh: str = ""
    points: tuple[tuple[float, float], ...] = ()  # pipes
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    source: str = field(default="", compare=False)

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") and self.label_zh else self.label_en

    @property
    def bound_tags(self) -> tuple[str, ...]:
        """Every tag this element shows."""
        return ((self.tag,) if self.tag else ()) + self.tags


@dataclass(frozen=True, slots=True)
class Display:
    id: str
    level: int
    title_en: str
    title_zh: str
    width: float
    height: float
    elements: tuple[Element, ...]
    key: str = ""
    parent: str = ""
    source: str = ""

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") and self.title_zh else self.title_en

    @property
    def bound_tags(self) -> set[str]:
        return {t for e in self.elements for t in e.bound_tags}


def _pair(value: object) -> tuple[float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    try:
        return as_number(value[0]), as_number(value[1])
    except FieldError:  # not a finite number (text, boolean, NaN, infinity)
        return None


_ELEMENT_KEYS = {"type", "at", "size", "tag", "tags", "unit", "target", "label_en", "label_zh", "points", LINE_KEY}


def _parse_element(path: Path, entry: object, layout: PlantLayout, problems: list[str]) -> Element | None:
    if not isinstance(entry, dict):
        problems.append(f"{path}:0: each element must be a mapping")
        return None
    line = entry.get(LINE_KEY, 0)
    where = f"{path}:{line}"
    kind = str(entry.get("type", ""))
    if kind not in ELEMENT_TYPES:
        problems.append(f"{where}: unknown element type {kind!r} (one of {', '.join(sorted(ELEMENT_TYPES))})")
        return None
    needs_tag, takes_list = ELEMENT_TYPES[kind]
    at = _pair(entry.get("at"))
    if at is None and kind == "pipe" and isinstance(entry.get("points"), list) and entry["points"]:
        at = _pair(entry["points"][0])
    if at is None:
        problems.append(f"{where}: {kind}: 'at' must be [x, y] numbers, got {entry.get('at')!r}")
        at = (0.0, 0.0)
    size = (0.0, 0.0)
    if "size" in entry:
        parsed = _pair(entry["size"])
        if parsed is None or parsed[0] < 0 or parsed[1] < 0:
            problems.append(f"{where}: {kind}: 'size' must be [width, height] positive numbers, got {entry['size']!r}")
        else:
            size = parsed
    tag = str(entry.get("tag") or "")
    raw_tags = entry.get("tags") or []
    if not isinstance(raw_tags, list):
        problems.append(f"{where}: {kind}: 'tags' must be a list of tag names")
        raw_tags = []
    tags = tuple(str(t) for t in raw_tags)
    if tags and not takes_list:
        problems.append(f"{where}: {kind}: takes one 'tag', not a 'tags' list")
    if needs_tag and not tag and not tags:
        problems.append(f"{where}: {kind}: missing field 'tag'" + (" or 'tags'" if takes_list else ""))
    for name in ((tag,) if tag else ()) + tags:
        if name not in layout.tags:
            problems.append(f"{where}: {kind}: unknown tag {name!r}")
    if kind in ("analog", "bars"):
        for name in ((tag,) if tag else ()) + tags:
            t = layout.tags.get(name)
            if t is not None and t.eu_high <= t.eu_low:
                problems.append(f"{where}: {kind}: tag {name!r} has no range to draw against")
    if kind == "state" and tag in layout.tags and not layout.tags[tag].states and layout.tags[tag].data_type.value != "bool":
        problems.append(f"{where}: state: tag {tag!r} is not a state or bool tag")
    unit = str(entry.get("unit") or "")
    if unit and unit not in layout.units:
        problems.append(f"{where}: {kind}: unknown plant unit {unit!r}")
    target = str(entry.get("target") or "")
    if kind == "nav" and not target:
        problems.append(f"{where}: nav: missing field 'target' (a display id)")
    points: list[tuple[float, float]] = []
    if kind == "pipe":
        raw_points = entry.get("points")
        if not isinstance(raw_points, list) or len(raw_points) < 2:
            problems.append(f"{where}: pipe: 'points' must list at least two [x, y] points")
        else:
            for p in raw_points:
                parsed_point = _pair(p)
                if parsed_point is None:
                    problems.append(f"{where}: pipe: point {p!r} is not [x, y]")
                else:
                    points.append(parsed_point)
    if kind in ("label", "nav", "frame") and not str(entry.get("label_en") or ""):
        problems.append(f"{where}: {kind}: missing field 'label_en'")
    if str(entry.get("label_en") or "") and not str(entry.get("label_zh") or ""):
        problems.append(f"{where}: {kind}: has label_en but no label_zh (every visible text needs Chinese)")
    options = {k: v for k, v in entry.items() if k not in _ELEMENT_KEYS}
    return Element(
        type=kind, x=at[0], y=at[1], w=size[0], h=size[1], tag=tag, tags=tags, unit=unit, target=target,
        label_en=str(entry.get("label_en") or ""), label_zh=str(entry.get("label_zh") or ""),
        points=tuple(points), options=options, source=where,
    )


def load_display(path: Path, layout: PlantLayout, problems: list[str]) -> Display | None:
    """Parse one display file, appending mistakes to ``problems``."""
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        problems.append(str(exc))
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("display"), dict):
        problems.append(f"{path}:1: expected a mapping with 'display' and 'elements'")
        return None
    head = doc["display"]
    where = f"{path}:{head.get(LINE_KEY, 1)}"
    display_id = str(head.get("id") or "")
    if not display_id:
        problems.append(f"{where}: display: missing field 'id'")
    level = head.get("level")
    if level not in (1, 2, 3, 4):
        problems.append(f"{where}: display {display_id!r}: level must be 1, 2, 3 or 4, got {level!r}")
        level = 2
    for key in ("title_en", "title_zh"):
        if not str(head.get(key) or ""):
            problems.append(f"{where}: display {display_id!r}: missing field {key!r}")
    key = str(head.get("key") or "")
    if key and key not in FUNCTION_KEYS:
        problems.append(f"{where}: display {display_id!r}: key {key!r} is not F1..F12")
    size = _pair(head.get("size", [1800, 860]))
    if size is None or size[0] <= 0 or size[1] <= 0:
        problems.append(f"{where}: display {display_id!r}: size must be [width, height] positive numbers")
        size = (1800.0, 860.0)
    raw = doc.get("elements")
    if not isinstance(raw, list):
        problems.append(f"{path}:{doc.get(LINE_KEY, 1)}: display {display_id!r}: missing 'elements' list")
        raw = []
    elements = [e for e in (_parse_element(path, entry, layout, problems) for entry in raw) if e is not None]
    return Display(
        id=display_id, level=int(level), title_en=str(head.get("title_en") or display_id),
        title_zh=str(head.get("title_zh") or ""), width=size[0], height=size[1], elements=tuple(elements),
        key=key, parent=str(head.get("parent") or ""), source=where,
    )


def load_displays(layout: PlantLayout, folder: Path | None = None) -> dict[str, Display]:
    """Every display of ``layout`` (``<layout>/displays/*.yaml``), in file order; checked."""
    folder = folder or layout.folder / "displays"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise DisplayError([f"{folder}:0: no display files (*.yaml) found"])
    problems: list[str] = []
    displays: dict[str, Display] = {}
    keys: dict[str, str] = {}
    for path in files:
        display = load_display(path, layout, problems)
        if display is None:
            continue
        if display.id in displays:
            problems.append(f"{display.source}: duplicate display id {display.id!r} (first in {displays[display.id].source})")
            continue
        if display.key:
            if display.key in keys:
                problems.append(f"{display.source}: key {display.key} already calls up display {keys[display.key]!r}")
            keys[display.key] = display.id
        displays[display.id] = display
    for display in displays.values():
        if display.parent and display.parent not in displays:
            problems.append(f"{display.source}: parent {display.parent!r} is not a display")
        for element in display.elements:
            if element.type == "nav" and element.target and element.target not in displays:
                problems.append(f"{element.source}: nav: target {element.target!r} is not a display")
            link = element.options.get("display")
            if link and link not in displays:
                problems.append(f"{element.source}: {element.type}: display {link!r} is not a display")
    if problems:
        raise DisplayError(problems)
    return dict(sorted(displays.items(), key=lambda kv: (kv[1].level, files.index(Path(kv[1].source.rsplit(':', 1)[0])))))


def display_for(displays: dict[str, Display], unit_id: str, tag: str = "") -> str | None:
    """The display an operator should see for a unit (or tag): level 2 first, then 3, then 1."""
    for level in (2, 3, 1):
        for display in displays.values():
            if display.level != level:
                continue
            for element in display.elements:
                if element.unit == unit_id or (tag and (element.tag == tag or tag in element.tags)):
                    return display.id
    return None
