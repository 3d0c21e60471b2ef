"""Alarm definitions (the plant's master alarm database) and their loader.

A layout folder may hold ``alarms.yaml``: a list of alarms, each naming a tag of the layout,
a type (HH/H/L/LL limit, DEV deviation from a setpoint tag, ROC rate of change, STATE for
discrete states such as a motor FAULT, BAD for bad quality), a priority, deadband and
on/off delays, optional suppression by design (a unit-state tag in given states), latching,
a first-out group and the rationalisation fields the operator reads (cause, consequence,
action, allowed response time). :func:`load_alarms` raises :class:`AlarmDefinitionError`
listing every mistake as ``file:line: what is wrong``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from app.core.layout import PlantLayout
from app.core.tags import DataType, TagDef
from app.core.yaml_lines import (
    LINE_KEY,
    FieldError,
    YamlFileError,
    as_bool,
    as_number,
    as_text_list,
    load_yaml,
)

ALARMS_FILE = "alarms.yaml"


class AlarmDefinitionError(ValueError):
    """One or more mistakes in an alarms file; ``problems`` holds ``file:line: ...`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class AlarmType(enum.StrEnum):
    HH = "HH"
    H = "H"
    L = "L"
    LL = "LL"
    DEV = "DEV"  # |value - setpoint| > limit
    ROC = "ROC"  # |d value / dt| > limit per minute
    STATE = "STATE"  # value is one of ``states`` (trip, fault)
    BAD = "BAD"  # quality Bad


class Priority(enum.IntEnum):
    """Four priorities (1 is the most urgent). KPIs count urgent + high as "high" (5 %)."""

    URGENT = 1
    HIGH = 2
    MEDIUM = 3
    LOW = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: object) -> Priority:
        """``urgent``/``high``/``medium``/``low`` or 1..4."""
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text)
        word = str(text).strip().lower()
        if word.isdigit():
            return cls(int(word))
        return cls[word.upper()]


@dataclass(frozen=True, slots=True)
class Suppression:
    """Suppressed by design while ``tag`` is in one of ``states`` (by name)."""

    tag: str
    states: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AlarmDef:
    """One configured alarm. ``id`` is unique (default ``<tag>.<type>``)."""

    id: str
    tag: str
    type: AlarmType
    priority: Priority
    area: str = ""
    limit: float | None = None
    states: tuple[str, ...] = ()  # STATE alarms: the state names that alarm
    setpoint_tag: str = ""  # DEV alarms
    deadband: float = 0.0
    on_delay_s: float = 0.0
    off_delay_s: float = 0.0
    suppression: Suppression | None = None
    latching: bool = False
    group: str = ""  # first-out group
    text_en: str = ""
    text_zh: str = ""
    cause: str = ""
    consequence: str = ""
    action: str = ""
    cause_zh: str = ""
    consequence_zh: str = ""
    action_zh: str = ""
    response_s: float = 0.0  # allowed operator response time
    source: str = ""

    def text(self, language: str) -> str:
        if language.startswith("zh") and self.text_zh:
            return self.text_zh
        return self.text_en

    def rationale(self, language: str) -> tuple[str, str, str]:
        """(cause, consequence, action) in ``language`` (English where no translation is given)."""
        if language.startswith("zh"):
            return (self.cause_zh or self.cause, self.consequence_zh or self.consequence, self.action_zh or self.action)
        return self.cause, self.consequence, self.action

    @property
    def limit_text(self) -> str:
        if self.type is AlarmType.STATE:
            return "/".join(self.states)
        if self.type is AlarmType.BAD:
            return "Bad"
        return "" if self.limit is None else f"{self.limit:g}"


# Chinese for the state names alarms are raised on (the alarm text "主风机状态故障", not "…FAULT")
STATE_ZH = {"FAULT": "故障", "TRIPPED": "跳闸", "STOPPED": "停止", "RUNNING": "运行"}

_KNOWN = {
    "id", "tag", "type", "priority", "limit", "states", "setpoint", "deadband", "on_delay", "off_delay",
    "suppress", "latch", "group", "text_en", "text_zh", "cause", "consequence", "action", "cause_zh", "consequence_zh", "action_zh", "response", LINE_KEY,
}


def alarm_files(layout: PlantLayout) -> list[Path]:
    """``alarms.yaml`` and then every ``alarms.d/*.yaml`` of the layout (the modules' own
    alarms, e.g. on the ``calc://`` tags they publish), in name order."""
    files = [layout.folder / ALARMS_FILE] if (layout.folder / ALARMS_FILE).exists() else []
    extra = layout.folder / "alarms.d"
    if extra.is_dir():
        files += sorted(p for p in extra.glob("*.yaml") if p.is_file())
    return files


def load_alarms(layout: PlantLayout, path: Path | None = None) -> list[AlarmDef]:
    """The alarms of ``layout``: ``alarms.yaml`` and ``alarms.d/*.yaml`` (or only ``path``);
    none if there is no file. One alarm id is defined once across all the files."""
    paths = [path] if path is not None else alarm_files(layout)
    problems: list[str] = []
    result: list[AlarmDef] = []
    seen: dict[str, str] = {}
    for file in paths:
        if not file.exists():
            continue
        try:
            doc = load_yaml(file)
        except YamlFileError as exc:
            problems.append(str(exc))
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("alarms"), list):
            problems.append(f"{file}:1: expected a mapping with an 'alarms' list")
            continue
        for entry in doc["alarms"]:
            alarm = _parse(file, entry, layout.tags, problems)
            if alarm is None:
                continue
            if alarm.id in seen:
                problems.append(f"{alarm.source}: duplicate alarm id {alarm.id!r} (first at {seen[alarm.id]})")
                continue
            seen[alarm.id] = alarm.source
            result.append(alarm)
    if problems:
        raise AlarmDefinitionError(problems)
    return result


def _parse(path: Path, entry: object, tags: dict[str, TagDef], problems: list[str]) -> AlarmDef | None:
    if not isinstance(entry, dict):
        problems.append(f"{path}:0: each alarm must be a mapping")
        return None
    line = entry.get(LINE_KEY, 0)
    where = f"{path}:{line}"
    before = len(problems)
    name = str(entry.get("tag") or "")
    label = f"alarm {entry.get('id') or name or '?'}"

    def bad(text: str) -> None:
        problems.append(f"{where}: {label}: {text}")

    for key in entry:
        if key not in _KNOWN:
            bad(f"unknown field {key!r}")
    tag = tags.get(name)
    if not name:
        bad("missing field 'tag'")
    elif tag is None:
        bad(f"tag {name!r} does not exist in the layout")
    try:
        kind = AlarmType(str(entry.get("type", "")).upper())
    except ValueError:
        bad(f"type {entry.get('type')!r} is not one of {', '.join(t.value for t in AlarmType)}")
        kind = AlarmType.BAD
    try:
        priority = Priority.parse(entry.get("priority", "low"))
    except (KeyError, ValueError):
        bad(f"priority {entry.get('priority')!r} is not urgent, high, medium or low (1-4)")
        priority = Priority.LOW

    def number(key: str, default: float | None = 0.0, minimum: float | None = 0.0) -> float | None:
        raw = entry.get(key)
        if raw is None:
            return default
        try:
            value = as_number(raw)
        except FieldError as exc:
            bad(f"{key} {exc}")
            return default
        if minimum is not None and value < minimum:
            bad(f"{key} {value:g} must not be below {minimum:g}")
        return value

    limit = number("limit", None, None)
    if kind in (AlarmType.HH, AlarmType.H, AlarmType.L, AlarmType.LL, AlarmType.DEV, AlarmType.ROC) and limit is None:
        bad(f"type {kind.value} needs a 'limit'")
    if tag is not None and limit is not None and kind in (AlarmType.HH, AlarmType.H, AlarmType.L, AlarmType.LL):
        if not tag.eu_low <= limit <= tag.eu_high:
            bad(f"limit {limit:g} lies outside the range of {name} [{tag.eu_low:g}, {tag.eu_high:g}]")
    try:
        states = as_text_list(entry.get("states"))
    except FieldError as exc:
        bad(f"states {exc}")
        states = ()
    if kind is AlarmType.STATE:
        if not states:
            bad("type STATE needs a 'states' list")
        elif tag is not None:
            if tag.data_type is not DataType.STATE and tag.data_type is not DataType.BOOL:
                bad(f"type STATE needs a state or bool tag; {name} is {tag.data_type.value}")
            else:
                known = tag.states if tag.states else (("0", "1") if tag.data_type is DataType.BOOL else ())
                unknown = [s for s in states if s not in known]
                if unknown:
                    bad(f"state {unknown[0]!r} is not a state of {name} ({', '.join(known)})")
    setpoint = str(entry.get("setpoint") or "")
    if kind is AlarmType.DEV:
        if not setpoint:
            bad("type DEV needs a 'setpoint' tag")
        elif setpoint not in tags:
            bad(f"setpoint tag {setpoint!r} does not exist in the layout")
    suppression = None
    raw_sup = entry.get("suppress")
    if raw_sup is not None:
        if not isinstance(raw_sup, dict) or not raw_sup.get("tag") or not raw_sup.get("states"):
            bad("suppress must be a mapping with 'tag' and 'states'")
        else:
            sup_tag = tags.get(str(raw_sup["tag"]))
            try:
                sup_states = as_text_list(raw_sup["states"])
            except FieldError as exc:
                bad(f"suppress states {exc}")
                sup_states = ()
            if sup_tag is None:
                bad(f"suppress tag {raw_sup['tag']!r} does not exist in the layout")
            elif sup_tag.data_type is DataType.STATE:
                unknown = [s for s in sup_states if s not in sup_tag.states]
                if unknown:
                    bad(f"suppress state {unknown[0]!r} is not a state of {sup_tag.name}")
            suppression = Suppression(str(raw_sup["tag"]), sup_states)
    deadband = number("deadband") or 0.0
    on_delay = number("on_delay") or 0.0
    off_delay = number("off_delay") or 0.0
    response = number("response") or 0.0
    try:
        latching = as_bool(entry.get("latch"), False)
    except FieldError as exc:
        bad(f"latch {exc}")
        latching = False
    if len(problems) > before:
        return None
    assert tag is not None
    alarm_id = str(entry.get("id") or (f"{name}.{kind.value}" if kind is not AlarmType.STATE else f"{name}.{states[0]}"))
    suffix = {
        AlarmType.HH: "very high", AlarmType.H: "high", AlarmType.L: "low", AlarmType.LL: "very low",
        AlarmType.DEV: "deviation from setpoint", AlarmType.ROC: "changing fast", AlarmType.BAD: "bad quality",
        AlarmType.STATE: "/".join(states).lower(),
    }[kind]
    suffix_zh = {
        AlarmType.HH: "过高", AlarmType.H: "高", AlarmType.L: "低", AlarmType.LL: "过低",
        AlarmType.DEV: "偏离设定值", AlarmType.ROC: "变化过快", AlarmType.BAD: "信号故障",
        AlarmType.STATE: "/".join(STATE_ZH.get(x, x) for x in states),
    }[kind]
    return AlarmDef(
        id=alarm_id,
        tag=name,
        type=kind,
        priority=priority,
        area=tag.area,
        limit=limit,
        states=states,
        setpoint_tag=setpoint,
        deadband=deadband,
        on_delay_s=on_delay,
        off_delay_s=off_delay,
        suppression=suppression,
        latching=latching,
        group=str(entry.get("group") or ""),
        text_en=str(entry.get("text_en") or f"{tag.description_en} {suffix}"),
        text_zh=str(entry.get("text_zh") or f"{tag.description_zh}{suffix_zh}"),
        cause=str(entry.get("cause") or ""),
        consequence=str(entry.get("consequence") or ""),
        action=str(entry.get("action") or ""),
        cause_zh=str(entry.get("cause_zh") or ""),
        consequence_zh=str(entry.get("consequence_zh") or ""),
        action_zh=str(entry.get("action_zh") or ""),
        response_s=response,
        source=where,
    )


def limits_by_tag(alarms: list[AlarmDef]) -> dict[str, dict[str, float]]:
    """Per tag, its alarm limits by type (``{"SMF.T_PROC": {"L": 1250, "H": 1350, "HH": 1400}}``),
    for analog indicators that draw the alarm limits next to the normal band."""
    out: dict[str, dict[str, float]] = {}
    for a in alarms:
        if a.type in (AlarmType.HH, AlarmType.H, AlarmType.L, AlarmType.LL) and a.limit is not None:
            out.setdefault(a.tag, {})[a.type.value] = a.limit
    return out
