"""Report fixtures: one history (real historian writer, SQLite) around a shift that crosses
midnight, with the console off 02:00-03:10; PDF text and fonts read back with poppler."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.core.shifts import Shift, ShiftCalendar
from tests.reports.history import build

CALENDAR = ShiftCalendar.from_mapping({"time_zone": "Asia/Shanghai", "starts": ["22:00", "06:00", "14:00"],
                                       "names_en": ["Night", "Day", "Evening"], "crews": ["A", "B", "C", "D"]})
NIGHT = CALENDAR.shift(date(2026, 11, 20), 1)  # 2026-11-19 22:00 -> 2026-11-20 06:00 Shanghai


@dataclass
class History:
    engine: Engine
    shift: Shift
    gap: tuple[datetime, datetime]


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    folder = tmp_path_factory.mktemp("report_history")
    s = NIGHT
    gap = (s.start + timedelta(hours=4), s.start + timedelta(hours=5, minutes=10))  # 02:00-03:10 local
    engine = build(folder / "history.sqlite", s.start - timedelta(hours=2), s.end + timedelta(hours=1), gap=gap)
    yield History(engine, s, gap)
    engine.dispose()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (installers/system_deps.sh test)")
    return path


def pdf_text(pdf: bytes, tmp_path: Path, layout: bool = True) -> str:
    f = tmp_path / "r.pdf"
    f.write_bytes(pdf)
    args = [_tool("pdftotext"), *(["-layout"] if layout else []), str(f), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """Rows of ``pdffonts``: name, ..., emb, sub, uni, object, generation."""
    f = tmp_path / "f.pdf"
    f.write_bytes(pdf)
    out = subprocess.run([_tool("pdffonts"), str(f)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]
