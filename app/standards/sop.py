"""Standard operating procedures: Markdown files with steps, live checks and sign-off points,
run as checklists whose every step is recorded (who, when, the tag values at that moment).

A procedure file (``plant_layouts/<plant>/sops/<id>.md``)::

    ---
    id: blower-trip
    title_en: Main SO2 blower trip
    title_zh: 主SO2风机跳闸
    units: [AP.BLOWER]
    alarms: [AP.BLOWER.STATE]
    ---
    1. Stop blowing on every converter. | 所有转炉停止吹炼。
       check: PSC1.STATE != SLAG_BLOW
    2. Restart the blower from its faceplate. | 从面板重新启动风机。
       check: AP.BLOWER.STATE == RUNNING
       sign-off

A step with a ``check`` cannot be done while its condition is false (or its value unknown);
a ``sign-off`` step needs the user's password again.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from app.core.tags import DataType, TagValue
from app.standards.models import SopRunRow, SopStepRow

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
}
_CHECK = re.compile(r"^check:\s*(?P<tag>[\w.]+)\s*(?P<op>==|!=|<=|>=|<|>)\s*(?P<value>\S.*)$")
_STEP = re.compile(r"^(?P<n>\d+)\.\s+(?P<text>.+)$")


class SopError(ValueError):
    """A procedure file or a step action that cannot be used; the message says why."""


@dataclass(frozen=True)
class Check:
    tag: str
    op: str
    value: str

    def text(self) -> str:
        return f"{self.tag} {self.op} {self.value}"

    def holds(self, values: Mapping[str, TagValue], definitions: Mapping[str, Any]) -> bool | None:
        """True/False, or None when the value is unknown (no data or bad quality)."""
        current = values.get(self.tag)
        if current is None or not current.is_good or current.value is None:
            return None
        definition = definitions.get(self.tag)
        if definition is not None and definition.data_type is DataType.STATE:
            return OPS[self.op](definition.format_value(current.value), self.value)
        if isinstance(current.value, bool):
            return OPS[self.op](current.value, self.value.lower() in ("1", "true", "on", "yes"))
        try:
            return OPS[self.op](float(current.value), float(self.value))
        except ValueError:
            return OPS[self.op](str(current.value), self.value)


@dataclass(frozen=True)
class Step:
    number: int
    text_en: str
    text_zh: str
    checks: tuple[Check, ...] = ()
    sign_off: bool = False

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") and self.text_zh else self.text_en


@dataclass(frozen=True)
class Sop:
    id: str
    title_en: str
    title_zh: str
    units: tuple[str, ...]
    alarms: tuple[str, ...]
    steps: tuple[Step, ...]
    path: Path

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") and self.title_zh else self.title_en


def parse_sop(path: Path, tags: Mapping[str, Any]) -> Sop:
    """Read one procedure; raises :class:`SopError` with ``file:line: message``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SopError(f"{path}: cannot be read: {exc}") from None
    if not lines or lines[0].strip() != "---" or "---" not in [ln.strip() for ln in lines[1:]]:
        raise SopError(f"{path}:1: a procedure starts with a --- front matter block (id, title_en, title_zh, units, alarms)")
    end = 1 + [ln.strip() for ln in lines[1:]].index("---")
    try:
        head = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        raise SopError(f"{path}:2: front matter: {exc}") from None
    if not isinstance(head, dict) or not isinstance(head.get("id"), str) or not isinstance(head.get("title_en"), str):
        raise SopError(f"{path}:2: front matter needs id: and title_en:")
    steps: list[Step] = []
    for index in range(end + 1, len(lines)):
        raw = lines[index]
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        number = index + 1
        step = _STEP.match(line)
        if step and not raw.startswith((" ", "\t")):
            text_en, _, text_zh = step.group("text").partition("|")
            if int(step.group("n")) != len(steps) + 1:
                raise SopError(f"{path}:{number}: step {step.group('n')} should be step {len(steps) + 1}")
            steps.append(Step(len(steps) + 1, text_en.strip(), text_zh.strip()))
            continue
        if not steps:
            raise SopError(f"{path}:{number}: text before the first numbered step")
        last = steps[-1]
        if line == "sign-off":
            steps[-1] = Step(last.number, last.text_en, last.text_zh, last.checks, True)
        elif line.startswith("check:"):
            match = _CHECK.match(line)
            if match is None:
                raise SopError(f"{path}:{number}: a check is 'check: TAG OP VALUE' (OP: == != < > <= >=)")
            if match.group("tag") not in tags:
                raise SopError(f"{path}:{number}: {match.group('tag')!r} is not a tag of the layout")
            check = Check(match.group("tag"), match.group("op"), match.group("value").strip())
            steps[-1] = Step(last.number, last.text_en, last.text_zh, (*last.checks, check), last.sign_off)
        else:
            raise SopError(f"{path}:{number}: expected a numbered step, 'check: ...' or 'sign-off'")
    if not steps:
        raise SopError(f"{path}: the procedure has no steps")

    def names(key: str) -> tuple[str, ...]:
        value = head.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SopError(f"{path}:2: {key}: must be a list of names")
        return tuple(value)

    return Sop(head["id"], head["title_en"], str(head.get("title_zh", "")), names("units"), names("alarms"),
               tuple(steps), path)


def load_sops(folder: Path, tags: Mapping[str, Any]) -> dict[str, Sop]:
    """Every ``*.md`` procedure of ``folder``; raises :class:`SopError` listing every bad file."""
    sops: dict[str, Sop] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            sop = parse_sop(path, tags)
        except SopError as exc:
            problems.append(str(exc))
            continue
        if sop.id in sops:
            problems.append(f"{path}:2: id {sop.id!r} is used by {sops[sop.id].path.name} too")
            continue
        sops[sop.id] = sop
    if problems:
        raise SopError("\n".join(problems))
    return sops


