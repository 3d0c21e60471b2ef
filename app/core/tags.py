"""Tag definitions and live tag values."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime


class Quality(enum.IntEnum):
    """OPC-style quality, reduced to what an operator has to tell apart."""

    BAD = 0
    UNCERTAIN = 1
    GOOD = 2


class DataType(enum.StrEnum):
    FLOAT = "float"
    INT = "int"
    BOOL = "bool"
    STATE = "state"  # an integer whose meaning is given by TagDef.states


@dataclass(frozen=True, slots=True)
class TagValue:
    """One reading of a tag.

    ``source_ts`` is when the field device sampled it, ``server_ts`` when the server (or
    the driver, for protocols without server time) saw it. ``reason`` says why the quality
    is not Good ("stale", "connection lost", "Modbus exception 2", ...).
    """

    value: float | int | bool | str | None
    quality: Quality
    source_ts: datetime
    server_ts: datetime
    reason: str = ""

    @property
    def is_good(self) -> bool:
        return self.quality is Quality.GOOD

    def with_quality(self, quality: Quality, reason: str) -> TagValue:
        """The same value and timestamps, with another quality (stale, connection lost)."""
        return TagValue(self.value, quality, self.source_ts, self.server_ts, reason)


def utcnow() -> datetime:
    return datetime.now(UTC)


def bad_value(reason: str, value: float | int | bool | str | None = None) -> TagValue:
    now = utcnow()
    return TagValue(value, Quality.BAD, now, now, reason)


@dataclass(frozen=True, slots=True)
class TagDef:
    """The definition of one tag, as the plant layout declares it."""

    name: str
    area: str
    unit_id: str
    description_en: str
    description_zh: str
    eng_unit: str
    eu_low: float
    eu_high: float
    address: str
    data_type: DataType = DataType.FLOAT
    normal_low: float | None = None
    normal_high: float | None = None
    deadband: float = 0.0
    compression: float = 0.0  # swinging-door deviation for the historian (0 = keep every change)
    historise: bool = True
    writable: bool = False
    write_low: float | None = None
    write_high: float | None = None
    critical: bool = False
    states: tuple[str, ...] = ()
    setpoint_of: str = ""  # this tag is the setpoint of that (measured) tag
    # "UNIT.MODE=MANUAL": writable only while that state tag is in that state (e.g. a
    # controller output the operator may set only in manual)
    write_when: str = ""
    sampling_ms: int = 0  # how often the driver samples/polls it; 0 = the connection's default
    max_step: float | None = None  # largest change one write may make (rate-of-change check)
    report_deadband: float = 0.0  # absolute change the server must see before it reports (OPC UA)
    source: str = field(default="", compare=False)  # "file:line" where it was defined

    def description(self, language: str) -> str:
        """The description in ``language`` ("zh" or anything else for English)."""
        if language.startswith("zh") and self.description_zh:
            return self.description_zh
        return self.description_en

    def write_condition(self) -> tuple[str, str] | None:
        """(state tag, state) that must hold for a write, from ``write_when``; None: always."""
        name, sep, state = self.write_when.partition("=")
        return (name, state) if sep else None

    def format_value(self, value: object) -> str:
        """A value as an operator reads it: state names for state tags, sensible decimals."""
        if value is None:
            return ""
        if self.data_type is DataType.STATE and self.states:
            try:
                return self.states[int(value)]  # type: ignore[call-overload]
            except (ValueError, IndexError, TypeError):
                return str(value)
        if self.data_type is DataType.BOOL:
            if len(self.states) == 2:  # named states: false, true (e.g. BLOCKED, PERMITTED)
                return self.states[1] if value else self.states[0]
            return "1" if value else "0"
        if isinstance(value, float):
            if math.isnan(value):
                return "NaN"
            span = abs(self.eu_high - self.eu_low)
            if not math.isfinite(span):  # no range known (an address typed on the command line)
                return f"{value:.7g}"
            decimals = 0 if span >= 1000 else 1 if span >= 50 else 2 if span >= 2 else 3
            return f"{value:.{decimals}f}"
        return str(value)
