"""Crucible: a control-room HMI for copper smelters.

Nothing under ``app/`` imports Qt except :mod:`app.main` (see ARCHITECTURE.md, rule one).
"""

from __future__ import annotations

__version__ = "0.1.0"
