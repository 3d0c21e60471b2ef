"""Cathode lot grading against GB/T 467 with the limits of ``quality.yaml``.

A lot's figure for each element is the mean of its samples. Grade A needs every listed
element assayed, the total of the listed impurities at or below its limit and each element at
or below its own limit; No. 1 needs Cu + Ag at or above its minimum. A figure exactly on a
limit passes (limits are "≤" / "≥"); figures are compared after rounding to 1e-7 %, below any
laboratory's resolution, so that 0.0030 + 0.0035 is not failed by binary rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.quality.config import QualityConfig

OFF_GRADE = "off-grade"
INCOMPLETE = "incomplete"
NDIGITS = 7


@dataclass
class GradeResult:
    lot_id: str
    grade: str  # a grade id of the layout, "off-grade" or "incomplete"
    grade_name: str
    total_impurities: float | None
    cu_ag: float | None
    reasons: list[str] = field(default_factory=list)
    meets_required: bool = False
    required_grade: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"lot_id": self.lot_id, "grade": self.grade, "grade_name": self.grade_name,
                "total_impurities_pct": self.total_impurities, "cu_ag_pct": self.cu_ag, "reasons": self.reasons,
                "meets_required": self.meets_required, "required_grade": self.required_grade}

    def summary(self) -> str:
        parts = [f"lot {self.lot_id}: {self.grade_name}"]
        if self.total_impurities is not None:
            parts.append(f"total impurities {self.total_impurities:.4f} %")
        if self.cu_ag is not None:
            parts.append(f"Cu+Ag {self.cu_ag:.3f} %")
        text = ", ".join(parts)
        return text + ("" if not self.reasons else "; " + "; ".join(self.reasons))


def grade_lot(cfg: QualityConfig, lot_id: str, figures: dict[str, float]) -> GradeResult:
    """Grade a lot from ``figures``: element symbol (``Cu``, ``Ag``, ``Pb`` ...) -> mass %."""
    missing = [e for e in cfg.elements if e not in figures]
    total = round(sum(figures[e] for e in cfg.elements if e in figures), NDIGITS) if figures else None
    cu_ag = round(figures["Cu"] + figures.get("Ag", 0.0), NDIGITS) if "Cu" in figures else None
    notes: list[str] = []
    order = {g.id: k for k, g in enumerate(cfg.grades)}
    for g in cfg.grades:
        why: list[str] = []
        if g.max_total_impurities is not None:
            if missing:
                why.append(f"{g.name_en}: not assayed: {', '.join(missing)}")
            elif total is not None and total > g.max_total_impurities:
                why.append(f"{g.name_en}: total impurities {total:.4f} % > {g.max_total_impurities:g} %")
            for el, lim in g.element_limits.items():
                if el in figures and round(figures[el], NDIGITS) > lim:
                    why.append(f"{g.name_en}: {el} {figures[el]:.4f} % > {lim:g} %")
        if g.min_cu_ag is not None:
            if cu_ag is None:
                why.append(f"{g.name_en}: Cu not assayed")
            elif cu_ag < g.min_cu_ag:
                why.append(f"{g.name_en}: Cu+Ag {cu_ag:.3f} % < {g.min_cu_ag:g} %")
        if not why:
            result = GradeResult(lot_id, g.id, g.name_en, total, cu_ag, notes, True, cfg.required_grade)
            result.meets_required = order.get(g.id, 99) <= order.get(cfg.required_grade, 99)
            return result
        notes.extend(why)
    incomplete = cu_ag is None and bool(missing)
    grade = INCOMPLETE if incomplete else OFF_GRADE
    return GradeResult(lot_id, grade, "incomplete assays" if incomplete else "off-grade", total, cu_ag, notes,
                       False, cfg.required_grade)
