"""The shifts service: the calendar in use, the handover log, and report generation.

Reports are generated on demand (CLI, the Reports panel) and automatically at every shift
end: :meth:`ShiftsService.run` is a long-running coroutine that sleeps until the next shift
end, then builds that shift's report (English and Chinese) in a worker thread, keeps it in
the plant database (``shift_reports``) and as a file in ``<data dir>/reports/``. At start it
catches up shift ends missed while the console was off (up to ``catch_up_days`` back).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from app.core.shifts import Shift, ShiftCalendar
from app.reports.shift_data import (
    EquipmentEvent,
    HandoverNote,
    ReportData,
    ReportSources,
    gather,
    journal_events,
    state_tags,
)
from app.shifts.handover import HandoverLog
from app.shifts.models import ShiftReportRow

log = logging.getLogger(__name__)


def database_errors() -> tuple[type[BaseException], ...]:
    """What a database that is down, locked or not migrated raises (through SQLAlchemy or,
    from the historian reader's bare cursors, the driver itself)."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from app.db import DatabaseError

    errors: list[type[BaseException]] = [SQLAlchemyError, DatabaseError, sqlite3.Error]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # pragma: no cover - PostgreSQL support not installed
        pass
    return tuple(errors)


LANGUAGES = ("en", "zh_CN")


@dataclass(frozen=True)
class ReportConfig:
    """The report settings of a plant layout's ``shifts:`` section."""

    targets: dict[str, float]
    permit_mg_m3: float | None
    names_zh: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, doc: Any) -> ReportConfig:
        doc = doc if isinstance(doc, dict) else {}
        raw = doc.get("report_targets") or {}
        targets: dict[str, float] = {}
        if isinstance(raw, dict):
            for k, v in raw.items():
                if k == "__line__":
                    continue
                if not isinstance(v, int | float) or isinstance(v, bool):
                    line = raw.get("__line__", 0)
                    raise ValueError(f"plant.yaml:{line}: shifts.report_targets.{k} must be a number (tonnes or pieces per shift)")
                targets[str(k)] = float(v)
        permit = doc.get("tail_gas_permit_mg_m3")
        names = doc.get("names_zh") or ()
        return cls(targets, float(permit) if isinstance(permit, int | float) else None,
                   tuple(str(n) for n in names) if isinstance(names, list) else ())


def calendar_of(layout: Any) -> ShiftCalendar:
    doc = getattr(layout, "extra", {}).get("shifts") if layout is not None else None
    return ShiftCalendar.from_mapping({k: v for k, v in doc.items() if k != "__line__"} if isinstance(doc, dict) else None)


