"""Alembic revisions of the shifts module (branch ``shifts``)."""
