"""The plant database layer: one ``Base`` for every module's tables, one engine factory, one
default URL, and Alembic migrations with one branch per module (``crucible db upgrade``).

Modules declare tables with ``from app.db import Base`` and ship their revisions in their own
``migrations`` package (see :mod:`app.modules`).
"""

from __future__ import annotations

from app.historian.db import Base

__all__ = ["Base"]
