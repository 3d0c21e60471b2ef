"""KPIs on a crafted 8-hour journal whose answers are worked out by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.alarms.kpi import JournalEvent, compute_kpis, read_csv_journal, write_csv_journal
from tests.alarms.helpers import T0

ROOT = Path(__file__).resolve().parents[2]
START, END = T0, T0 + timedelta(hours=8)  # 06:00 .. 14:00, 48 ten-minute windows


def at(hh: int, mm: int, ss: int = 0, day: int = 0) -> datetime:
    return T0.replace(hour=hh, minute=mm, second=ss) + timedelta(days=day)


def crafted() -> list[JournalEvent]:
    ev: list[JournalEvent] = []

    def add(ts: datetime, alarm: str, event: str, prio: int = 4) -> None:
        ev.append(JournalEvent(ts, alarm, prio, "PSC", event))

    add(at(5, 0, day=-1), "S", "activate")  # 33 h before the period end, never cleared: stale
    for k in range(12):  # a burst: 12 alarms 20 s apart from 08:00
        add(at(8, 0) + timedelta(seconds=20 * k), f"F{k:02d}", "activate")
        add(at(8, 30) + timedelta(seconds=k), f"F{k:02d}", "clear")
    for s in (0, 20, 40):  # chattering: 3 activations inside one minute
        add(at(10, 0, s), "C", "activate")
        add(at(10, 0, s + 5), "C", "clear")
    for t in (at(10, 30), at(10, 30, 40), at(10, 31, 10)):  # 3 in 70 s: not chattering
        add(t, "D", "activate", prio=3)
        add(t + timedelta(seconds=5), "D", "clear", prio=3)
    add(at(12, 0), "E", "activate")
    add(at(12, 1), "E", "ack")
    add(at(12, 2), "E", "shelve")
    add(at(13, 0), "T", "activate", prio=2)  # standing at the end, not stale
    add(at(14, 30), "LATE", "activate")  # after the period: ignored
    return ev


def test_kpis_on_a_crafted_journal() -> None:
    r = compute_kpis(crafted(), START, END)
    assert r.annunciated == 20
    assert r.per_10min == pytest.approx(20 / 48)
    assert r.per_hour == pytest.approx(2.5)
    assert r.windows == 48
    assert r.windows_over_1_pct == pytest.approx(100 * 3 / 48)  # 08:00, 10:00, 10:30
    assert r.windows_over_10_pct == pytest.approx(100 * 1 / 48)
    # flood: the 11th activation (08:03:20) starts it; it ends when the 8th leaves the
    # window (08:12:20), leaving 4
    assert r.flood_count == 1
    flood = r.floods[0]
    assert (flood.start, flood.end) == (at(8, 3, 20), at(8, 12, 20))
    assert flood.duration_s == 540 and flood.peak_per_10min == 12
    assert r.flood_time_pct == pytest.approx(100 * 540 / 28800)
    assert r.chattering == [("C", 3)]
    assert r.standing == [("S", at(5, 0, day=-1)), ("T", at(13, 0))]
    assert r.stale == [("S", at(5, 0, day=-1))]
    assert r.priority_counts == {"high": 1, "medium": 3, "low": 16}
    assert r.priority_pct == pytest.approx({"high": 5.0, "medium": 15.0, "low": 80.0})
    assert r.top10[:2] == [("C", 3), ("D", 3)] and len(r.top10) == 10
    assert r.acks == 1 and r.shelves == 1


def test_flood_still_running_at_the_period_end_counts_to_the_end() -> None:
    r = compute_kpis(crafted(), START, at(8, 5))
    assert r.flood_count == 1 and r.floods[0].ongoing and r.floods[0].end == at(8, 5)


def test_cli_reads_a_csv_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        write_csv_journal(crafted(), fh)
    assert len(read_csv_journal(path)) == len(crafted())
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "alarms", "kpi", "--csv", str(path), "--json",
         "--from", START.isoformat(), "--to", END.isoformat()],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["annunciated"] == 20 and figures["flood_count"] == 1
    assert figures["chattering"] == [{"alarm": "C", "max_per_minute": 3}]
    assert [s["alarm"] for s in figures["stale"]] == ["S"]
    text = subprocess.run(
        [sys.executable, "-m", "app.cli", "alarms", "kpi", "--csv", str(path), "--from", START.isoformat(),
         "--to", END.isoformat()], cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert "floods                    1, 9.0 min, peak 12/10 min" in text.stdout


def test_cli_names_the_line_of_a_bad_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,alarm,priority,area,event\n2026-03-02T06:00:00Z,A,low,X,activate\nyesterday,A,low,X,clear\n")
    out = subprocess.run([sys.executable, "-m", "app.cli", "alarms", "kpi", "--csv", str(path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and f"{path}:3: timestamp 'yesterday' is not ISO 8601" in out.stderr


def test_cli_reads_the_journal_database(tmp_path: Path) -> None:
    from sqlalchemy import insert

    from app.alarms.journal import ensure_tables, make_db_engine
    from app.alarms.models import AlarmJournalRow

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    db = make_db_engine(url)
    ensure_tables(db)
    with db.begin() as conn:
        conn.execute(insert(AlarmJournalRow), [
            {"ts": e.ts, "alarm": e.alarm, "tag": e.alarm, "priority": e.priority, "area": e.area, "event": e.event}
            for e in crafted()
        ])
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "alarms", "kpi", "--db", url, "--json",
         "--from", START.isoformat(), "--to", END.isoformat()],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["annunciated"] == 20 and figures["flood_duration_s"] == 540
    assert figures["priority_pct"] == {"high": 5.0, "low": 80.0, "medium": 15.0}


# --- issue 13 §8, §12 -----------------------------------------------------------------------------
def _kpi_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", "alarms", "kpi", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_csv_kpis_cover_the_whole_file_by_default(tmp_path: Path) -> None:
    """A week exported is a week's KPIs, not the file's last 24 h."""
    path = tmp_path / "week.csv"
    events = [JournalEvent(T0 + timedelta(days=d, hours=h), f"A{d}", 4, "PSC", "activate")
              for d in range(7) for h in (1, 9)]
    with path.open("w", encoding="utf-8", newline="") as f:
        write_csv_journal(events, f)
    out = _kpi_cli("--csv", str(path), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["annunciated"] == 14
    assert report["start"] == (T0 + timedelta(hours=1)).isoformat()


def test_an_alarm_that_stood_30_h_and_cleared_inside_the_period_is_stale() -> None:
    events = [
        JournalEvent(START - timedelta(hours=25), "LONG", 4, "PSC", "activate"),
        JournalEvent(START + timedelta(hours=5), "LONG", 4, "PSC", "clear"),  # 30 h active
        JournalEvent(START - timedelta(hours=2), "SHORT", 4, "PSC", "activate"),
        JournalEvent(START + timedelta(hours=1), "SHORT", 4, "PSC", "clear"),  # 3 h: not stale
    ]
    report = compute_kpis(events, START, END)
    assert [a for a, _ in report.stale] == ["LONG"]
    assert report.standing == []


@pytest.mark.parametrize(("content", "expected"), [
    (b"timestamp,alarm,priority,area,event\n2026-03-02T06:00:00Z,A,low\n", ":2: expected 5 fields"),
    (b"timestamp,alarm,priority,area,event\n9999-12-31T23:59:59Z,A,low,X,activate\n", ":2: timestamp '9999-12-31T23:59:59Z' is outside"),
    (b"timestamp,alarm,priority,area,event\n0001-01-01T00:00:00Z,A,low,X,activate\n", ":2: timestamp '0001-01-01T00:00:00Z' is outside"),
    (b"timestamp,alarm,priority,area,event\n2026-03-02T06:00:00Z," + b"A" * 140_000 + b",low,X,activate\n", ":2: not valid CSV (field larger"),
    ("timestamp,alarm,priority,area,event\n2026-03-02T06:00:00Z,Ofen\u00e4,low,X,activate\n".encode("latin-1"), ":2: not UTF-8 text"),
    (b"timestamp,alarm,priority,area,event\n\x00\x01\x02\xff\xfe", ":2: not UTF-8 text"),
    (b"timestamp,alarm,priority,area,event\n2026-03-02T06:00:00Z,A,low,X,\x00\n", ":2: contains a NUL byte"),
    (b"timestamp,alarm,priority,area,event\n2026-03-02T06:00:00Z,A,low,X,acknowledged\n", ":2: unknown event 'acknowledged'"),
    (b"timestamp,alarm,priority,area,event\n", ": no events in the file"),
])
def test_bad_csv_journals_get_one_line_naming_file_and_row(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    out = _kpi_cli("--csv", str(path))
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert f"{path}{expected}" in out.stderr, out.stderr


@pytest.mark.parametrize("arg", [["--to", "0001-01-01T00:00:00"], ["--from", "9999-12-31"], ["--to", "nan"]])
def test_bad_kpi_times_are_refused_with_exit_2(tmp_path: Path, arg: list[str]) -> None:
    out = _kpi_cli("--db", f"sqlite:///{tmp_path / 'none.sqlite'}", *arg)
    assert out.returncode == 2 and "Traceback" not in out.stderr and "bad time" in out.stderr, out.stderr