@dataclass(frozen=True)
class StepRecord:
    step: int
    done_by: str
    done_at: datetime
    values: dict[str, Any]
    note: str


@dataclass(frozen=True)
class SopRun:
    id: int
    sop: str
    unit: str
    started_by: str
    started_at: datetime
    status: str
    trigger: str
    steps: tuple[StepRecord, ...]

    @property
    def next_step(self) -> int:
        return len(self.steps) + 1


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


class SopRunner:
    """Runs of procedures in the plant database: start, do the next step, resume, finish."""

    def __init__(self, engine: Engine, sops: Mapping[str, Sop], definitions: Mapping[str, Any], audit: Any = None) -> None:
        self.engine = engine
        self.sops = sops
        self.definitions = definitions
        self.audit = audit

    def for_alarm(self, alarm_or_tag: str) -> list[Sop]:
        return [s for s in self.sops.values() if alarm_or_tag in s.alarms]

    def for_unit(self, unit: str) -> list[Sop]:
        return [s for s in self.sops.values() if unit in s.units]

    def start(self, sop_id: str, user: str, unit: str = "", trigger: str = "", now: datetime | None = None) -> SopRun:
        if sop_id not in self.sops:
            raise SopError(f"there is no procedure {sop_id!r}")
        if not user:
            raise SopError("log in to run a procedure")
        with self.engine.begin() as conn:
            run_id = conn.execute(insert(SopRunRow).values(
                sop=sop_id, unit=unit, started_by=user, started_at=now or datetime.now(UTC), status="running",
                trigger=trigger)).inserted_primary_key[0]  # type: ignore[index]
        return self.run(run_id)

    def run(self, run_id: int) -> SopRun:
        with Session(self.engine) as conn:
            row = conn.execute(select(SopRunRow).where(SopRunRow.id == run_id)).scalar_one_or_none()
            if row is None:
                raise SopError(f"there is no procedure run {run_id}")
            steps = conn.execute(select(SopStepRow).where(SopStepRow.run_id == run_id).order_by(SopStepRow.step)).scalars()
            records = tuple(StepRecord(s.step, s.done_by, _utc(s.done_at), json.loads(s.values), s.note) for s in steps)
        return SopRun(row.id, row.sop, row.unit, row.started_by, _utc(row.started_at), row.status, row.trigger, records)

    def open_runs(self) -> list[SopRun]:
        """Runs interrupted (console closed, operator called away): resumable where they stopped."""
        with Session(self.engine) as conn:
            ids = conn.execute(select(SopRunRow.id).where(SopRunRow.status == "running").order_by(SopRunRow.id)).scalars().all()
        return [self.run(i) for i in ids]

    def runs_between(self, start: datetime, end: datetime) -> list[SopRun]:
        with Session(self.engine) as conn:
            ids = conn.execute(select(SopRunRow.id).where(SopRunRow.started_at < end,
                                                          (SopRunRow.finished_at.is_(None)) | (SopRunRow.finished_at >= start))
                               .order_by(SopRunRow.id)).scalars().all()
        return [self.run(i) for i in ids]

    def blocked_by(self, step: Step, values: Mapping[str, TagValue]) -> list[str]:
        """The checks of ``step`` that are false or unknown now (empty: the step may be done)."""
        reasons = []
        for check in step.checks:
            holds = check.holds(values, self.definitions)
            if holds is None:
                reasons.append(f"{check.text()}: the value of {check.tag} is not known")
            elif not holds:
                reasons.append(f"{check.text()} is not true")
        return reasons

    def complete_step(self, run_id: int, step_number: int, user: str, values: Mapping[str, TagValue],
                      sign: Callable[[str], None] | None = None, note: str = "", now: datetime | None = None) -> SopRun:
        """Record ``step_number`` as done by ``user``. Refused (``SopError`` with the reason) when
        it is not the next step, a check is false or unknown, or a sign-off is not signed
        (``sign(user)`` re-authenticates; it raises when the password is wrong)."""
        run = self.run(run_id)
        if run.status != "running":
            raise SopError(f"procedure run {run_id} is {run.status}")
        sop = self.sops[run.sop]
        if step_number != run.next_step:
            raise SopError(f"step {run.next_step} comes next, not step {step_number}")
        step = sop.steps[step_number - 1]
        blocked = self.blocked_by(step, values)
        if blocked:
            raise SopError(f"step {step_number} cannot be signed: " + "; ".join(blocked))
        if step.sign_off:
            if sign is None:
                raise SopError(f"step {step_number} is a sign-off point: it needs your password")
            sign(user)
        now = now or datetime.now(UTC)
        snapshot = {c.tag: _plain(values.get(c.tag), self.definitions.get(c.tag)) for c in step.checks}
        finished = step_number == len(sop.steps)
        with self.engine.begin() as conn:
            conn.execute(insert(SopStepRow).values(
                run_id=run_id, step=step_number, done_by=user, done_at=now, values=json.dumps(snapshot), note=note))
            if finished:
                conn.execute(update(SopRunRow).where(SopRunRow.id == run_id).values(status="finished", finished_at=now))
        if self.audit is not None:
            self.audit.record("command", "sop_step", "success", user=user, target=f"{sop.id}#{run_id}",
                              detail=f"step {step_number}: {step.text_en}" + (" (signed off)" if step.sign_off else ""))
        return self.run(run_id)


def _plain(value: TagValue | None, definition: Any) -> Any:
    if value is None or value.value is None:
        return None
    if definition is not None and definition.data_type is DataType.STATE:
        return definition.format_value(value.value)
    return value.value
