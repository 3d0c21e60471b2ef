"""The quality module's service: assays in (signed hand entry, laboratory files), SPC on them,
cathode lot grading, and what a lot's record and the shift report show.

An out-of-control point or an off-grade lot is (1) a :class:`QualityEvent` row carrying the
lot id (the lot's traceability record reads it, :meth:`QualityService.lot_record`) and (2) a
value on a ``calc://quality/...`` tag whose alarm is defined in ``alarms.d/quality.yaml`` (so it is
journaled and counted like any process alarm). SQL runs on the caller's thread: the GUI calls
these from a worker.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from app.core.tags import Quality, TagValue
from app.quality.assays import AssayError, AssayInput, check_value, read_lab_csv
from app.quality.config import IMPURITIES, QualityConfig, load_quality_config
from app.quality.grading import GradeResult, grade_lot
from app.quality.models import Assay, LotGrade, QualityEvent
from app.quality.spc import RULE_TEXT, ChartResult, SpcError, chart
from app.security.permissions import ENTER_ASSAYS


class Times(Sequence[datetime]):
    """UTC times held as numpy datetime64 (100,000 assays need no 100,000 datetime objects);
    an item is an aware datetime, a slice another :class:`Times`."""

    def __init__(self, stamps: np.ndarray) -> None:
        self.stamps = stamps.astype("datetime64[us]")

    def __len__(self) -> int:
        return len(self.stamps)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return Times(self.stamps[k])
        return self.stamps[k].astype(datetime).replace(tzinfo=UTC)

    def epoch_s(self) -> np.ndarray:
        return self.stamps.astype("int64") / 1e6


def _utc(t: datetime) -> datetime:
    """UTC, aware: what is stored and compared (SQLite keeps the wall time without its zone)."""
    return t.astimezone(UTC) if t.tzinfo else t.replace(tzinfo=UTC)


class QualityService:
    def __init__(self, layout: Any, engine: Engine, store: Any = None, audit: Any = None,
                 config: QualityConfig | None = None) -> None:
        self.layout = layout
        self.engine = engine
        self.store = store
        self.audit = audit
        self.config = config or load_quality_config(layout)
        self.pending: dict[str, TagValue] = {}
        self._pending_lock = threading.Lock()

    # --- entering assays -------------------------------------------------------------
    def enter_assay(self, session: Any, password: str, item: AssayInput, reason: str = "") -> int:
        """Store one hand-entered assay, signed by the logged-in user re-entering their password.

        Raises :class:`AssayError` (bad value) or the security module's errors (not logged in,
        not permitted, wrong password); every signature attempt is audited by the session.
        """
        why = check_value(self.config, item.characteristic, item.value)
        if why:
            raise AssayError(f"{item.characteristic}: {why}")
        if not item.sample_id.strip():
            raise AssayError("sample id: empty")
        session.require(ENTER_ASSAYS, f"assay {item.sample_id}")
        user = session.username
        target = f"assay {item.sample_id} {item.characteristic}"
        try:
            session.users.authenticate(user, password, event="signature", console=session.console)
        except Exception as exc:
            session.audit.record("access", "signature", "failure", user=user, target=target, new=item.value,
                                 reason=reason, detail=f"assay entry: {exc}", console=session.console)
            raise
        with DbSession(self.engine) as db:
            if db.scalar(select(Assay.id).where(Assay.sample_id == item.sample_id,
                                                Assay.characteristic == item.characteristic)) is not None:
                raise AssayError(f"{target} is already stored")
            row = self._row(item, "hand", user, True, reason, "")
            db.add(row)
            db.commit()
            new_id = row.id
        session.audit.record("access", "signature", "success", user=user, target=target, new=item.value,
                             reason=reason, detail="assay entered by hand", console=session.console)
        self.after_assays([item])
        return int(new_id)

    def import_lab_csv(self, path: Path, session: Any) -> int:
        """Import a laboratory file: all rows or none (:class:`CsvProblems` lists every problem).

        The logged-in user of ``session`` needs ``enter_assays`` (laboratory, shift lead, process
        engineer, administrator) and is recorded with each assay; a refusal raises the security
        module's ``PermissionDenied`` before the file is read.
        """
        session.require(ENTER_ASSAYS, f"laboratory file {Path(path).name}")
        user = session.username
        with DbSession(self.engine) as db:
            existing = {(s, c) for s, c in db.execute(select(Assay.sample_id, Assay.characteristic))}
        items = read_lab_csv(self.config, path, existing)
        with DbSession(self.engine) as db, db.begin():
            db.add_all([self._row(i, "lab", user, False, "", str(path)) for i in items])
        audit = self.audit if self.audit is not None else getattr(session, "audit", None)
        if audit is not None:
            audit.record("config", "assay_import", user=user, target=str(path), new=len(items),
                         detail=f"{len(items)} assays imported", console=getattr(session, "console", None))
        self.after_assays(items)
        return len(items)

    @staticmethod
    def _row(i: AssayInput, source: str, user: str, signed: bool, reason: str, file: str) -> Assay:
        return Assay(sample_id=i.sample_id, lot_id=i.lot_id, characteristic=i.characteristic, value=i.value,
                     sampled_at=_utc(i.sampled_at), source=source, entered_by=user, signed=signed, reason=reason,
                     import_file=file, entered_at=datetime.now(UTC))

    def after_assays(self, items: list[AssayInput]) -> None:
        """New assays: grade their cathode lots, check SPC of their characteristics, publish."""
        lots = sorted({i.lot_id for i in items if i.lot_id and i.characteristic.startswith("CATH.")})
        for lot in lots:
            self.grade_lot(lot)
        chars = {i.characteristic for i in items if i.characteristic in self.config.characteristics}
        if lots:
            chars.add(IMPURITIES)
        for c in sorted(chars):
            if c in self.config.characteristics:
                self.check_spc(c)

    # --- series and SPC --------------------------------------------------------------
    def series(self, characteristic: str, start: datetime | None = None, end: datetime | None = None,
               ids: bool = True) -> tuple[list[datetime], np.ndarray, list[str], list[str]]:
        """(times, values, sample ids, lot ids) of a characteristic in time order. The cathode
        total impurities are the sum of each sample's listed elements (complete samples only)."""
        with DbSession(self.engine) as db:
            if characteristic == IMPURITIES:
                q = select(Assay.sample_id, Assay.lot_id, Assay.sampled_at, Assay.characteristic, Assay.value).where(
                    Assay.characteristic.in_([f"CATH.{e}" for e in self.config.elements]))
                if start is not None:
                    q = q.where(Assay.sampled_at >= _utc(start))
                if end is not None:
                    q = q.where(Assay.sampled_at < _utc(end))
                by_sample: dict[str, list[Any]] = {}
                for sid, lot, ts, _c, v in db.execute(q):
                    entry = by_sample.setdefault(sid, [_utc(ts), lot, 0.0, 0])
                    entry[2] += v
                    entry[3] += 1
                full = sorted((e[0], sid, e[1], e[2]) for sid, e in by_sample.items() if e[3] == len(self.config.elements))
                return [f[0] for f in full], np.array([f[3] for f in full]), [f[1] for f in full], [f[2] for f in full]
            if self.engine.dialect.name == "sqlite":
                return self._series_sqlite(characteristic, start, end, ids)
            q2 = select(Assay.sampled_at, Assay.value, Assay.sample_id, Assay.lot_id).where(
                Assay.characteristic == characteristic)
            if start is not None:
                q2 = q2.where(Assay.sampled_at >= _utc(start))
            if end is not None:
                q2 = q2.where(Assay.sampled_at < _utc(end))
            rows = db.execute(q2.order_by(Assay.sampled_at, Assay.id)).all()
        return [_utc(r[0]) for r in rows], np.array([r[1] for r in rows], dtype=np.float64), \
            [r[2] for r in rows], [r[3] for r in rows]

    def _series_sqlite(self, characteristic: str, start: datetime | None, end: datetime | None, ids: bool = True
                       ) -> tuple[list[datetime], np.ndarray, list[str], list[str]]:
        """The same rows without per-row datetime parsing in Python (100,000 assays in ~0.1 s):
        SQLite keeps UTC wall times as ISO text, numpy parses them in one call."""
        sql = f"SELECT sampled_at, value{', sample_id, lot_id' if ids else ''} FROM quality_assays WHERE characteristic = ?"
        params: list[Any] = [characteristic]
        for op, t in ((">=", start), ("<", end)):
            if t is not None:
                sql += f" AND sampled_at {op} ?"
                params.append(_utc(t).strftime("%Y-%m-%d %H:%M:%S.%f"))
        with self.engine.connect() as conn:
            cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cur.execute(sql + " ORDER BY sampled_at, id", tuple(params))
                rows = cur.fetchall()
            finally:
                cur.close()
        if not rows:
            return [], np.empty(0), [], []
        times = Times(np.array([r[0] for r in rows], dtype="datetime64[us]"))
        values = np.fromiter((r[1] for r in rows), np.float64, len(rows))
        samples, lots = ([r[2] for r in rows], [r[3] for r in rows]) if ids else ([], [])
        return times, values, samples, lots  # type: ignore[return-value]

    def chart(self, characteristic: str, start: datetime | None = None, end: datetime | None = None
              ) -> tuple[ChartResult, list[datetime]]:
        c = self.config.characteristics[characteristic]
        times, values, _, _ = self.series(characteristic, start, end, ids=False)
        res = chart(characteristic, values, subgroup=c.subgroup, baseline=c.baseline, limits=c.limits)
        size = max(1, c.subgroup)
        ends = times[size - 1::size][: len(res.points)]
        return res, ends if isinstance(ends, Times) else list(ends)

    def check_spc(self, characteristic: str) -> int:
        """Rule broken by the newest point (0 = in control); recorded and published."""
        c = self.config.characteristics[characteristic]
        times, values, samples, lots = self.series(characteristic)
        rule = 0
        try:
            res = chart(characteristic, values, subgroup=c.subgroup, baseline=c.baseline, limits=c.limits)
        except SpcError:
            res = None
        if res is not None and len(res.points):
            last = len(res.points) - 1
            rules = sorted(r for i, r in res.violations if i == last)
            if rules:
                rule = rules[0]
                k = last * max(1, c.subgroup) + max(1, c.subgroup) - 1
                self._event(times[k], "spc", lots[k], samples[k], characteristic, rule,
                            f"{c.name_en}: {RULE_TEXT[rule]} (value {res.points[last]:.4g}, "
                            f"CL {res.limits.centre:.4g}, UCL {res.limits.ucl:.4g}, LCL {res.limits.lcl:.4g})")
        self._publish(c.alarm_tag, rule)
        return rule

    # --- lots ------------------------------------------------------------------------
    def lot_figures(self, lot_id: str) -> dict[str, float]:
        """Element -> mean % over the lot's samples."""
        with DbSession(self.engine) as db:
            rows = db.execute(select(Assay.characteristic, Assay.value).where(
                Assay.lot_id == lot_id, Assay.characteristic.like("CATH.%"))).all()
        acc: dict[str, list[float]] = defaultdict(list)
        for c, v in rows:
            acc[c[5:]].append(v)
        return {k: float(np.mean(v)) for k, v in acc.items() if k in (*self.config.elements, "Cu")}

    def grade_lot(self, lot_id: str) -> GradeResult:
        """Grade a cathode lot from its assays, store the grade, raise an event if below required."""
        figures = self.lot_figures(lot_id)
        if not figures:
            raise AssayError(f"lot {lot_id!r} has no cathode assays")
        result = grade_lot(self.config, lot_id, figures)
        now = datetime.now(UTC)
        with DbSession(self.engine) as db, db.begin():
            row = db.get(LotGrade, lot_id) or LotGrade(lot_id=lot_id)
            row.grade, row.total_impurities, row.cu_ag = result.grade, result.total_impurities, result.cu_ag
            row.reasons, row.graded_at = "; ".join(result.reasons)[:1000], now
            db.merge(row)
        if result.grade != "incomplete" and not result.meets_required:
            self._event(now, "grade", lot_id, "", "", 0, result.summary()[:400])
        self.publish_offgrade(now)
        return result

    def publish_offgrade(self, now: datetime | None = None) -> int:
        """Off-grade lots graded since the start of the current shift -> ``QA.CATH.OFFGRADE``."""
        from app.core.shifts import ShiftCalendar

        now = now or datetime.now(UTC)
        shift = ShiftCalendar.from_mapping(self.layout.extra.get("shifts")).shift_at(now)
        with DbSession(self.engine) as db:
            n = len(db.execute(select(LotGrade.lot_id).where(LotGrade.grade == "off-grade",
                                                             LotGrade.graded_at >= _utc(shift.start))).all())
        self._publish(self.config.offgrade_tag, n)
        return n

    def lot_record(self, lot_id: str) -> dict[str, Any]:
        """What the lot's traceability shows from quality: assays, grade, quality events."""
        with DbSession(self.engine) as db:
            assays = db.scalars(select(Assay).where(Assay.lot_id == lot_id).order_by(Assay.sampled_at, Assay.id)).all()
            grade = db.get(LotGrade, lot_id)
            events = db.scalars(select(QualityEvent).where(QualityEvent.lot_id == lot_id).order_by(QualityEvent.ts)).all()
            return {
                "lot_id": lot_id,
                "assays": [{"sample_id": a.sample_id, "characteristic": a.characteristic, "value": a.value,
                            "sampled_at": _utc(a.sampled_at).isoformat(), "source": a.source, "entered_by": a.entered_by,
                            "signed": a.signed} for a in assays],
                "grade": None if grade is None else {"grade": grade.grade, "total_impurities_pct": grade.total_impurities,
                                                     "cu_ag_pct": grade.cu_ag, "reasons": grade.reasons,
                                                     "graded_at": _utc(grade.graded_at).isoformat()},
                "events": [_event_dict(e) for e in events],
            }

    def spc_violations(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Every out-of-control point of every characteristic sampled in [start, end): the
        charts are recomputed with the layout's limits (baseline from the first points)."""
        out: list[dict[str, Any]] = []
        for cid, c in self.config.characteristics.items():
            times, values, samples, lots = self.series(cid)
            if len(values) < 2:
                continue
            try:
                res = chart(cid, values, subgroup=c.subgroup, baseline=c.baseline, limits=c.limits)
            except SpcError:
                continue
            size = max(1, c.subgroup)
            for i, rule in res.violations:
                k = i * size + size - 1
                if _utc(start) <= times[k] < _utc(end):
                    out.append({"characteristic": cid, "name_en": c.name_en, "name_zh": c.name_zh, "index": i,
                                "timestamp": times[k].isoformat(), "rule": rule, "rule_text": RULE_TEXT[rule],
                                "value": float(res.points[i]), "centre": res.limits.centre, "ucl": res.limits.ucl,
                                "lcl": res.limits.lcl, "sample_id": samples[k], "lot_id": lots[k]})
        return sorted(out, key=lambda v: (v["timestamp"], v["characteristic"]))

    def offgrade_lots(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Cathode lots graded below the required grade whose last cathode sample was taken in
        [start, end) (the shift that made them), oldest first: ``lot_id``, ``grade``,
        ``total_impurities_pct``, ``cu_ag_pct``, ``reasons``, ``sampled_at``."""
        from sqlalchemy import func

        last = (select(Assay.lot_id, func.max(Assay.sampled_at).label("sampled"))
                .where(Assay.characteristic.like("CATH.%")).group_by(Assay.lot_id).subquery())
        with DbSession(self.engine) as db:
            rows = db.execute(select(LotGrade, last.c.sampled).join(last, last.c.lot_id == LotGrade.lot_id)
                              .where(LotGrade.grade == "off-grade").order_by(last.c.sampled)).all()
        out = []
        for g, sampled in rows:
            when = _utc(datetime.fromisoformat(sampled) if isinstance(sampled, str) else sampled)
            if _utc(start) <= when < _utc(end):
                out.append({"lot_id": g.lot_id, "grade": g.grade, "total_impurities_pct": g.total_impurities,
                            "cu_ag_pct": g.cu_ag, "reasons": g.reasons, "sampled_at": when.isoformat()})
        return out

    def events(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        with DbSession(self.engine) as db:
            rows = db.scalars(select(QualityEvent).where(QualityEvent.ts >= _utc(start), QualityEvent.ts < _utc(end))
                              .order_by(QualityEvent.ts)).all()
            return [_event_dict(e) for e in rows]

    # --- internals -------------------------------------------------------------------
    def _event(self, ts: datetime, kind: str, lot: str, sample: str, char: str, rule: int, detail: str) -> None:
        with DbSession(self.engine) as db, db.begin():
            db.add(QualityEvent(ts=_utc(ts), kind=kind, lot_id=lot or "", sample_id=sample or "", characteristic=char,
                                rule=rule, detail=detail[:400]))

    def _publish(self, tag: str, value: int) -> None:
        """Put a calc:// value in the store: at once on the loop (main) thread; from a worker
        it waits in :attr:`pending` until :meth:`flush_publications` runs on the loop thread
        (the store's listeners — alarm engine, screens — run on that thread only)."""
        if self.store is None or not tag:
            return
        now = datetime.now(UTC)
        with self._pending_lock:
            self.pending[tag] = TagValue(int(value), Quality.GOOD, now, now)
        if threading.current_thread() is threading.main_thread():
            self.flush_publications()

    def flush_publications(self) -> None:
        """Apply what workers computed (call on the loop thread, e.g. in a query's result slot)."""
        with self._pending_lock:
            batch, self.pending = self.pending, {}
        if batch and self.store is not None:
            self.store.apply(batch)


def _event_dict(e: QualityEvent) -> dict[str, Any]:
    return {"ts": _utc(e.ts).isoformat(), "kind": e.kind, "lot_id": e.lot_id, "sample_id": e.sample_id,
            "characteristic": e.characteristic, "rule": e.rule, "detail": e.detail}


def setup(runtime: Any) -> QualityService:
    """``Module.setup``: the service on the plant database (``runtime.db``)."""
    return QualityService(runtime.layout, runtime.db, runtime.store, getattr(runtime, "audit", None))
