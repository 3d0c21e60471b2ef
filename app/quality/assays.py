"""Checking assays before they are stored: hand entry and laboratory CSV files.

A laboratory file is checked whole; if any row or column is wrong, nothing is imported and
every problem is listed as ``file:row: column NAME: message``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.quality.config import QualityConfig
from app.quality.csvfile import CsvProblems, parse_number, parse_time, read_table

LAB_COLUMNS = ("sample_id", "lot_id", "sampled_at", "characteristic", "value")


class AssayError(ValueError):
    """An assay that cannot be stored; the message names the field."""


@dataclass(frozen=True)
class AssayInput:
    sample_id: str
    characteristic: str
    value: float
    sampled_at: datetime
    lot_id: str = ""


def check_value(cfg: QualityConfig, characteristic: str, value: float) -> str:
    """'' when ``value`` is plausible for ``characteristic``, else what is wrong."""
    if not cfg.known(characteristic):
        known = ", ".join([*cfg.characteristics, "CATH.Cu", *(f"CATH.{e}" for e in cfg.elements[:3])])
        return f"unknown characteristic {characteristic!r} (known: {known}, ...)"
    if value < 0:
        return f"{value} is negative"
    eu = cfg.characteristics[characteristic].eu if characteristic in cfg.characteristics else "%"
    if "%" in eu and value > 100:
        return f"{value} % is more than 100 %"
    return ""


def read_lab_csv(cfg: QualityConfig, path: Path, existing: set[tuple[str, str]]) -> list[AssayInput]:
    """Every row of a laboratory CSV, or :class:`CsvProblems` listing each bad row and column.

    ``existing``: ``(sample_id, characteristic)`` already stored (a file imported twice is refused).
    """
    _, rows = read_table(path, LAB_COLUMNS)
    problems: list[str] = []
    out: list[AssayInput] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        bad = len(problems)

        def problem(column: str, text: str, number: int = number) -> None:
            problems.append(f"{path}:{number}: column {column}: {text}")

        sample = row["sample_id"]
        if not sample:
            problem("sample_id", "empty")
        try:
            ts = parse_time(row["sampled_at"])
        except ValueError:
            problem("sampled_at", f"{row['sampled_at']!r} is not an ISO time (2026-12-01T08:00:00+08:00)")
        char = row["characteristic"]
        try:
            value = parse_number(row["value"])
            why = check_value(cfg, char, value) if char else "empty"
            if why:
                problem("characteristic" if "characteristic" in why or why == "empty" else "value", why)
        except ValueError:
            problem("value", f"{row['value']!r} is not a number")
        key = (sample, char)
        if key in seen:
            problem("characteristic", f"{char} of sample {sample} is also on row {seen[key]}")
        elif key in existing:
            problem("sample_id", f"{char} of sample {sample} is already stored (file imported twice?)")
        seen.setdefault(key, number)
        if len(problems) == bad:
            out.append(AssayInput(sample, char, value, ts, row["lot_id"]))
    if problems:
        raise CsvProblems(problems)
    if not out:
        raise CsvProblems([f"{path}:2: no data rows"])
    return out
