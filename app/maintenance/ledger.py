"""The equipment ledger (``plant_layouts/<plant>/equipment.yaml``): what each machine is, its
tags by role, its ISO 10816 zone limits, preventive plans and spare parts.

:func:`load_ledger` reports every mistake as ``file:line: message`` (:class:`LedgerError`), so
``crucible validate`` can list them all at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.tags import TagDef
from app.core.yaml_lines import LINE_KEY, YamlFileError, load_yaml

FILE_NAME = "equipment.yaml"
ROLES = ("state", "run", "fault", "vibration", "run_hours", "power")
CRITICALITIES = ("A", "B", "C")
FOUNDATIONS = ("rigid", "flexible")

#: ISO 10816-3 zone boundaries (mm/s RMS): A/B, B/C, C/D per (machine group, foundation).
ZONE_LIMITS: dict[tuple[int, str], tuple[float, float, float]] = {
    (1, "rigid"): (2.3, 4.5, 7.1),
    (1, "flexible"): (3.5, 7.1, 11.0),
    (2, "rigid"): (1.4, 2.8, 4.5),
    (2, "flexible"): (2.3, 4.5, 7.1),
}


class LedgerError(ValueError):
    """Mistakes in an equipment ledger; ``problems`` holds one ``file:line: ...`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class ZoneLimits:
    """ISO 10816 zone boundaries of one machine: A/B, B/C (zone C starts), C/D (trip)."""

    group: int
    foundation: str
    ab: float
    bc: float
    cd: float

    def zone(self, vibration: float) -> str:
        """``"A"``..``"D"`` for a vibration in mm/s RMS."""
        if vibration < self.ab:
            return "A"
        if vibration < self.bc:
            return "B"
        if vibration < self.cd:
            return "C"
        return "D"


@dataclass(frozen=True, slots=True)
class PreventivePlan:
    """A preventive task every N run hours and/or every N calendar days.

    ``min_days``: never sooner than this after the last time (run hours alone do not bring it
    forward); ``max_days``: due after this many days whatever the run hours.
    """

    id: str
    task_en: str
    task_zh: str = ""
    every_run_h: float | None = None
    every_days: float | None = None
    min_days: float = 0.0
    max_days: float | None = None
    labour_h: float = 0.0

    def due(self, run_h_since: float, days_since: float) -> bool:
        """True when the task is due ``run_h_since`` run hours / ``days_since`` days after the last one."""
        if days_since < self.min_days:
            return False
        if self.every_run_h is not None and run_h_since >= self.every_run_h:
            return True
        if self.every_days is not None and days_since >= self.every_days:
            return True
        return self.max_days is not None and days_since >= self.max_days

    def remaining(self, run_h_since: float, days_since: float) -> tuple[float | None, float | None]:
        """(run hours, days) left until due on each count (None where the plan has no such count)."""
        days_limit = min(x for x in (self.every_days, self.max_days) if x is not None) if (
            self.every_days is not None or self.max_days is not None) else None
        rh = None if self.every_run_h is None else self.every_run_h - run_h_since
        d = None if days_limit is None else days_limit - days_since
        return rh, d


@dataclass(frozen=True, slots=True)
class SparePart:
    """A spare part of a machine; ``rated_life_h`` gives a run-hours-based remaining life."""

    part: str
    description: str = ""
    quantity: int = 1
    rated_life_h: float | None = None
    stock: int = 0


@dataclass(frozen=True, slots=True)
class Equipment:
    """One machine in the ledger."""

    id: str
    unit: str
    area: str
    type: str
    name_en: str
    name_zh: str = ""
    make: str = ""
    model: str = ""
    installed: dt.date | None = None
    criticality: str = "C"
    tags: Mapping[str, str] = field(default_factory=dict)
    zones: ZoneLimits | None = None
    rated_kw: float | None = None
    plans: tuple[PreventivePlan, ...] = ()
    spares: tuple[SparePart, ...] = ()
    line: int = 0

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en

    def tag(self, role: str) -> str | None:
        return self.tags.get(role)


@dataclass
class Ledger:
    """Every machine of a plant, in file order."""

    path: Path
    equipment: dict[str, Equipment]
    oee: list[Any] = field(default_factory=list)  # app.maintenance.oee.OeeUnit

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.equipment.values())

    def __len__(self) -> int:
        return len(self.equipment)

    def get(self, equipment_id: str) -> Equipment | None:
        return self.equipment.get(equipment_id)

    def by_area(self) -> dict[str, list[Equipment]]:
        out: dict[str, list[Equipment]] = {}
        for eq in self.equipment.values():
            out.setdefault(eq.area, []).append(eq)
        return out

    def tags_of(self, equipment_id: str, all_tags: Mapping[str, TagDef] | None = None) -> list[str]:
        """The tags that belong to a machine: its role tags and every tag named ``<id>.*``."""
        eq = self.equipment[equipment_id]
        names = set(eq.tags.values())
        if all_tags is not None:
            names.update(n for n in all_tags if n.startswith(eq.id + "."))
        return sorted(names)


def _num(entry: dict[str, Any], key: str, where: str, problems: list[str], positive: bool = True) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: {key} must be a number, not {value!r}")
        return None
    if positive and value <= 0:
        problems.append(f"{where}: {key} must be greater than 0, not {value!r}")
        return None
    return float(value)


def _date(value: object, where: str, problems: list[str]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: installed must be a date like 2019-06-01, not {value!r}")
        return None


def load_ledger(
    path: Path | str,
    tags: Mapping[str, TagDef] | None = None,
    units: Mapping[str, Any] | None = None,
) -> Ledger:
    """Load ``equipment.yaml``; check role tags exist in ``tags`` and units in ``units`` (a
    layout's ``units``, whose ``.area`` gives the machine's area). Raises :class:`LedgerError`."""
    path = Path(path)
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        raise LedgerError([str(exc)]) from None
    problems: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("equipment"), list):
        raise LedgerError([f"{path}:1: expected a mapping with an 'equipment:' list"])
    out: dict[str, Equipment] = {}
    for entry in doc["equipment"]:
        if not isinstance(entry, dict):
            problems.append(f"{path}:0: each equipment entry must be a mapping, not {entry!r}")
            continue
        eq = _equipment(path, entry, tags, units, problems)
        if eq is None:
            continue
        if eq.id in out:
            problems.append(f"{path}:{eq.line}: equipment {eq.id} is listed twice (first at line {out[eq.id].line})")
            continue
        out[eq.id] = eq
    from app.maintenance.oee import parse_oee

    oee = parse_oee(path, doc.get("oee"), tags, problems)
    if problems:
        raise LedgerError(problems)
    return Ledger(path, out, oee)


def _equipment(
    path: Path, entry: dict[str, Any], tags: Mapping[str, TagDef] | None,
    units: Mapping[str, Any] | None, problems: list[str],
) -> Equipment | None:
    line = int(entry.get(LINE_KEY, 0))
    where = f"{path}:{line}"
    before = len(problems)
    eid = entry.get("id")
    if not isinstance(eid, str) or not eid:
        problems.append(f"{where}: equipment needs an 'id'")
        return None
    where = f"{where}: {eid}"
    unit = str(entry.get("unit") or "")
    area = str(entry.get("area") or "")
    if not unit:
        problems.append(f"{where}: needs a 'unit'")
    elif units is not None:
        if unit not in units:
            problems.append(f"{where}: unit {unit!r} is not a unit of the layout")
        else:
            area = area or str(getattr(units[unit], "area", ""))
    criticality = str(entry.get("criticality", "C"))
    if criticality not in CRITICALITIES:
        problems.append(f"{where}: criticality must be A, B or C, not {criticality!r}")
    role_tags: dict[str, str] = {}
    raw_tags = entry.get("tags") or {}
    if not isinstance(raw_tags, dict):
        problems.append(f"{where}: 'tags' must map roles to tag names")
        raw_tags = {}
    for role, name in raw_tags.items():
        if role == LINE_KEY:
            continue
        if role not in ROLES:
            problems.append(f"{where}: unknown tag role {role!r} (roles: {', '.join(ROLES)})")
            continue
        if tags is not None and name not in tags:
            problems.append(f"{where}: {role} tag {name!r} is not in the layout's tags")
            continue
        role_tags[role] = str(name)
    if "state" not in role_tags and "run" not in role_tags:
        problems.append(f"{where}: needs a 'state' or a 'run' tag to know when it runs")
    zones = None
    iso = entry.get("iso10816")
    if iso is not None:
        if not isinstance(iso, dict):
            problems.append(f"{where}: iso10816 must be a mapping with group and foundation")
        else:
            key = (iso.get("group"), str(iso.get("foundation", "rigid")))
            if key not in ZONE_LIMITS:
                problems.append(f"{where}: iso10816 group must be 1 or 2 and foundation rigid or flexible, "
                                f"not group {key[0]!r} / {key[1]!r}")
            else:
                ab, bc, cd = ZONE_LIMITS[key]  # type: ignore[index]
                zones = ZoneLimits(int(key[0]), key[1], ab, bc, cd)  # type: ignore[arg-type]
    elif "vibration" in role_tags:
        problems.append(f"{where}: has a vibration tag but no iso10816 group/foundation for its zone limits")
    plans: list[PreventivePlan] = []
    for p in entry.get("plans") or []:
        plan = _plan(path, eid, p, problems)
        if plan is not None:
            if any(q.id == plan.id for q in plans):
                problems.append(f"{path}:{p.get(LINE_KEY, line)}: plan {plan.id} is listed twice for {eid}")
            plans.append(plan)
    spares: list[SparePart] = []
    for s in entry.get("spares") or []:
        sline = f"{path}:{s.get(LINE_KEY, line) if isinstance(s, dict) else line}: {eid}"
        if not isinstance(s, dict) or not s.get("part"):
            problems.append(f"{sline}: a spare part needs 'part'")
            continue
        qty = s.get("quantity", 1)
        if not isinstance(qty, int) or qty < 1:
            problems.append(f"{sline}: quantity of {s['part']} must be a whole number >= 1")
            qty = 1
        spares.append(SparePart(str(s["part"]), str(s.get("description", "")), qty,
                                _num(s, "rated_life_h", sline, problems), int(s.get("stock", 0) or 0)))
    installed = _date(entry.get("installed"), where, problems)
    rated_kw = _num(entry, "rated_kw", where, problems)
    if len(problems) > before:
        return None
    return Equipment(
        id=eid, unit=unit, area=area, type=str(entry.get("type") or "machine"),
        name_en=str(entry.get("name_en") or eid), name_zh=str(entry.get("name_zh") or ""),
        make=str(entry.get("make") or ""), model=str(entry.get("model") or ""), installed=installed,
        criticality=criticality, tags=role_tags, zones=zones, rated_kw=rated_kw,
        plans=tuple(plans), spares=tuple(spares), line=line,
    )


def _plan(path: Path, eid: str, p: object, problems: list[str]) -> PreventivePlan | None:
    if not isinstance(p, dict):
        problems.append(f"{path}:0: {eid}: a plan must be a mapping")
        return None
    where = f"{path}:{p.get(LINE_KEY, 0)}: {eid}"
    pid = p.get("id")
    if not isinstance(pid, str) or not pid:
        problems.append(f"{where}: a plan needs an 'id'")
        return None
    before = len(problems)
    every_h = _num(p, "every_run_h", where, problems)
    every_d = _num(p, "every_days", where, problems)
    min_d = _num(p, "min_days", where, problems, positive=False) or 0.0
    max_d = _num(p, "max_days", where, problems)
    if every_h is None and every_d is None and max_d is None:
        problems.append(f"{where}: plan {pid} needs every_run_h and/or every_days")
    if max_d is not None and max_d < min_d:
        problems.append(f"{where}: plan {pid}: max_days {max_d:g} is less than min_days {min_d:g}")
    if len(problems) > before:
        return None
    return PreventivePlan(pid, str(p.get("task_en") or pid), str(p.get("task_zh") or ""), every_h, every_d,
                          min_d, max_d, float(p.get("labour_h") or 0.0))


def ledger_path(layout_folder: Path | str) -> Path:
    return Path(layout_folder) / FILE_NAME


def load_for_layout(layout: Any) -> Ledger | None:
    """The ledger of a loaded :class:`~app.core.layout.PlantLayout` (None when it has none)."""
    path = ledger_path(layout.folder)
    if not path.exists():
        return None
    return load_ledger(path, layout.tags, layout.units)


def validate(layout: Any) -> list[str]:
    """The ``Module.validate`` hook: ``file:line: message`` problems of the layout's ledger."""
    try:
        load_for_layout(layout)
    except LedgerError as exc:
        return list(exc.problems)
    return []
