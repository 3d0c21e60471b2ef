"""The plant model, loaded from a folder under ``plant_layouts/``.

A layout folder holds ``plant.yaml`` (plant, connections, areas with their units) and tag
files (``tags/*.yaml``). :func:`load_layout` checks everything and raises
:class:`LayoutError` listing every mistake as ``file:line: what is wrong``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.address import AddressError, parse_address
from app.core.controls import UnitControls, load_controls
from app.core.resources import layouts_dir
from app.core.tags import DataType, TagDef
from app.core.units import is_known_unit
from app.core.yaml_lines import (
    LINE_KEY,
    FieldError,
    YamlFileError,
    as_bool,
    as_number,
    as_text,
    as_text_list,
    describe,
    load_yaml,
)

log = logging.getLogger(__name__)

LAYOUTS_DIR = layouts_dir()
DEFAULT_LAYOUT = LAYOUTS_DIR / "copper_smelter"


class LayoutError(ValueError):
    """One or more mistakes in a layout; ``problems`` holds one ``file:line: ...`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class Connection:
    name: str
    protocol: str  # "opcua" | "modbus"
    endpoint: str = ""  # OPC UA endpoint URL
    host: str = ""
    port: int = 0
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class PlantUnit:
    id: str
    area: str
    name_en: str
    name_zh: str
    kind: str

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name_en: str
    name_zh: str
    units: tuple[PlantUnit, ...]

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(slots=True)
class PlantLayout:
    """Everything a layout folder declares."""

    id: str
    name_en: str
    name_zh: str
    folder: Path
    connections: dict[str, Connection]
    areas: dict[str, Area]
    units: dict[str, PlantUnit]
    tags: dict[str, TagDef]
    extra: dict[str, Any] = field(default_factory=dict)
    controls: dict[str, UnitControls] = field(default_factory=dict)  # unit -> its controls.yaml entry

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en

    def tags_in_area(self, area: str) -> list[TagDef]:
        return [t for t in self.tags.values() if t.area == area]


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: Path, line: int | None, text: str) -> None:
        self.items.append(f"{path}:{line or 0}: {text}")


class _Field:
    """Reads typed fields of one mapping, reporting each wrong one as ``file:line: ...``."""

    def __init__(self, problems: _Problems, path: Path, entry: dict, label: str) -> None:
        self.problems, self.path, self.entry, self.label = problems, path, entry, label
        self.line = entry.get(LINE_KEY)

    def bad(self, key: str, error: Exception) -> None:
        self.problems.add(self.path, self.line, f"{self.label}{key} {error}")

    def text(self, key: str, default: str = "") -> str:
        try:
            return as_text(self.entry.get(key), default)
        except FieldError as exc:
            self.bad(key, exc)
            return default

    def flag(self, key: str, default: bool) -> bool:
        try:
            return as_bool(self.entry.get(key), default)
        except FieldError as exc:
            self.bad(key, exc)
            return default

    def number(self, key: str, default: float, **limits: Any) -> float:
        if self.entry.get(key) is None:
            return default
        try:
            return as_number(self.entry[key], **limits)
        except FieldError as exc:
            self.bad(key, exc)
            return default

    def texts(self, key: str) -> tuple[str, ...]:
        try:
            return as_text_list(self.entry.get(key))
        except FieldError as exc:
            self.bad(key, exc)
            return ()


def _text(entry: dict, key: str) -> str:
    """A text field where a wrong type is reported elsewhere (or cannot matter)."""
    try:
        return as_text(entry.get(key))
    except FieldError:
        return ""


def load_layout(folder: Path | str = DEFAULT_LAYOUT) -> PlantLayout:
    """Load and validate the layout in ``folder``; raise :class:`LayoutError` on mistakes."""
    try:
        return _load_layout(Path(folder))
    except LayoutError:
        raise
    except (RecursionError, MemoryError, OverflowError, TypeError, ValueError, AttributeError) as exc:
        # Every known mistake has its own message; this is the net under the ones not yet
        # foreseen, so a user never sees a traceback (the probe counts these separately).
        log.exception("unforeseen mistake in layout %s", folder)
        raise LayoutError([f"{folder}: cannot load the layout (internal error {type(exc).__name__}: {exc})"]) from None


def _load_layout(folder: Path) -> PlantLayout:
    problems = _Problems()
    plant_file = folder / "plant.yaml"
    if not folder.is_dir():
        raise LayoutError([f"{folder}:0: layout folder does not exist"])
    try:
        doc = load_yaml(plant_file)
    except YamlFileError as exc:
        raise LayoutError([str(exc)]) from None
    if not isinstance(doc, dict):
        raise LayoutError([f"{plant_file}:1: expected a mapping with plant, connections, areas"])

    plant = doc.get("plant")
    if not isinstance(plant, dict):
        problems.add(plant_file, doc.get(LINE_KEY), "missing field 'plant'")
        plant = {}
    for key in ("id", "name_en"):
        if key not in plant:
            problems.add(plant_file, plant.get(LINE_KEY), f"plant: missing field {key!r}")
    plant_fields = _Field(problems, plant_file, plant, "plant: ")
    plant_id, plant_en, plant_zh = plant_fields.text("id"), plant_fields.text("name_en"), plant_fields.text("name_zh")

    connections = _load_connections(plant_file, doc, problems)
    areas, units = _load_areas(plant_file, doc, problems)
    tags = _load_tags(folder, doc, plant_file, connections, units, problems)
    # Checked once the tags load: on top of a broken tag file it would only repeat its mistakes.
    controls = {} if problems.items else load_controls(folder, units, tags, problems.items)

    if problems.items:
        raise LayoutError(problems.items)
    extra = {k: v for k, v in doc.items() if k not in ("plant", "connections", "areas", "tag_files", LINE_KEY)}
    return PlantLayout(
        id=plant_id,
        name_en=plant_en,
        name_zh=plant_zh,
        folder=folder,
        connections=connections,
        areas=areas,
        units=units,
        tags=tags,
        extra=extra,
        controls=controls,
    )


def _load_connections(path: Path, doc: dict, problems: _Problems) -> dict[str, Connection]:
    result: dict[str, Connection] = {}
    raw = doc.get("connections") or {}
    if not isinstance(raw, dict):
        problems.add(path, doc.get(LINE_KEY), "'connections' must be a mapping of name -> settings")
        return result
    for name, entry in raw.items():
        if name == LINE_KEY:
            continue
        if not isinstance(entry, dict):
            problems.add(path, raw.get(LINE_KEY), f"connection {name!r}: expected a mapping")
            continue
        line = entry.get(LINE_KEY)
        fields = _Field(problems, path, entry, f"connection {name!r}: ")
        protocol = fields.text("protocol")
        if protocol == "opcua":
            endpoint = fields.text("endpoint")
            if not endpoint.startswith("opc.tcp://"):
                problems.add(path, line, f"connection {name!r}: endpoint must start with opc.tcp://")
            result[name] = Connection(name, protocol, endpoint=endpoint, options=_options(entry))
        elif protocol == "modbus":
            port = int(fields.number("port", 502, minimum=1, maximum=65535, integer=True))
            host = fields.text("host")
            if not host:
                problems.add(path, line, f"connection {name!r}: missing field 'host'")
            result[name] = Connection(name, protocol, host=host, port=port, options=_options(entry))
        else:
            problems.add(path, line, f"connection {name!r}: protocol {protocol!r} is not opcua or modbus")
    return result


def _options(entry: dict) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("protocol", "endpoint", "host", "port", LINE_KEY)}


def _load_areas(path: Path, doc: dict, problems: _Problems) -> tuple[dict[str, Area], dict[str, PlantUnit]]:
    areas: dict[str, Area] = {}
    units: dict[str, PlantUnit] = {}
    raw = doc.get("areas")
    if not isinstance(raw, list) or not raw:
        problems.add(path, doc.get(LINE_KEY), "missing field 'areas' (a list of areas)")
        return areas, units
    for entry in raw:
        if not isinstance(entry, dict):
            problems.add(path, doc.get(LINE_KEY), "each area must be a mapping")
            continue
        line = entry.get(LINE_KEY)
        fields = _Field(problems, path, entry, "area: ")
        area_id = fields.text("id")
        if not area_id:
            problems.add(path, line, "area: missing field 'id'")
            continue
        if area_id in areas:
            problems.add(path, line, f"duplicate area {area_id!r}")
        fields.label = f"area {area_id!r}: "
        name_en, name_zh = fields.text("name_en"), fields.text("name_zh")
        if not name_en:
            problems.add(path, line, f"area {area_id!r}: missing field 'name_en'")
        area_units: list[PlantUnit] = []
        raw_units = entry.get("units") or []
        if not isinstance(raw_units, list):
            problems.add(path, line, f"area {area_id!r}: units must be a list of units, got {describe(raw_units)}")
            raw_units = []
        for unit in raw_units:
            if not isinstance(unit, dict) or not _text(unit, "id"):
                problems.add(path, unit.get(LINE_KEY, line) if isinstance(unit, dict) else line,
                             f"area {area_id!r}: a unit lacks field 'id' (text)")
                continue
            unit_fields = _Field(problems, path, unit, f"unit {_text(unit, 'id')!r}: ")
            unit_id = unit_fields.text("id")
            if unit_id in units:
                problems.add(path, unit.get(LINE_KEY), f"duplicate unit {unit_id!r}")
            plant_unit = PlantUnit(
                unit_id, area_id, unit_fields.text("name_en") or unit_id, unit_fields.text("name_zh"),
                unit_fields.text("kind"),
            )
            units[unit_id] = plant_unit
            area_units.append(plant_unit)
        areas[area_id] = Area(area_id, name_en, name_zh, tuple(area_units))
    return areas, units


_REQUIRED_TAG_FIELDS = ("name", "unit", "desc_en", "desc_zh", "eu", "range", "address")
_OPTIONAL_TAG_FIELDS = (
    "type", "normal", "deadband", "historise", "writable", "write_limits", "critical", "states",
    "alarms", "setpoint_of", "write_when", "compression", "sampling_ms", "max_step", "report_deadband", LINE_KEY,
)


def _load_tags(
    folder: Path,
    doc: dict,
    plant_file: Path,
    connections: dict[str, Connection],
    units: dict[str, PlantUnit],
    problems: _Problems,
) -> dict[str, TagDef]:
    tags: dict[str, TagDef] = {}
    patterns = doc.get("tag_files") or ["tags/*.yaml"]
    files: list[Path] = []
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        problems.add(plant_file, doc.get(LINE_KEY), f"tag_files must be a list of file patterns (tags/*.yaml), got {describe(patterns)}")
        patterns = []
    for pattern in patterns:
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            problems.add(plant_file, doc.get(LINE_KEY), f"tag_files: {pattern!r} must name files inside the layout folder")
            continue
        try:
            matched = sorted(p for p in folder.glob(pattern) if p.is_file())
        except (ValueError, OSError) as exc:
            problems.add(plant_file, doc.get(LINE_KEY), f"tag_files: {pattern!r} is not a usable pattern ({exc})")
            continue
        if not matched:
            problems.add(plant_file, doc.get(LINE_KEY), f"tag_files: {pattern!r} matches no file")
        files.extend(matched)
    for path in files:
        try:
            tag_doc = load_yaml(path)
        except YamlFileError as exc:
            problems.items.append(str(exc))
            continue
        if not isinstance(tag_doc, dict) or not isinstance(tag_doc.get("tags"), list):
            problems.add(path, 1, "expected a mapping with a 'tags' list")
            continue
        for entry in tag_doc["tags"]:
            tag = _parse_tag(path, entry, connections, units, problems)
            if tag is None:
                continue
            if tag.name in tags:
                problems.add(path, entry.get(LINE_KEY), f"duplicate tag {tag.name!r} (first defined at {tags[tag.name].source})")
                continue
            tags[tag.name] = tag
    for tag in tags.values():
        if tag.setpoint_of and tag.setpoint_of not in tags:
            problems.items.append(f"{tag.source}: tag {tag.name!r}: setpoint_of names unknown tag {tag.setpoint_of!r}")
        if tag.write_when:
            refusal = _check_write_when(tag, tags)
            if refusal:
                problems.items.append(f"{tag.source}: tag {tag.name!r}: {refusal}")
    return tags


def _check_write_when(tag: TagDef, tags: dict[str, TagDef]) -> str:
    """'' when ``write_when`` reads ``STATE_TAG=STATE`` with a real state of a real state tag."""
    mode_name, sep, state = tag.write_when.partition("=")
    if not sep or not mode_name.strip() or not state.strip():
        return f"write_when {tag.write_when!r} should read TAG=STATE, e.g. PSC1.MODE=MANUAL"
    mode_tag = tags.get(mode_name.strip())
    if mode_tag is None:
        return f"write_when names unknown tag {mode_name.strip()!r}"
    if mode_tag.data_type is not DataType.STATE:
        return f"write_when needs a state tag; {mode_tag.name} is {mode_tag.data_type.value}"
    if state.strip() not in mode_tag.states:
        return f"write_when: {state.strip()!r} is not a state of {mode_tag.name} ({', '.join(mode_tag.states)})"
    if not tag.writable:
        return "write_when is set but the tag is not writable"
    return ""


def _parse_tag(
    path: Path, entry: object, connections: dict[str, Connection], units: dict[str, PlantUnit], problems: _Problems
) -> TagDef | None:
    if not isinstance(entry, dict):
        problems.add(path, 0, f"each tag must be a mapping, got {describe(entry)}")
        return None
    line = entry.get(LINE_KEY)
    name = _text(entry, "name") or "?"
    fields = _Field(problems, path, entry, f"tag {name!r}: ")
    before = len(problems.items)
    for key in _REQUIRED_TAG_FIELDS:
        if key not in entry or entry[key] in (None, ""):
            if not (key == "eu" and entry.get(key) == ""):
                problems.add(path, line, f"tag {name!r}: missing field {key!r}")
    if len(problems.items) > before:
        return None
    for key in entry:
        if key not in _REQUIRED_TAG_FIELDS and key not in _OPTIONAL_TAG_FIELDS:
            problems.add(path, line, f"tag {name!r}: unknown field {key!r}")
    fields.text("name")
    eng_unit = fields.text("eu")
    if not is_known_unit(eng_unit):
        problems.add(path, line, f"tag {name!r}: unknown unit {eng_unit!r}")
    unit_id = fields.text("unit")
    plant_unit = units.get(unit_id)
    if plant_unit is None:
        problems.add(path, line, f"tag {name!r}: unknown plant unit {unit_id!r}")
    type_text = fields.text("type")
    try:
        data_type = DataType(type_text or "float")
    except ValueError:
        problems.add(path, line, f"tag {name!r}: unknown type {entry.get('type')!r} (float, int, bool, state)")
        data_type = DataType.FLOAT
    address = fields.text("address")
    try:
        parsed = parse_address(address)
        if parsed.scheme in ("opcua", "modbus"):
            conn = connections.get(parsed.connection)
            if conn is None:
                problems.add(path, line, f"tag {name!r}: bad address {address!r}: unknown connection {parsed.connection!r}")
            elif conn.protocol != parsed.scheme:
                problems.add(path, line, f"tag {name!r}: bad address {address!r}: connection {conn.name!r} is {conn.protocol}")
    except AddressError as exc:
        problems.add(path, line, f"tag {name!r}: bad address: {exc}")

    def pair(key: str) -> tuple[float, float] | None:
        value = entry.get(key)
        if value is None:
            return None
        try:
            if not isinstance(value, list) or len(value) != 2:
                raise FieldError(f"got {describe(value)}")
            low, high = (as_number(v) for v in value)
        except FieldError as exc:
            problems.add(path, line, f"tag {name!r}: {key} must be [low, high] finite numbers: {exc}")
            return None
        if low > high:
            problems.add(path, line, f"tag {name!r}: {key} low {low:g} is above high {high:g}")
        return low, high

    eu_range = pair("range") or (0.0, 0.0)
    normal = pair("normal")
    write = pair("write_limits")
    if normal and (normal[0] < eu_range[0] or normal[1] > eu_range[1]):
        problems.add(path, line, f"tag {name!r}: normal band {list(normal)} lies outside range {list(eu_range)}")
    writable = fields.flag("writable", False)
    if writable and write is None:
        write = eu_range
    deadband = fields.number("deadband", 0.0, minimum=0.0)
    sampling_ms = int(fields.number("sampling_ms", 0, positive=True, integer=True, maximum=86_400_000))
    max_step: float | None = fields.number("max_step", 0.0, positive=True) or None
    report_deadband = fields.number("report_deadband", 0.0, minimum=0.0)
    compression = fields.number("compression", 0.0, minimum=0.0)
    states = fields.texts("states")
    if data_type is DataType.STATE and not states:
        problems.add(path, line, f"tag {name!r}: type state needs a 'states' list")
    if data_type is DataType.BOOL and states and len(states) != 2:
        problems.add(path, line, f"tag {name!r}: a bool tag names 2 states (false, true), not {len(states)}")
    # A tag with problems is still returned, so one mistake does not cascade into
    # "unknown tag" complaints elsewhere; the load fails as a whole anyway.
    return TagDef(
        name=name,
        area=plant_unit.area if plant_unit else "",
        unit_id=unit_id,
        description_en=fields.text("desc_en"),
        description_zh=fields.text("desc_zh"),
        eng_unit=eng_unit,
        eu_low=eu_range[0],
        eu_high=eu_range[1],
        address=address,
        data_type=data_type,
        normal_low=normal[0] if normal else None,
        normal_high=normal[1] if normal else None,
        deadband=deadband,
        compression=compression,
        historise=fields.flag("historise", True),
        writable=writable,
        write_low=write[0] if write else None,
        write_high=write[1] if write else None,
        critical=fields.flag("critical", False),
        states=states,
        setpoint_of=fields.text("setpoint_of"),
        write_when=fields.text("write_when").replace(" ", ""),
        sampling_ms=sampling_ms,
        max_step=max_step,
        report_deadband=report_deadband,
        source=f"{path}:{line}",
    )
