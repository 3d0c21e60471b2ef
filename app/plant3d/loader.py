"""Loads ``plant3d.yaml`` into a :class:`~app.plant3d.scene.Scene`, checking every binding.

Every mistake is reported as ``file:line: what is wrong`` (:class:`Plant3DError`); every tag an
equipment or zone names must exist in the layout, and every equipment's ``unit`` must be a
plant unit of ``plant.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.layout import PlantLayout
from app.core.tags import DataType
from app.core.yaml_lines import LINE_KEY, YamlFileError, load_yaml
from app.plant3d.scene import (
    REQUIRED_ROLES,
    ROLES,
    SHAPES,
    Building,
    Condition,
    Equipment,
    Scene,
    Vec3,
    View,
    Zone,
)

SCENE_FILE = "plant3d.yaml"
CALC_PREFIX = "calc://plant3d/"


class Plant3DError(ValueError):
    """One or more mistakes in a 3D layout file; ``problems`` holds ``file:line: ...`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Checker:
    def __init__(self, path: Path, layout: PlantLayout) -> None:
        self.path = path
        self.layout = layout
        self.problems: list[str] = []

    def bad(self, entry: Any, text: str) -> None:
        line = entry.get(LINE_KEY, 0) if isinstance(entry, dict) else 0
        self.problems.append(f"{self.path}:{line}: {text}")

    def where(self, entry: dict) -> str:
        return f"{self.path}:{entry.get(LINE_KEY, 0)}"

    def vec(self, entry: dict, key: str, what: str, n: int = 3, default: Any = None) -> tuple[float, ...]:
        value = entry.get(key, default)
        try:
            if not isinstance(value, list | tuple) or len(value) != n:
                raise TypeError
            return tuple(float(v) for v in value)
        except (TypeError, ValueError):
            self.bad(entry, f"{what}: {key} must be a list of {n} numbers, got {value!r}")
            return (0.0,) * n

    def tag(self, entry: dict, name: object, what: str) -> str:
        text = "" if name is None else str(name)
        if text not in self.layout.tags:
            self.bad(entry, f"{what}: unknown tag {text!r}")
        return text


def load_scene(layout: PlantLayout, path: Path | None = None) -> Scene | None:
    """The scene of ``layout`` (``<folder>/plant3d.yaml``); None when the plant has none."""
    path = path or layout.folder / SCENE_FILE
    if not path.exists():
        return None
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        raise Plant3DError([str(exc)]) from None
    if not isinstance(doc, dict):
        raise Plant3DError([f"{path}:1: expected a mapping with buildings, equipment, zones, views"])
    c = _Checker(path, layout)
    scene = Scene(path=path)
    head = doc.get("plant3d") or {}
    if isinstance(head, dict):
        ground = head.get("ground") or {}
        if isinstance(ground, dict) and ground:
            lo = c.vec(ground, "min", "plant3d.ground", 2)
            hi = c.vec(ground, "max", "plant3d.ground", 2)
            scene.ground_min, scene.ground_max = (lo[0], lo[1]), (hi[0], hi[1])
        scene.label_height = float(head.get("label_height", 3.0) or 3.0)
    known = {"plant3d", "views", "buildings", "equipment", "zones", LINE_KEY}
    for key in doc:
        if key not in known:
            c.bad(doc, f"unknown section {key!r} (plant3d, views, buildings, equipment, zones)")
    seen: dict[str, dict[str, str]] = {}

    def unique(entry: dict, kind: str) -> str:
        ids = seen.setdefault(kind, {})
        ident = str(entry.get("id") or "")
        if not ident:
            c.bad(entry, f"{kind}: missing field 'id'")
        elif ident in ids:
            c.bad(entry, f"{kind} {ident!r}: duplicate id (first at {ids[ident]})")
        else:
            ids[ident] = c.where(entry)
        return ident

    for entry in _list(doc, "views", c):
        ident = unique(entry, "view")
        scene.views.append(View(ident, str(entry.get("name_en") or ident), str(entry.get("name_zh") or ""),
                                _v3(c.vec(entry, "focal", f"view {ident!r}")), _v3(c.vec(entry, "position", f"view {ident!r}"))))
    for entry in _list(doc, "buildings", c):
        ident = unique(entry, "building")
        size = c.vec(entry, "size", f"building {ident!r}")
        if any(s <= 0 for s in size):
            c.bad(entry, f"building {ident!r}: size must be positive, got {list(size)}")
        scene.buildings.append(Building(ident, str(entry.get("name_en") or ident), str(entry.get("name_zh") or ""),
                                        _v3(c.vec(entry, "at", f"building {ident!r}")), _v3(size),
                                        float(entry.get("bay", 12.0)), bool(entry.get("closed", False)), c.where(entry)))
    for entry in _list(doc, "equipment", c):
        eq = _equipment(entry, unique(entry, "equipment"), c)
        if eq is not None:
            scene.equipment.append(eq)
    for entry in _list(doc, "zones", c):
        zone = _zone(entry, unique(entry, "zone"), c)
        if zone is not None:
            scene.zones.append(zone)
    if c.problems:
        raise Plant3DError(c.problems)
    return scene


def _list(doc: dict, key: str, c: _Checker) -> list[dict]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        c.bad(doc, f"{key} must be a list")
        return []
    out = []
    for entry in value:
        if isinstance(entry, dict):
            out.append(entry)
        else:
            c.bad(doc, f"{key}: each entry must be a mapping, got {entry!r}")
    return out


def _v3(values: tuple[float, ...]) -> Vec3:
    return (values[0], values[1], values[2])


_EQ_FIELDS = {"id", "unit", "name_en", "name_zh", "shape", "at", "rotate", "params", "bind", "show", "alarm_tags",
              "stage_tilt", "mesh", LINE_KEY}


def _equipment(entry: dict, ident: str, c: _Checker) -> Equipment | None:
    what = f"equipment {ident!r}"
    for key in entry:
        if key not in _EQ_FIELDS:
            c.bad(entry, f"{what}: unknown field {key!r}")
    unit_id = str(entry.get("unit") or "")
    unit = c.layout.units.get(unit_id)
    if unit is None:
        c.bad(entry, f"{what}: unknown plant unit {unit_id!r}")
    shape = str(entry.get("shape") or "")
    if shape not in SHAPES:
        c.bad(entry, f"{what}: unknown shape {shape!r} ({', '.join(SHAPES)})")
    params = entry.get("params") or {}
    if not isinstance(params, dict):
        c.bad(entry, f"{what}: params must be a mapping")
        params = {}
    params = {k: v for k, v in params.items() if k != LINE_KEY}
    for key in params:
        if shape in SHAPES and key not in SHAPES[shape]:
            c.bad(entry, f"{what}: shape {shape} has no parameter {key!r} ({', '.join(SHAPES[shape])})")
    mesh: Path | None = None
    if shape == "mesh" or entry.get("mesh"):
        raw = str(entry.get("mesh") or "")
        mesh = (c.path.parent / raw) if raw else None
        if mesh is None or not mesh.is_file():
            c.bad(entry, f"{what}: mesh file {raw!r} not found (STL or OBJ, relative to {c.path.parent})")
        elif mesh.suffix.lower() not in (".stl", ".obj"):
            c.bad(entry, f"{what}: mesh file {raw!r} must be .stl or .obj")
    bind_raw = entry.get("bind") or {}
    if not isinstance(bind_raw, dict):
        c.bad(entry, f"{what}: bind must be a mapping of role: tag")
        bind_raw = {}
    bind: dict[str, str] = {}
    for role, tag in bind_raw.items():
        if role == LINE_KEY:
            continue
        if role not in ROLES:
            c.bad(entry, f"{what}: unknown binding {role!r} ({', '.join(ROLES)})")
            continue
        bind[role] = c.tag(entry, tag, f"{what} {role}")
    for role in REQUIRED_ROLES.get(shape, ()):
        if role not in bind:
            c.bad(entry, f"{what}: a {shape} needs a '{role}' binding")
    for role in ("stage", "running"):
        tag = c.layout.tags.get(bind.get(role, ""))
        if tag is not None and tag.data_type not in (DataType.STATE, DataType.BOOL):
            c.bad(entry, f"{what}: {role} tag {tag.name!r} must be a state or bool tag, not {tag.data_type.value}")
    show = tuple(c.tag(entry, t, f"{what} show") for t in entry.get("show") or ())
    alarm_tags = tuple(c.tag(entry, t, f"{what} alarm_tags") for t in entry.get("alarm_tags") or ())
    if not alarm_tags:
        # its own tags; the unit's main equipment also shows every alarm of the unit
        own = list(dict.fromkeys([*bind.values(), *show]))
        if unit is not None and ident == unit_id:
            own += [t.name for t in c.layout.tags.values() if t.unit_id == unit_id and t.name not in own]
        alarm_tags = tuple(own)
    stage_tilt: dict[str, float] = {}
    raw_tilt = entry.get("stage_tilt") or {}
    if raw_tilt:
        stage_tag = c.layout.tags.get(bind.get("stage", ""))
        if stage_tag is None:
            c.bad(entry, f"{what}: stage_tilt needs a 'stage' binding")
        for state, angle in raw_tilt.items():
            if state == LINE_KEY:
                continue
            if stage_tag is not None and stage_tag.states and str(state) not in stage_tag.states:
                c.bad(entry, f"{what}: stage_tilt: {stage_tag.name} has no state {state!r}")
            try:
                stage_tilt[str(state)] = float(angle)
            except (TypeError, ValueError):
                c.bad(entry, f"{what}: stage_tilt {state}: {angle!r} is not a number of degrees")
    name_en = str(entry.get("name_en") or (unit.name_en if unit else ident))
    name_zh = str(entry.get("name_zh") or (unit.name_zh if unit else ""))
    try:
        rotate = float(entry.get("rotate", 0.0) or 0.0)
    except (TypeError, ValueError):
        c.bad(entry, f"{what}: rotate must be a number of degrees")
        rotate = 0.0
    return Equipment(ident, unit_id, name_en, name_zh, shape, _v3(c.vec(entry, "at", what)), rotate, params, bind,
                     show, alarm_tags, stage_tilt, mesh, c.where(entry))


_ZONE_FIELDS = {"id", "name_en", "name_zh", "min", "max", "persons", "gas", "unsafe_when", "alarm_tag", LINE_KEY}


def _zone(entry: dict, ident: str, c: _Checker) -> Zone | None:
    what = f"zone {ident!r}"
    for key in entry:
        if key not in _ZONE_FIELDS:
            c.bad(entry, f"{what}: unknown field {key!r}")
    lo, hi = c.vec(entry, "min", what), c.vec(entry, "max", what)
    if any(a >= b for a, b in zip(lo, hi, strict=True)):
        c.bad(entry, f"{what}: min {list(lo)} must be below max {list(hi)} on every axis")
    if not entry.get("persons"):
        c.bad(entry, f"{what}: missing field 'persons' (the tag counting people in it)")
    persons = c.tag(entry, entry.get("persons"), f"{what} persons") if entry.get("persons") else ""
    gas = c.tag(entry, entry.get("gas"), f"{what} gas") if entry.get("gas") else ""
    conditions: list[Condition] = []
    for cond in entry.get("unsafe_when") or ():
        if not isinstance(cond, dict) or "tag" not in cond:
            c.bad(entry, f"{what}: each unsafe_when entry needs a 'tag'")
            continue
        tag_name = c.tag(cond, cond.get("tag"), f"{what} unsafe_when")
        tag = c.layout.tags.get(tag_name)
        states = tuple(str(s) for s in cond.get("states") or ())
        try:
            above = float(cond["above"]) if cond.get("above") is not None else None
            below = float(cond["below"]) if cond.get("below") is not None else None
        except (TypeError, ValueError):
            c.bad(cond, f"{what}: above/below must be numbers")
            continue
        if sum(x is not None and x != () for x in (above, below, states or None)) != 1:
            c.bad(cond, f"{what}: unsafe_when {tag_name}: give exactly one of above, below, states")
            continue
        if states and tag is not None:
            unknown = [s for s in states if s not in tag.states]
            if unknown:
                c.bad(cond, f"{what}: unsafe_when {tag_name} has no state {unknown[0]!r}")
        conditions.append(Condition(tag_name, above, below, states))
    alarm_tag = str(entry.get("alarm_tag") or "")
    if alarm_tag:
        tag = c.layout.tags.get(alarm_tag)
        if tag is None:
            c.bad(entry, f"{what}: unknown alarm_tag {alarm_tag!r} (declare it in tags/ with address {CALC_PREFIX}{alarm_tag})")
        elif not tag.address.startswith("calc://"):
            c.bad(entry, f"{what}: alarm_tag {alarm_tag!r} must have a calc:// address (the module computes it), not {tag.address!r}")
        elif tag.data_type is not DataType.BOOL:
            c.bad(entry, f"{what}: alarm_tag {alarm_tag!r} must be a bool tag")
        if not conditions:
            c.bad(entry, f"{what}: alarm_tag without unsafe_when conditions can never alarm")
    return Zone(ident, str(entry.get("name_en") or ident), str(entry.get("name_zh") or ""), _v3(lo), _v3(hi),
                persons, gas, tuple(conditions), alarm_tag, c.where(entry))


def validate(layout: PlantLayout) -> list[str]:
    """``crucible validate``'s check of ``plant3d.yaml`` (``Module.validate``): problems or []."""
    try:
        load_scene(layout)
    except Plant3DError as exc:
        return list(exc.problems)
    return []
