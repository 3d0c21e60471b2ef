"""The 3D plant scene as plain data: buildings, equipment shapes, danger zones, camera views.

Loaded from ``plant_layouts/<plant>/plant3d.yaml`` by :mod:`app.plant3d.loader`; drawn by
``widgets/plant3d_panel.py``. Metres, x east, y north, z up. No Qt, no VTK here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Vec3 = tuple[float, float, float]

#: Parametric shapes and the parameters each understands (all in metres unless named).
SHAPES: dict[str, tuple[str, ...]] = {
    "furnace": ("length", "width", "height", "shaft_diameter", "shaft_height", "shaft_at", "uptake_diameter",
                "uptake_height", "electrodes"),
    "converter": ("length", "diameter", "hood"),
    "ladle": ("diameter", "height"),
    "tank": ("diameter", "height", "cone"),
    "stack": ("diameter", "top_diameter", "height"),
    "drum": ("length", "diameter"),
    "wheel": ("diameter", "height"),
    "cell_row": ("cells", "rows", "cell", "pitch"),
    "conveyor": ("to", "width"),
    "crane": ("span", "run", "rail_height", "carry", "carry_above"),
    "box": ("size",),
    "fan": ("size",),
    "mesh": ("scale",),
}

#: What a bound tag drives. ``x``/``y``/``load``: a crane's bridge, trolley and hook load;
#: ``tilt``: a converter's angle (degrees); ``stage``: its stage (tilt from ``stage_tilt`` when
#: no tilt tag is bound); ``running``: a motor state; ``level``/``value``: shown on hover.
ROLES = ("tilt", "stage", "running", "level", "value", "x", "y", "load")
REQUIRED_ROLES: dict[str, tuple[str, ...]] = {"crane": ("x", "y")}


@dataclass(frozen=True, slots=True)
class View:
    """A camera preset (an area of the plant)."""

    id: str
    name_en: str
    name_zh: str
    focal: Vec3
    position: Vec3

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(frozen=True, slots=True)
class Building:
    """A hall: floor, columns every ``bay`` metres, roof frame; ``closed`` draws walls."""

    id: str
    name_en: str
    name_zh: str
    at: Vec3  # south-west corner on the ground
    size: Vec3  # length (x), width (y), height
    bay: float = 12.0
    closed: bool = False
    source: str = ""

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(frozen=True, slots=True)
class Equipment:
    """One piece of equipment: a parametric shape (or a mesh file) and the tags that drive it."""

    id: str
    unit: str
    name_en: str
    name_zh: str
    shape: str
    at: Vec3
    rotate: float = 0.0  # degrees about z
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    bind: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    show: tuple[str, ...] = ()  # tags shown on hover
    alarm_tags: tuple[str, ...] = ()  # tags whose alarms colour it
    stage_tilt: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    mesh: Path | None = None
    source: str = ""

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en

    @property
    def moving(self) -> bool:
        """Drawn as its own actors (a transform changes with a tag), not in the merged mesh."""
        return self.shape in ("converter", "crane")

    def p(self, key: str, default: Any) -> Any:
        value = self.params.get(key)
        return default if value is None else value


@dataclass(frozen=True, slots=True)
class Condition:
    """One way a zone becomes unsafe: ``tag`` above / below a number, or in one of ``states``."""

    tag: str
    above: float | None = None
    below: float | None = None
    states: tuple[str, ...] = ()

    def text(self) -> str:
        if self.above is not None:
            return f"{self.tag} > {self.above:g}"
        if self.below is not None:
            return f"{self.tag} < {self.below:g}"
        return f"{self.tag} = {'/'.join(self.states)}"


@dataclass(frozen=True, slots=True)
class Zone:
    """A danger zone: a box volume, the tag counting the people in it, the conditions that make
    it unsafe and the ``calc://`` tag the module publishes (True = occupied while unsafe)."""

    id: str
    name_en: str
    name_zh: str
    min: Vec3
    max: Vec3
    persons: str
    gas: str = ""
    unsafe_when: tuple[Condition, ...] = ()
    alarm_tag: str = ""
    source: str = ""

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en

    @property
    def centre(self) -> Vec3:
        return tuple((a + b) / 2 for a, b in zip(self.min, self.max, strict=True))  # type: ignore[return-value]


@dataclass(slots=True)
class Scene:
    """Everything ``plant3d.yaml`` declares."""

    path: Path
    ground_min: tuple[float, float] = (-100.0, -100.0)
    ground_max: tuple[float, float] = (100.0, 100.0)
    label_height: float = 3.0
    views: list[View] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)

    def equipment_by_id(self, eq_id: str) -> Equipment | None:
        return next((e for e in self.equipment if e.id == eq_id), None)

    def for_unit(self, unit: str) -> Equipment | None:
        """The equipment showing plant unit ``unit`` (the one with the unit's own id first)."""
        exact = self.equipment_by_id(unit)
        if exact is not None:
            return exact
        return next((e for e in self.equipment if e.unit == unit), None)

    def bound_tags(self) -> set[str]:
        """Every tag the scene reads (bindings, hover values, zones)."""
        names: set[str] = set()
        for e in self.equipment:
            names.update(e.bind.values())
            names.update(e.show)
        for z in self.zones:
            names.add(z.persons)
            if z.gas:
                names.add(z.gas)
            names.update(c.tag for c in z.unsafe_when)
            if z.alarm_tag:
                names.add(z.alarm_tag)
        return names
