"""``production.yaml``: plan targets and the scheduling data of the converter aisle.

Every problem is reported as ``file:line: message``; :func:`load_production` raises
:class:`ProductionConfigError` with all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.core.yaml_lines import LINE_KEY, YamlFileError, load_yaml

STAGES = ("charge", "slag_blow", "skim", "copper_blow", "pour")
DURATION_KINDS = ("tap", *STAGES, "af_heat", "cast")
PLAN_ITEMS = ("concentrate_t", "anodes_t", "cathode_t", "acid_t")


class ProductionConfigError(ValueError):
    """``production.yaml`` cannot be used; ``problems`` holds ``file:line: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if len(problems) == 1 else f"{problems[0]} (+{len(problems) - 1} more)")
        self.problems = problems


@dataclass(frozen=True)
class MaintenanceWindow:
    """A planned window: a unit (or ``PLANT``) out between two aware datetimes."""

    unit: str
    start: datetime
    end: datetime
    reason: str = ""


@dataclass(frozen=True)
class PlanConfig:
    year: int
    annual_targets: dict[str, float]
    monthly_share: tuple[float, ...]
    holidays: frozenset[date]
    maintenance: tuple[MaintenanceWindow, ...]


@dataclass(frozen=True)
class Unavailability:
    """A resource out of service between two minutes of the horizon.

    ``kind`` ``"maintenance"``: the unit is empty (no batch may span the window);
    ``"breakdown"``: no task on it in the window (a batch inside it waits).
    """

    resource: str
    start: int
    end: int
    kind: str = "maintenance"
    reason: str = ""


@dataclass(frozen=True)
class AisleConfig:
    """The converter aisle's scheduling data."""

    horizon_h: int
    converters: tuple[str, ...]
    cranes: tuple[str, ...]
    anode_furnaces: tuple[str, ...]
    casting: str
    smelting_furnace: str
    durations: dict[str, int]
    max_batches_per_converter: int
    copper_per_batch_t: int
    acid_max_blowing: int
    matte_ladles: int
    blister_ladles: int
    matte_rate_t_h: int
    tap_t: int
    bath_initial_t: int
    bath_max_t: int
    hook_min: int
    minutes_per_bay: int
    bays: dict[str, int]
    weights: dict[str, float]
    unavailable: tuple[Unavailability, ...] = ()

    def travel(self, a: str, b: str) -> int:
        """Crane travel minutes between two bays."""
        return abs(self.bays[a] - self.bays[b]) * self.minutes_per_bay


@dataclass(frozen=True)
class ProductionConfig:
    path: Path
    plan: PlanConfig
    aisle: AisleConfig
    lines: dict[str, int] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def err(self, node: Any, text: str) -> None:
        line = node.get(LINE_KEY, 0) if isinstance(node, dict) else 0
        self.problems.append(f"{self.path}:{line}: {text}")

    def section(self, node: Any, key: str, where: str) -> dict:
        value = node.get(key) if isinstance(node, dict) else None
        if not isinstance(value, dict):
            self.err(node, f"{where}: missing section {key!r}")
            return {}
        return value

    def number(self, node: dict, key: str, where: str, *, positive: bool = True, integer: bool = True) -> Any:
        value: Any = node.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and integer and not float(value).is_integer():
            ok = False
        if not ok or (positive and value <= 0) or value < 0:
            kind = "a whole number" if integer else "a number"
            self.err(node, f"{where}.{key}: expected {kind} {'> 0' if positive else '>= 0'}, got {value!r}")
            return 1
        return int(value) if integer else float(value)

    def names(self, node: dict, key: str, where: str) -> tuple[str, ...]:
        value = node.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.err(node, f"{where}.{key}: expected a list of names")
            return ()
        return tuple(value)


def _when(reader: _Reader, node: dict, key: str) -> datetime | None:
    value = node.get(key)
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            reader.err(node, f"maintenance window: {key} {value!r} is not an ISO date-time")
            return None
    if moment.tzinfo is None:
        reader.err(node, f"maintenance window: {key} {value!r} needs a UTC offset (e.g. +08:00)")
        return None
    return moment


