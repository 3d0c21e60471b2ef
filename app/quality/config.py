"""``quality.yaml``: SPC characteristics and the GB/T 467 cathode grades (``file:line`` errors)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.energy.yamlcheck import Checker

QUALITY_FILE = "quality.yaml"
IMPURITIES = "CATH.IMPURITIES"


@dataclass(frozen=True)
class Characteristic:
    id: str
    name_en: str
    name_zh: str
    eu: str
    tag: str = ""
    subgroup: int = 1
    baseline: int = 25
    limits: tuple[float, float] | None = None  # (centre, sigma) given in the layout
    alarm_tag: str = ""

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(frozen=True)
class Grade:
    id: str
    name_en: str
    name_zh: str
    max_total_impurities: float | None = None
    element_limits: dict[str, float] = field(default_factory=dict)
    min_cu_ag: float | None = None
    source: str = ""


@dataclass
class QualityConfig:
    path: Path
    characteristics: dict[str, Characteristic]
    elements: tuple[str, ...]
    grades: list[Grade]
    required_grade: str
    standard: str
    offgrade_tag: str = ""

    def known(self, characteristic: str) -> bool:
        """A characteristic an assay may carry: an SPC characteristic or ``CATH.<element>``/``CATH.Cu``."""
        if characteristic in self.characteristics:
            return True
        if characteristic.startswith("CATH."):
            return characteristic[5:] in (*self.elements, "Cu")
        return False


def load_quality_config(layout: Any, path: Path | None = None) -> QualityConfig:
    path = path or Path(layout.folder) / QUALITY_FILE
    ck = Checker(path)
    doc = ck.load(("characteristics", "cathode"))
    chars: dict[str, Characteristic] = {}
    for e in ck.items(doc, "characteristics"):
        cid = ck.text(e, "id", "characteristic")
        what = f"characteristic {cid!r}"
        if cid in chars:
            ck.add(e, f"{what} is listed twice")
        tag = ck.tag(e, "tag", what, layout.tags, required=False)
        alarm_tag = ck.tag(e, "alarm_tag", what, layout.tags, required=False)
        sub = e.get("subgroup", 1)
        if not isinstance(sub, int) or isinstance(sub, bool) or not (sub == 1 or 2 <= sub <= 10):
            ck.add(e, f"{what}: subgroup must be 1 (I-MR) or 2-10 (X̄-R), got {sub!r}")
            sub = 1
        base = e.get("baseline", 25)
        if not isinstance(base, int) or isinstance(base, bool) or base < 2:
            ck.add(e, f"{what}: baseline must be a whole number of points >= 2, got {base!r}")
            base = 25
        limits = None
        lim = e.get("limits")
        if lim is not None:
            if isinstance(lim, dict):
                limits = (ck.number(lim, "centre", f"{what} limits"), ck.number(lim, "sigma", f"{what} limits", positive=True))
            else:
                ck.add(e, f"{what}: limits must be a mapping with centre and sigma")
        chars[cid] = Characteristic(cid, str(e.get("name_en", cid)), str(e.get("name_zh", "")), str(e.get("eu", "")),
                                    tag, sub, base, limits, alarm_tag)
    raw_cath = doc.get("cathode")
    cath: dict[str, Any] = raw_cath if isinstance(raw_cath, dict) else {}
    if not cath:
        ck.add(doc, "cathode: expected a mapping with elements and grades")
    elements = cath.get("elements") or []
    if not isinstance(elements, list) or not all(isinstance(x, str) for x in elements):
        ck.add(cath, "cathode: elements must be a list of element symbols")
        elements = []
    grades: list[Grade] = []
    for g in ck.items(cath, "grades") if cath else []:
        gid = ck.text(g, "id", "grade")
        what = f"grade {gid!r}"
        mti = g.get("max_total_impurities")
        mca = g.get("min_cu_ag")
        if mti is None and mca is None:
            ck.add(g, f"{what}: needs max_total_impurities or min_cu_ag")
        lims = g.get("element_limits") or {}
        if not isinstance(lims, dict):
            ck.add(g, f"{what}: element_limits must map element -> % limit")
            lims = {}
        clean: dict[str, float] = {}
        for el, v in lims.items():
            if el == "__line__":
                continue
            if el not in elements:
                ck.add(g, f"{what}: element_limits names {el!r}, which is not in cathode.elements")
            elif isinstance(v, bool) or not isinstance(v, int | float):
                ck.add(g, f"{what}: limit of {el} {v!r} is not a number")
            else:
                clean[el] = float(v)
        grades.append(Grade(gid, str(g.get("name_en", gid)), str(g.get("name_zh", "")),
                            ck.number(g, "max_total_impurities", what, positive=True) if mti is not None else None,
                            clean, ck.number(g, "min_cu_ag", what, positive=True) if mca is not None else None,
                            str(g.get("source", ""))))
    required = str(cath.get("required_grade", "")) if cath else ""
    if cath and required not in {g.id for g in grades}:
        ck.add(cath, f"cathode: required_grade {required!r} is not one of the grades")
    offgrade_tag = ck.tag(cath, "alarm_tag", "cathode", layout.tags, required=False) if cath else ""
    cfg = QualityConfig(path, chars, tuple(elements), grades, required, str(cath.get("standard", "")) if cath else "",
                        offgrade_tag)
    ck.raise_if_any()
    return cfg
