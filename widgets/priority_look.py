"""One look per alarm priority, used everywhere an alarm is shown: the alarm list, the
status-bar counts, the banner, the display indicators and bar pointers, the KPI mix.

Colour AND shape (and the number), so a priority is never told by colour alone (ISA-101,
colour-blind operators). Quality (bad = purple, uncertain = brown) uses other colours.
"""

from __future__ import annotations

from typing import NamedTuple


class PriorityLook(NamedTuple):
    background: str
    foreground: str
    shape: str  # square, triangle, diamond, circle
    glyph: str  # the shape as a character, for text (alarm list, banner)


PRIORITY_LOOK: dict[int, PriorityLook] = {
    1: PriorityLook("#c0162c", "#ffffff", "square", "■"),  # Urgent
    2: PriorityLook("#e8771a", "#000000", "triangle", "▲"),  # High
    3: PriorityLook("#f2d21b", "#000000", "diamond", "◆"),  # Medium
    4: PriorityLook("#6fa8dc", "#000000", "circle", "●"),  # Low
}