def load_production(path: Path | str) -> ProductionConfig:
    """Read and check ``production.yaml``."""
    path = Path(path)
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        raise ProductionConfigError([str(exc)]) from None
    r = _Reader(path)
    if not isinstance(doc, dict):
        raise ProductionConfigError([f"{path}:1: expected a mapping with 'plan' and 'scheduling'"])
    plan_node = r.section(doc, "plan", "production.yaml")
    targets_node = r.section(plan_node, "annual_targets", "plan")
    targets = {k: float(r.number(targets_node, k, "plan.annual_targets", integer=False)) for k in PLAN_ITEMS if targets_node}
    share = plan_node.get("monthly_share")
    if not (isinstance(share, list) and len(share) == 12 and all(isinstance(s, int | float) and s >= 0 for s in share)):
        r.err(plan_node, "plan.monthly_share: expected 12 numbers >= 0")
        share = [1 / 12] * 12
    elif abs(sum(share) - 1.0) > 1e-6:
        r.err(plan_node, f"plan.monthly_share: the 12 shares sum to {sum(share):.4f}, not 1")
    holidays: set[date] = set()
    for h in plan_node.get("holidays") or []:
        try:
            holidays.add(h if isinstance(h, date) else date.fromisoformat(str(h)))
        except ValueError:
            r.err(plan_node, f"plan.holidays: {h!r} is not a date (YYYY-MM-DD)")
    windows: list[MaintenanceWindow] = []
    for w in plan_node.get("maintenance_windows") or []:
        if not isinstance(w, dict) or "unit" not in w:
            r.err(plan_node, "plan.maintenance_windows: each entry needs unit, start, end")
            continue
        start, end = _when(r, w, "start"), _when(r, w, "end")
        if start and end:
            if end <= start:
                r.err(w, f"maintenance window of {w['unit']}: end is not after start")
            windows.append(MaintenanceWindow(str(w["unit"]), start, end, str(w.get("reason", ""))))
    year = plan_node.get("year")
    if not isinstance(year, int):
        r.err(plan_node, f"plan.year: expected a year, got {year!r}")
        year = 2027
    plan = PlanConfig(year, targets, tuple(float(s) for s in share), frozenset(holidays), tuple(windows))

    s = r.section(doc, "scheduling", "production.yaml")
    res = r.section(s, "resources", "scheduling")
    conv = r.names(res, "converters", "scheduling.resources")
    cranes = r.names(res, "cranes", "scheduling.resources")
    afs = r.names(res, "anode_furnaces", "scheduling.resources")
    casting = str(res.get("casting", "CASTING"))
    smf = str(res.get("smelting_furnace", "SMF"))
    dnode = r.section(s, "durations_min", "scheduling")
    durations = {k: r.number(dnode, k, "scheduling.durations_min") for k in DURATION_KINDS} if dnode else {}
    ladles = r.section(s, "ladles", "scheduling")
    smf_node = r.section(s, "smelting_furnace", "scheduling")
    crane = r.section(s, "crane", "scheduling")
    bays_node: dict = crane.get("bays") or {} if isinstance(crane.get("bays"), dict) else {}
    bays = {k: int(v) for k, v in bays_node.items() if k != LINE_KEY and isinstance(v, int)}
    for name in (smf, *conv, *afs, "SLAG"):
        if name not in bays:
            r.err(crane, f"scheduling.crane.bays: no bay for {name!r}")
            bays[name] = 0
    wnode = r.section(s, "weights", "scheduling")
    weights = {k: float(r.number(wnode, k, "scheduling.weights", positive=False, integer=False)) for k in ("copper_t", "ladle_wait_h", "feed_cut_h")} if wnode else {}
    known = {*conv, *cranes, *afs, casting, smf}
    unavailable: list[Unavailability] = []
    for m in s.get("maintenance") or []:
        if not isinstance(m, dict):
            continue
        if m.get("resource") not in known:
            r.err(m, f"scheduling.maintenance: unknown resource {m.get('resource')!r} (known: {', '.join(sorted(known))})")
            continue
        a, b = r.number(m, "start_min", "maintenance", positive=False), r.number(m, "end_min", "maintenance")
        if b <= a:
            r.err(m, f"scheduling.maintenance of {m['resource']}: end_min is not after start_min")
        unavailable.append(Unavailability(str(m["resource"]), a, b, "maintenance", str(m.get("reason", ""))))
    aisle = AisleConfig(
        horizon_h=r.number(s, "horizon_h", "scheduling"),
        converters=conv,
        cranes=cranes,
        anode_furnaces=afs,
        casting=casting,
        smelting_furnace=smf,
        durations=durations,
        max_batches_per_converter=r.number(s, "max_batches_per_converter", "scheduling"),
        copper_per_batch_t=r.number(s, "copper_per_batch_t", "scheduling"),
        acid_max_blowing=r.number(s, "acid_plant_max_blowing", "scheduling"),
        matte_ladles=r.number(ladles, "matte", "scheduling.ladles") if ladles else 1,
        blister_ladles=r.number(ladles, "blister", "scheduling.ladles") if ladles else 1,
        matte_rate_t_h=r.number(smf_node, "matte_rate_t_h", "scheduling.smelting_furnace") if smf_node else 1,
        tap_t=r.number(smf_node, "tap_t", "scheduling.smelting_furnace") if smf_node else 1,
        bath_initial_t=r.number(smf_node, "bath_initial_t", "scheduling.smelting_furnace", positive=False) if smf_node else 0,
        bath_max_t=r.number(smf_node, "bath_max_t", "scheduling.smelting_furnace") if smf_node else 1,
        hook_min=r.number(crane, "hook_min", "scheduling.crane", positive=False) if crane else 0,
        minutes_per_bay=r.number(crane, "minutes_per_bay", "scheduling.crane", positive=False) if crane else 0,
        bays=bays,
        weights=weights,
        unavailable=tuple(unavailable),
    )
    if r.problems:
        raise ProductionConfigError(r.problems)
    return ProductionConfig(path, plan, aisle)


def validate_layout(layout: Any) -> list[str]:
    """``Module.validate``: the problems of ``production.yaml`` in a layout folder (none if absent)."""
    folder = Path(getattr(layout, "folder", layout))
    path = folder / "production.yaml"
    if not path.exists():
        return []
    try:
        load_production(path)
    except ProductionConfigError as exc:
        return exc.problems
    return []
