"""Assays: signed hand entry, laboratory files all-or-nothing, GB/T 467 grading at the limits,
out-of-control points and off-grade lots as alarms (calc:// tags) and in the lot's record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session as DbSession

from app.alarms.definitions import load_alarms
from app.alarms.engine import AlarmEngine
from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.quality.assays import AssayError, AssayInput
from app.quality.csvfile import CsvProblems
from app.quality.models import Assay
from app.quality.service import QualityService
from app.security.context import Security
from app.security.users import SecurityError

T0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
ELEMENTS = ["Se", "Te", "Bi", "Cr", "Mn", "Sb", "Cd", "As", "P", "Pb", "S", "Sn", "Ni", "Fe", "Si", "Zn", "Co", "Ag"]


def cathode_rows(lot: str, sample: str, when: datetime, total: float, cu: float, ag: float = 0.0010) -> list[str]:
    """A complete cathode sample: Ag as given, the rest of ``total`` filling S, Fe, Pb, As, Sb up
    to their grade A element limits, then Si (no element limit)."""
    values = dict.fromkeys(ELEMENTS, 0.0)
    values["Ag"] = ag
    rest = round(total - ag, 7)
    for el, cap in (("S", 0.0015), ("Fe", 0.0010), ("Pb", 0.0005), ("As", 0.0005), ("Sb", 0.0004)):
        values[el] = min(cap, rest)
        rest = round(rest - values[el], 7)
    values["Si"] = rest
    rows = [f"{sample},{lot},{when.isoformat()},CATH.{e},{v:.7f}" for e, v in values.items()]
    rows.append(f"{sample},{lot},{when.isoformat()},CATH.Cu,{cu}")
    return rows


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("sample_id,lot_id,sampled_at,characteristic,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def count(engine: Engine) -> int:
    with DbSession(engine) as db:
        return int(db.scalar(select(func.count()).select_from(Assay)) or 0)


def test_bad_lab_file_rejected_whole_with_row_and_column(layout: PlantLayout, engine: Engine, lab: Any, tmp_path: Path) -> None:
    svc = QualityService(layout, engine)
    rows = [
        f"S1,L1,{T0.isoformat()},SMF.MATTE_CU,62.1",
        "S2,L1,not-a-time,SMF.MATTE_CU,61.9",
        f"S3,L1,{T0.isoformat()},SMF.MATTE_CUU,61.9",
        f"S4,L1,{T0.isoformat()},SMF.SLAG_CU,abc",
        f"S5,L1,{T0.isoformat()},SMF.SLAG_CU,-0.2",
        f"S1,L1,{T0.isoformat()},SMF.MATTE_CU,62.0",
        f"S6,L1,{T0.isoformat()},SMF.SLAG_CU,0.9",
    ]
    path = write_csv(tmp_path / "lab.csv", rows)
    with pytest.raises(CsvProblems) as err:
        svc.import_lab_csv(path, lab)
    problems = err.value.problems
    assert problems == [
        f"{path}:3: column sampled_at: 'not-a-time' is not an ISO time (2026-12-01T08:00:00+08:00)",
        f"{path}:4: column characteristic: unknown characteristic 'SMF.MATTE_CUU' (known: SMF.MATTE_CU, SMF.SLAG_CU, "
        "CW.ANODE_MASS, CATH.IMPURITIES, CATH.Cu, CATH.Se, CATH.Te, CATH.Bi, ...)",
        f"{path}:5: column value: 'abc' is not a number",
        f"{path}:6: column value: -0.2 is negative",
        f"{path}:7: column characteristic: SMF.MATTE_CU of sample S1 is also on row 2",
    ]
    assert count(engine) == 0  # nothing half-imported
    write_csv(path, [rows[0], rows[6]])
    assert svc.import_lab_csv(path, lab) == 2
    with pytest.raises(CsvProblems) as again:  # the same file twice
        svc.import_lab_csv(path, lab)
    assert "already stored" in again.value.problems[0]
    assert count(engine) == 2
    (tmp_path / "cols.csv").write_text("sample,lot_id,sampled_at,characteristic,value\n")
    with pytest.raises(CsvProblems) as cols:
        svc.import_lab_csv(tmp_path / "cols.csv", lab)
    assert cols.value.problems == [f"{tmp_path / 'cols.csv'}:1: missing column(s) sample_id "
                                   "(header: sample,lot_id,sampled_at,characteristic,value)"]


@pytest.mark.parametrize(("total", "cu", "grade"), [
    (0.0065, 99.99, "A"),          # exactly on the grade A limit
    (0.0066, 99.99, "1"),          # just over: No. 1 if Cu + Ag >= 99.95
    (0.0300, 99.949, "1"),         # Cu 99.949 + Ag 0.001 = 99.950: exactly on the No. 1 limit
    (0.0300, 99.948, "off-grade"),  # 99.949 < 99.95
])
def test_cathode_grading_at_the_limits(layout: PlantLayout, engine: Engine, lab: Any, tmp_path: Path, store: TagStore,
                                       total: float, cu: float, grade: str) -> None:
    svc = QualityService(layout, engine, store)
    svc.import_lab_csv(write_csv(tmp_path / "c.csv", cathode_rows("LOT-7", "C1", T0, total, cu)), lab)
    record = svc.lot_record("LOT-7")
    assert record["grade"]["grade"] == grade
    assert len(record["assays"]) == 19
    offgrade = store.get("QA.CATH.OFFGRADE")
    assert offgrade is not None and offgrade.value == (1 if grade == "off-grade" else 0)
    if grade == "off-grade":
        (event,) = [e for e in record["events"] if e["kind"] == "grade"]
        assert "Cu+Ag 99.949 % < 99.95 %" in event["detail"]
    else:
        assert not [e for e in record["events"] if e["kind"] == "grade"]


def test_grade_a_element_limit(layout: PlantLayout, engine: Engine, lab: Any, tmp_path: Path) -> None:
    svc = QualityService(layout, engine)
    rows = [r.replace("CATH.S,0.0015000", "CATH.S,0.0016000") for r in cathode_rows("LOT-9", "C1", T0, 0.0030, 99.99)]
    svc.import_lab_csv(write_csv(tmp_path / "c.csv", rows), lab)
    result = svc.grade_lot("LOT-9")
    assert result.grade == "1" and result.reasons == ["Grade A (Cu-CATH-1): S 0.0016 % > 0.0015 %"]


def test_grade_a_needs_every_element_assayed(layout: PlantLayout, engine: Engine, lab: Any, tmp_path: Path) -> None:
    svc = QualityService(layout, engine)
    rows = [r for r in cathode_rows("LOT-8", "C1", T0, 0.0040, 99.99) if ",CATH.Se," not in r]
    svc.import_lab_csv(write_csv(tmp_path / "c.csv", rows), lab)
    result = svc.grade_lot("LOT-8")
    assert result.grade == "1" and "not assayed: Se" in result.reasons[0]


def test_signed_hand_entry(layout: PlantLayout, engine: Engine, security: Security) -> None:
    svc = QualityService(layout, engine)
    security.users.add_user("lead1", "smelter-42", ["shift_lead"])
    security.users.add_user("op1", "furnace-42", ["operator"])
    session = security.session
    item = AssayInput("M-0001", "SMF.MATTE_CU", 61.8, T0, "MATTE-LOT-1")
    session.login("op1", "furnace-42")
    with pytest.raises(SecurityError, match="may not"):
        svc.enter_assay(session, "furnace-42", item)
    session.switch_user("lead1", "smelter-42")
    with pytest.raises(SecurityError):
        svc.enter_assay(session, "wrong-password", item, reason="lab phone call")
    assert count(engine) == 0
    svc.enter_assay(session, "smelter-42", item, reason="lab phone call")
    with pytest.raises(AssayError, match="already stored"):
        svc.enter_assay(session, "smelter-42", item)
    with pytest.raises(AssayError, match="more than 100"):
        svc.enter_assay(session, "smelter-42", AssayInput("M-0002", "SMF.MATTE_CU", 161.8, T0))
    (a,) = svc.lot_record("MATTE-LOT-1")["assays"]
    assert (a["source"], a["entered_by"], a["signed"]) == ("hand", "lead1", True)
    trail = [(e.event_type, e.result, e.target) for e in security.audit.entries(limit=5)]
    assert ("signature", "success", "assay M-0001 SMF.MATTE_CU") in trail
    assert ("signature", "failure", "assay M-0001 SMF.MATTE_CU") in trail


def test_out_of_control_point_raises_the_alarm_and_shows_in_the_lot(layout: PlantLayout, engine: Engine, lab: Any,
                                                                   tmp_path: Path, store: TagStore) -> None:
    svc = QualityService(layout, engine, store)
    alarms = load_alarms(layout)  # alarms.yaml and alarms.d/*.yaml, as the runtime loads them
    alarm_engine = AlarmEngine(alarms, layout.tags)
    alarm_engine.attach(store)

    def standing() -> list[str]:
        return [r.definition.tag for r in alarm_engine.records.values() if r.standing]
    # 25 in-control slag assays: the baseline
    vals = [0.90, 0.92, 0.88, 0.91, 0.89, 0.93, 0.90, 0.87, 0.91, 0.90, 0.92, 0.89, 0.90, 0.91, 0.88,
            0.90, 0.93, 0.89, 0.91, 0.90, 0.88, 0.92, 0.90, 0.91, 0.89]
    rows = [f"SL{k:03d},SLAG-{k // 8},{(T0 + timedelta(hours=k)).isoformat()},SMF.SLAG_CU,{v}" for k, v in enumerate(vals)]
    svc.import_lab_csv(write_csv(tmp_path / "a.csv", rows), lab)
    assert store.get("QA.SLAG_CU.SPC").value == 0  # type: ignore[union-attr]
    assert standing() == []
    svc.import_lab_csv(write_csv(tmp_path / "b.csv", [f"SL100,SLAG-9,{(T0 + timedelta(hours=30)).isoformat()},SMF.SLAG_CU,1.4"]), lab)
    assert store.get("QA.SLAG_CU.SPC").value == 1  # type: ignore[union-attr]
    assert standing() == ["QA.SLAG_CU.SPC"]
    events = svc.lot_record("SLAG-9")["events"]
    assert events[0]["kind"] == "spc" and events[0]["rule"] == 1 and events[0]["sample_id"] == "SL100"
    assert "one point beyond 3 sigma" in events[0]["detail"]
    viol = svc.spc_violations(T0, T0 + timedelta(days=2))
    assert [(v["characteristic"], v["rule"], v["lot_id"]) for v in viol] == [("SMF.SLAG_CU", 1, "SLAG-9")]
    from app.quality.report_data import quality_events, spc_violations

    assert spc_violations((T0, T0 + timedelta(days=2)), engine, layout) == viol
    assert spc_violations((T0, T0 + timedelta(hours=29)), engine, layout) == []
    assert [e["lot_id"] for e in quality_events((T0 - timedelta(days=1), datetime.now(UTC) + timedelta(days=1)), engine, layout)] == ["SLAG-9"]
