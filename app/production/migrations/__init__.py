"""Alembic revisions of the production module (branch ``production``)."""
