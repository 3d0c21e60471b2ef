"""Alembic revisions of the maintenance module (branch ``maintenance``)."""
