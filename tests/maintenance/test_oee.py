"""OEE of the process units on a hand-worked day of history, through the real historian."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.core.tags import Quality, TagValue
from app.historian.service import open_historian
from tests.maintenance.test_kpi import run_cli

DAY0 = dt.datetime(2026, 11, 1, 16, 0, tzinfo=dt.UTC)  # 00:00 in the plant (Asia/Shanghai): a production day


def sample(h: int, slot: int) -> dict[str, float]:
    """Every 10 minutes (slot 0..5 of hour h)."""
    shift_slot = (h % 8) * 6 + slot  # counters restart at each shift (00:00, 08:00, 16:00 plant time)
    return {
        "CB.FEED_RATE": 187.2 if h < 20 else 0.0,  # 20 h at 90 % of the 208 t/h nameplate, then 4 h down
        "PSC1.BLAST_FLOW": 36000.0 if h < 12 else 0.0,
        "CW.RATE": 81.0,
        "CW.COUNT": 10.0 * shift_slot,  # 470 anodes a shift
        "CW.REJECTS": float(shift_slot // 5),  # 9 rejects a shift
        "TH.RECT1.I": 41.4,
        "TH.CE": 96.0,
    }


@pytest.fixture
def history_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout):  # type: ignore[no-untyped-def]
    from app.core.settings import load_settings

    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    historian = open_historian(settings, definitions=layout.tags)
    historian.start()
    for h in range(24):
        for slot in range(6):
            t = DAY0 + dt.timedelta(hours=h, minutes=10 * slot)
            historian.writer.enqueue({k: TagValue(v, Quality.GOOD, t, t) for k, v in sample(h, slot).items()})
    t = DAY0 + dt.timedelta(hours=24)
    historian.writer.enqueue({k: TagValue(v, Quality.GOOD, t, t) for k, v in sample(24, 0).items()})
    assert historian.writer.flush()
    historian.stop()
    return settings.db_url


def test_oee_per_unit_hand_worked(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(["equipment", "oee", "--from", DAY0.isoformat(), "--to", (DAY0 + dt.timedelta(days=1)).isoformat(),
                    "--db", history_db, "--json"])
    assert code == 0, capsys.readouterr().err
    units = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["units"]
    smf = units["SMF"]
    assert (smf["availability"], smf["performance"], smf["quality"]) == (pytest.approx(20 / 24, abs=1e-3), pytest.approx(0.9, abs=1e-3), 1.0)
    assert smf["oee"] == pytest.approx(0.75, abs=1e-3)
    assert units["PSC1"]["availability"] == pytest.approx(0.5, abs=1e-3)
    cw = units["CW"]
    assert cw["performance"] == pytest.approx(0.9, abs=1e-3)
    assert cw["quality"] == pytest.approx(1 - 27 / 1410, abs=1e-3)  # 3 shifts x (470 cast, 9 rejected)
    th = units["TH.RECT1"]
    assert (th["performance"], th["quality"]) == (pytest.approx(0.9, abs=1e-3), pytest.approx(0.96, abs=1e-3))
    assert th["oee"] == pytest.approx(0.864, abs=1e-3)


def test_oee_per_shift_and_bad_period(history_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(["equipment", "oee", "--from", DAY0.isoformat(), "--to", (DAY0 + dt.timedelta(days=1)).isoformat(),
                    "--per", "shift", "--db", history_db, "--json"])
    assert code == 0
    docs = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [d["period"]["label"] for d in docs] == ["2026-11-02/1", "2026-11-02/2", "2026-11-02/3"]
    assert [d["units"]["SMF"]["availability"] for d in docs] == [1.0, 1.0, 0.5]  # down the last 4 h
    assert run_cli(["equipment", "oee", "--from", "2026-11-02", "--to", "2026-11-01", "--db", history_db]) == 2
    assert "is not after" in capsys.readouterr().err