class ShiftsService:
    """What the shifts module offers the GUI, the CLI and the automatic generation."""

    def __init__(self, engine: Engine, layout: Any = None, reports_dir: Path | None = None,
                 audit: Any = None, users: Any = None, console: str = "", alarm_engine: Any = None,
                 maintenance: Any = None, catch_up_days: int = 3, supervisor: Any = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.layout = layout
        self.calendar = calendar_of(layout)
        shifts_doc = getattr(layout, "extra", {}).get("shifts") if layout is not None else None
        self.config = ReportConfig.from_mapping(shifts_doc)
        from app.core.settings import data_dir

        self.reports_dir = reports_dir or data_dir() / "reports"
        self.handover = HandoverLog(engine, audit=audit, users=users, console=console)
        self.alarm_engine = alarm_engine
        self.maintenance = maintenance
        self.catch_up_days = catch_up_days
        self.languages: tuple[str, ...] = LANGUAGES  # the automatic reports are made in these
        self.end_margin_s = 30.0  # after a shift end, let the last samples and journal rows land
        self.clock = clock or (lambda: datetime.now(UTC))
        self._task: asyncio.Task[None] | None = None  # run() when the module's start hook runs it
        self.supervisor = supervisor  # the runtime's (app.core.supervisor.Supervisor), if any
        self._supervised = False


    # --- the calendar -------------------------------------------------------------------
    def current_shift(self) -> Shift:
        return self.calendar.shift_at(self.clock())

    def shift_name(self, s: Shift, language: str = "en") -> str:
        if language.startswith("zh") and s.number - 1 < len(self.config.names_zh):
            return self.config.names_zh[s.number - 1]
        return s.name

    def status_text(self, language: str = "en", now: datetime | None = None) -> str:
        """What the status bar shows: ``Shift 3 Evening · crew C · 16:00–00:00`` (or Chinese)."""
        s = self.calendar.shift_at(now or self.clock())
        name = self.shift_name(s, language)
        span = f"{s.start:%H:%M}–{s.end:%H:%M}"
        if language.startswith("zh"):
            return f"第{s.number}班 {name} · {s.crew}班组 · {span}".replace("  ", " ")
        return f"Shift {s.number} {name} · crew {s.crew} · {span}".replace("  ", " ")

    # --- reports ------------------------------------------------------------------------
    def sources(self) -> ReportSources:
        layout = self.layout
        area_names: dict[str, tuple[str, str]] = {}
        plant_en, plant_zh = "Copper smelter", "铜冶炼厂"
        st: dict[str, tuple[str, ...]] = {}
        if layout is not None:
            plant_en, plant_zh = layout.name_en, layout.name_zh or layout.name_en
            area_names = {a.id: (a.name_en, a.name_zh or a.name_en) for a in layout.areas.values()}
            st = state_tags(layout)
        return ReportSources(self.engine, self.calendar, plant_en, plant_zh, self.config.targets,
                             self.config.permit_mg_m3, area_names=area_names, state_tags=st, layout=layout)

    def report_data(self, kind: str, day: date, shift: int = 0) -> ReportData:
        """Gather one report's data (blocking: call from a worker thread)."""
        from app.alarms.journal import read_journal
        from app.reports.shift_data import period_for

        src = self.sources()
        start, end = period_for(self.calendar, kind, day, shift)
        try:
            rows = read_journal(self.engine, start - timedelta(days=2), end)
            src.journal = journal_events(rows)
            src.oos_events = [EquipmentEvent(r["ts"], r.get("tag") or r["alarm"],
                                             "out_of_service" if r["event"] == "oos" else "in_service",
                                             f"{r['alarm']} ({r.get('who', '')}) {r.get('reason', '')}".strip())
                              for r in rows if r["event"] in ("oos", "in_service") and r["ts"] >= start]
        except Exception as exc:  # noqa: BLE001 - a report without the journal still prints, saying so
            log.warning("alarm journal unavailable for the report: %s", exc)
        if kind in ("shift", "day"):  # a day report carries the handovers of its shifts
            shifts = [self.calendar.shift(day, shift)] if kind == "shift" else \
                [self.calendar.shift(day, n) for n in range(1, self.calendar.shifts_per_day + 1)]
            for s in shifts:
                so = self.handover.signoff(s.id)
                prefix = "" if kind == "shift" else f"{s.id} · "
                src.handover += [HandoverNote(prefix + e.area, e.author, e.text, [(i.kind, i.text) for i in e.items],
                                              so.signed_by if so else "", so.acknowledged_by if so else "")
                                 for e in self.handover.entries(s.id)]
                if kind == "shift":
                    src.leads = (so.signed_by if so else "", so.acknowledged_by if so else "")
        for note in (self._drift_note(start, end), self._procedures_note(start, end)):
            if note is not None:
                src.handover.append(note)
        data = gather(src, kind, day, shift, now=self.clock())
        if kind == "shift":
            s = self.calendar.shift(day, shift)
            data.shift_name_zh = self.shift_name(s, "zh_CN")
        return data

    def _drift_note(self, start: datetime, end: datetime) -> HandoverNote | None:
        """The setpoint drifts of the period from the standards module's table (read by name:
        the two modules do not import each other); None without that module or any drift."""
        from sqlalchemy import MetaData, Table, inspect, select

        try:
            if "standards_drifts" not in inspect(self.engine).get_table_names():
                return None
            drifts = Table("standards_drifts", MetaData(), autoload_with=self.engine)
            c = drifts.c
            utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
            if self.engine.dialect.name == "sqlite":  # stored as naive UTC text
                utc_start, utc_end = utc_start.replace(tzinfo=None), utc_end.replace(tzinfo=None)
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(c.tag, c.unit, c.mode, c.value, c.low, c.high, c.started, c.ended, c.changed_by)
                    .where(c.started < utc_end, (c.ended.is_(None)) | (c.ended > utc_start)).order_by(c.started)).all()
        except Exception as exc:  # noqa: BLE001 - the report prints without them, and says so in the log
            log.warning("setpoint drifts unavailable for the report: %s", exc)
            return None
        if not rows:
            return None

        def clock(ts: Any) -> str:
            if ts is None:
                return "…"
            if isinstance(ts, str):  # SQLite hands back text for a raw query
                ts = datetime.fromisoformat(ts)
            ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
            return str(ts.astimezone(self.calendar.tz).strftime("%H:%M"))

        items = [("note", f"{r.tag} = {r.value:g} outside {r.low:g}..{r.high:g} ({r.unit}, {r.mode}) "
                          f"{clock(r.started)}–{clock(r.ended)}, changed by {r.changed_by or '?'}") for r in rows]
        return HandoverNote("Process standards", "Crucible",
                            f"{len(rows)} setpoint(s) outside their approved cards during the period", items)

    def _procedures_note(self, start: datetime, end: datetime) -> HandoverNote | None:
        """Operating procedures finished during the period (the standards module's runs)."""
        from sqlalchemy import MetaData, Table, inspect, select

        try:
            if "standards_sop_runs" not in inspect(self.engine).get_table_names():
                return None
            runs = Table("standards_sop_runs", MetaData(), autoload_with=self.engine)
            c = runs.c
            a, b = start.astimezone(UTC), end.astimezone(UTC)
            if self.engine.dialect.name == "sqlite":
                a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
            with self.engine.connect() as conn:
                rows = conn.execute(select(c.id, c.sop, c.unit, c.started_by, c.finished_at, c.trigger)
                                    .where(c.status == "finished", c.finished_at >= a, c.finished_at < b)
                                    .order_by(c.finished_at)).all()
        except Exception as exc:  # noqa: BLE001 - the report prints without them
            log.warning("procedure runs unavailable for the report: %s", exc)
            return None
        if not rows:
            return None
        items = [("note", f"{r.sop} #{r.id} ({r.unit or '-'}) by {r.started_by}"
                          + (f", offered by alarm {r.trigger}" if r.trigger else "")) for r in rows]
        return HandoverNote("Operating procedures", "Crucible", f"{len(rows)} procedure(s) completed", items)

    def build(self, kind: str, day: date, shift: int = 0, language: str = "en") -> bytes:
        """The PDF bytes of one report (blocking)."""
        from app.reports.pdf import build_pdf

        return build_pdf(self.report_data(kind, day, shift), language)

    def store(self, kind: str, label: str, language: str, pdf: bytes, automatic: bool) -> Path:
        """Keep a generated report in the database and the reports folder; returns the file."""
        self.reports_dir.mkdir(parents=True, exist_ok=True)
        path = self.reports_dir / f"{kind}_{label.replace('/', '_')}_{language}.pdf"
        tmp = path.with_suffix(".pdf.part")
        tmp.write_bytes(pdf)
        tmp.replace(path)
        with DbSession(self.engine) as db, db.begin():
            db.add(ShiftReportRow(kind=kind, label=label, language=language, generated_at=self.clock(),
                                  automatic=int(automatic), path=str(path), pdf=pdf))
        return path

    def stored(self, kind: str = "", limit: int = 200) -> list[tuple[str, str, str, datetime, bool, str]]:
        """Generated reports, newest first: (kind, label, language, generated_at, automatic, path)."""
        return [r[1:] for r in self.stored_rows(kind, limit)]

    def stored_rows(self, kind: str = "", limit: int = 200) -> list[tuple[int, str, str, str, datetime, bool, str]]:
        """Like :meth:`stored`, with the row id first (for :meth:`stored_pdf`)."""
        q = select(ShiftReportRow.id, ShiftReportRow.kind, ShiftReportRow.label, ShiftReportRow.language,
                   ShiftReportRow.generated_at, ShiftReportRow.automatic, ShiftReportRow.path
                   ).order_by(ShiftReportRow.id.desc()).limit(limit)
        if kind:
            q = q.where(ShiftReportRow.kind == kind)
        with DbSession(self.engine) as db:
            return [(i, k, lbl, lang, ts, bool(a), p) for i, k, lbl, lang, ts, a, p in db.execute(q).all()]

    def stored_pdf(self, report_id: int) -> bytes:
        """The PDF of a kept report (from the database, so it is there even if the file was moved)."""
        with DbSession(self.engine) as db:
            pdf = db.execute(select(ShiftReportRow.pdf).where(ShiftReportRow.id == report_id)).scalar_one_or_none()
        if pdf is None:
            raise ValueError(f"no stored report {report_id}")
        return bytes(pdf)

    def has_report(self, kind: str, label: str, language: str) -> bool:
        with DbSession(self.engine) as db:
            return db.execute(select(ShiftReportRow.id).where(
                ShiftReportRow.kind == kind, ShiftReportRow.label == label,
                ShiftReportRow.language == language).limit(1)).first() is not None

    def missing_shift_reports(self, now: datetime | None = None) -> list[Shift]:
        """Ended shifts of the last ``catch_up_days`` without an automatic report (console was off)."""
        now = now or self.clock()
        first = self.history_start()
        if first is None:
            return []  # no history at all: nothing was running, nothing to report
        since = max(now - timedelta(days=self.catch_up_days), first)
        ended = [s for s in self.calendar.shifts_between(since, now) if s.end <= now]
        return [s for s in ended if not all(self.has_report("shift", s.id, lang) for lang in self.languages)]

    def history_start(self) -> datetime | None:
        """When the plant's history begins: the oldest sample of the tags the report reads
        (one index lookup per tag), None when there is none."""
        from app.historian.reader import HistoryReader, from_us
        from app.reports.shift_data import CONVERTER_CYCLE_TAGS, ENERGY_AREAS, FIGURES, PRODUCTION

        reader = HistoryReader(self.engine)
        tags = {t for p in PRODUCTION for t in p.tags} | {f.tag for f in FIGURES} | set(CONVERTER_CYCLE_TAGS) \
            | {f"EM.{a}.KWH" for a in ENERGY_AREAS}
        oldest: int | None = None
        for tag in sorted(tags):
            tid = reader.tag_id(tag)
            if tid is None:
                continue
            rows = reader._query("SELECT min(ts) FROM samples WHERE tag_id = ?", (tid,))
            if rows and rows[0][0] is not None:
                oldest = int(rows[0][0]) if oldest is None else min(oldest, int(rows[0][0]))
        return None if oldest is None else from_us(oldest)

    def generate_shift(self, s: Shift, languages: Sequence[str] = LANGUAGES, automatic: bool = True) -> list[Path]:
        """Build and keep the report of shift ``s`` (blocking)."""
        data = self.report_data("shift", s.day, s.number)
        from app.reports.pdf import build_pdf

        return [self.store("shift", s.id, lang, build_pdf(data, lang), automatic) for lang in languages]

    def catch_up(self, now: datetime | None = None) -> list[Path]:
        """Generate every missed shift report (blocking); returns the files written."""
        out: list[Path] = []
        for s in self.missing_shift_reports(now):
            langs = [lang for lang in self.languages if not self.has_report("shift", s.id, lang)]
            try:
                out += self.generate_shift(s, langs)
            except Exception:  # noqa: BLE001 - one bad shift must not stop the others
                log.exception("shift report %s could not be generated", s.id)
        return out

    async def run(self) -> None:
        """Catch up, then generate each shift's report when it ends (supervised task)."""
        loop = asyncio.get_running_loop()
        while True:
            # again until nothing is missing: a shift may end while the catch-up runs
            while await loop.run_in_executor(None, self.catch_up):
                pass
            now = self.clock()
            current = self.calendar.shift_at(now)
            await asyncio.sleep(max(0.5, (current.end - now).total_seconds() + self.end_margin_s))

    # --- the module's start hook -------------------------------------------------------
    SUPERVISED_NAME = "shift reports"

    def start(self) -> None:
        """Run :meth:`run` once the loop runs (``Module.start``): under the runtime's
        supervisor when there is one (restarted if it fails), else as a plain task."""
        if self.supervisor is not None:
            if not self._supervised:
                self.supervisor.spawn(self.SUPERVISED_NAME, self.run)  # sleeps for hours: no heartbeat period
                self._supervised = True
        elif self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="shift-reports")

    def stop(self) -> None:
        """Cancel :meth:`run` (a report being built finishes on its worker thread)."""
        if self._supervised:
            self.supervisor.cancel(self.SUPERVISED_NAME)
            self._supervised = False
        if self._task is not None:
            self._task.cancel()
            self._task = None
