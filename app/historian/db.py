"""Compatibility: the shared ``Base`` lives in :mod:`app.db` now."""

from __future__ import annotations

from app.db.base import NAMING, Base

__all__ = ["NAMING", "Base"]
