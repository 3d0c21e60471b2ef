"""Engineering units the plant layout may use.

The list is closed on purpose: a typo such as ``degC`` vs ``°C`` is caught by the layout
loader instead of showing up as an odd label on a control-room screen.
"""

from __future__ import annotations

KNOWN_UNITS: frozenset[str] = frozenset(
    {
        "", "%", "°C", "K", "bar", "kPa", "Pa", "mbar", "mm", "m", "m³", "m³/h", "Nm³/h",
        "Nm³/min", "t", "t/h", "t/d", "kg", "kg/h", "g/L", "mg/m³", "ppm", "vol %", "% Cu",
        "% S", "% H₂SO₄", "% O₂", "A", "kA", "A/m²", "V", "kV", "kW", "MW", "kWh", "MWh",
        "kWh/t", "kgce/t", "mm/s", "rpm", "h", "min", "s", "d", "batches", "ratio", "pH",
        "µS/cm", "count", "state", "bool", "mm/s RMS", "Hz", "kvar", "MVA", "persons", "°",
        "anodes", "cells",
    }
)


def is_known_unit(unit: str) -> bool:
    """True when ``unit`` is one the product knows how to show."""
    return unit in KNOWN_UNITS
