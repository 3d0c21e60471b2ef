"""Reading assay CSV files: every bad row and column is reported, nothing is half-read."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class CsvProblems(ValueError):
    """A CSV file that cannot be used; ``problems`` holds one ``file:row: message`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; naive times are taken as UTC."""
    t = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def parse_number(text: str) -> float:
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


@dataclass
class SpcRows:
    """Rows of one characteristic in file order."""

    timestamps: list[datetime]
    values: list[float]


def read_table(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and ``(row number, row)`` pairs of a CSV file with ``required`` columns.

    Row numbers count the header as row 1 (as a spreadsheet shows them). Raises
    :class:`CsvProblems` for an unreadable file, a missing column or a ragged row.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvProblems([f"{path}:0: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CsvProblems([f"{path}:0: cannot read the file: {exc}"]) from None
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CsvProblems([f"{path}:1: the file is empty (expected a header: {','.join(required)})"]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvProblems([f"{path}:1: missing column(s) {', '.join(missing)} (header: {','.join(header)})"])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        if not raw or all(not c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            problems.append(f"{path}:{number}: expected {len(header)} columns, found {len(raw)}")
            continue
        rows.append((number, dict(zip(header, (c.strip() for c in raw), strict=True))))
    if problems:
        raise CsvProblems(problems)
    return header, rows


def read_spc_csv(path: Path) -> dict[str, SpcRows]:
    """``timestamp,characteristic,value`` rows grouped by characteristic (in file order)."""
    _, rows = read_table(path, ("timestamp", "characteristic", "value"))
    problems: list[str] = []
    out: dict[str, SpcRows] = {}
    for number, row in rows:
        ok = True
        try:
            ts = parse_time(row["timestamp"])
        except ValueError:
            problems.append(f"{path}:{number}: column timestamp: {row['timestamp']!r} is not an ISO time (2026-12-01T08:00:00)")
            ok = False
        name = row["characteristic"]
        if not name:
            problems.append(f"{path}:{number}: column characteristic: empty")
            ok = False
        try:
            value = parse_number(row["value"])
        except ValueError:
            problems.append(f"{path}:{number}: column value: {row['value']!r} is not a number")
            ok = False
        if ok:
            entry = out.setdefault(name, SpcRows([], []))
            entry.timestamps.append(ts)
            entry.values.append(value)
    if problems:
        raise CsvProblems(problems)
    if not out:
        raise CsvProblems([f"{path}:2: no data rows"])
    return out
