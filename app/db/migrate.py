"""Schema changes go one way: ``crucible db upgrade`` (Alembic, one branch per module).

The environment lives in ``app/db/migrations``; each module's revisions live in its own
package (``Module.migrations``), gathered from the module registry into Alembic's
``version_locations``. A console's own SQLite file is brought up to date at start; a shared
PostgreSQL database only by IT (consoles need no DDL rights).
"""

from __future__ import annotations

import importlib
import importlib.resources
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError, OperationalError

from app.db.engine import DatabaseError, connection_error, describe

log = logging.getLogger(__name__)
ENV_PACKAGE = "app.db.migrations"


def _package_path(dotted: str) -> str:
    return str(importlib.resources.files(dotted))


def version_packages(registry: Any = None) -> list[str]:
    """The migration packages of every installed module (registry order)."""
    if registry is None:
        from app.modules import default_registry

        registry = default_registry()
    return list(registry.migration_packages())


def alembic_config(engine: Engine | None = None, packages: Sequence[str] | None = None):  # type: ignore[no-untyped-def]
    """An Alembic config for the packaged migrations (no alembic.ini needed in the cwd)."""
    from alembic.config import Config

    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger("alembic").level))
    cfg = Config()
    cfg.set_main_option("script_location", _package_path(ENV_PACKAGE))
    locations = [_package_path(p) for p in (packages if packages is not None else version_packages())]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["packages"] = list(packages) if packages is not None else None
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def _script(packages: Sequence[str] | None = None):  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(packages=packages))


def script_heads(packages: Sequence[str] | None = None) -> set[str]:
    return set(_script(packages).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


@dataclass(frozen=True)
class SchemaStatus:
    current: frozenset[str]
    heads: frozenset[str]
    applied: frozenset[str] = frozenset()  # every revision the current heads include

    @property
    def up_to_date(self) -> bool:
        return self.heads <= self.applied if self.applied else self.current == self.heads

    @property
    def unknown(self) -> frozenset[str]:
        """Revisions in the database this Crucible does not know (a newer console's)."""
        return self.current - self.applied if self.applied else self.current - self.heads

    @property
    def message(self) -> str:
        if self.up_to_date:
            text = f"schema up to date ({', '.join(sorted(self.heads))})"
            if self.unknown:  # e.g. a module another console has and this one has not
                text += f"; it also has revision(s) {', '.join(sorted(self.unknown))} of modules not installed here"
            return text
        if self.unknown:
            return (f"the plant database is at revision(s) {', '.join(sorted(self.unknown))}, which this "
                    "Crucible does not know: update Crucible on this console")
        if not self.current:
            return "the plant database has no tables yet: run `crucible db upgrade`"
        missing = sorted(self.heads - self.applied) if self.applied else sorted(self.heads - self.current)
        return f"the plant database schema is behind (needs {', '.join(missing)}): run `crucible db upgrade`"


def _applied(current: set[str], packages: Sequence[str] | None) -> frozenset[str]:
    """Every known revision that the database's current heads contain."""
    script = _script(packages)
    known = {rev.revision for rev in script.walk_revisions()}
    done: set[str] = set()
    for head in current & known:
        for rev in script.iterate_revisions(head, "base"):
            done.add(rev.revision)
    return frozenset(done)


def schema_status(engine: Engine, packages: Sequence[str] | None = None) -> SchemaStatus:
    """Where the database stands against every module's migrations."""
    try:
        current = current_revisions(engine)
    except (OperationalError, DBAPIError, OSError) as exc:
        raise connection_error(engine.url, exc) from None
    return SchemaStatus(frozenset(current), frozenset(script_heads(packages)), _applied(current, packages))


def _adoptable(engine: Engine, packages: Sequence[str] | None) -> list[Any]:
    """Revisions whose tables a database made before migrations (``create_all``) already has,
    base first: each revision may list them in a module-level ``creates`` tuple."""
    script = _script(packages)
    with engine.connect() as conn:
        existing = set(inspect(conn).get_table_names())
    if not existing:
        return []
    return [rev for rev in reversed(list(script.walk_revisions()))
            if getattr(rev.module, "creates", ()) and set(rev.module.creates) <= existing]


def upgrade(engine: Engine, target: str = "heads", packages: Sequence[str] | None = None) -> SchemaStatus:
    """Run every module's migrations up to all heads; a database whose tables were made by
    hand (``create_all``, before the migrations) is adopted first, not recreated: what a
    revision needs below it is migrated, then the revision itself is stamped."""
    from alembic import command

    cfg = alembic_config(engine, packages)
    try:
        if not current_revisions(engine):
            for rev in _adoptable(engine, packages):
                log.warning("%s: adopting the tables of %s, made before the migrations", describe(engine.url), rev.revision)
                with engine.begin() as conn:
                    cfg.attributes["connection"] = conn
                    for down in rev._all_down_revisions:
                        command.upgrade(cfg, down)
                    command.stamp(cfg, rev.revision)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except (OperationalError, DBAPIError, OSError) as exc:
        raise connection_error(engine.url, exc) from None
    return schema_status(engine, packages)


def prepare(engine: Engine, packages: Sequence[str] | None = None) -> SchemaStatus:
    """What a console does at start: its own SQLite file is upgraded on the spot; a shared
    PostgreSQL database is only checked (IT runs ``crucible db upgrade``).

    Raises :class:`DatabaseError` when the database cannot be reached.
    """
    status = schema_status(engine, packages)
    if not status.up_to_date and not status.unknown and engine.dialect.name == "sqlite":
        status = upgrade(engine, packages=packages)
    return status


def ensure_current(engine: Engine, packages: Sequence[str] | None = None) -> None:
    """:func:`prepare`, raising :class:`DatabaseError` with the message when the schema is
    still not current (commands that write need the tables)."""
    status = prepare(engine, packages)
    if not status.up_to_date:
        raise DatabaseError(f"{describe(engine.url)}: {status.message}")


def import_models(packages: Sequence[str] | None = None) -> None:
    """Import every module's table declarations onto ``app.db.Base``."""
    from app.modules import default_registry

    default_registry().import_models()
    for dotted in packages or ():
        importlib.import_module(dotted)
