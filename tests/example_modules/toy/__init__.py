"""A toy feature module: how a new module plugs in by adding only its own folder.

It has a table (and its Alembic branch), a CLI command, a service set up by the runtime and a
central panel. Nothing outside this folder (and its test) knows about it.
"""
