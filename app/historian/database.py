"""Connecting to the history database and keeping its schema current.

SQLite (a file in the user data folder) is the default; ``postgresql+psycopg://user@host/db``
points several consoles at one plant database, with the password from the OS keyring under
``db/<host>/<user>`` — never in a file or on the command line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from app.core.files import create_private_file
from app.core.settings import Settings

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(RuntimeError):
    """The history database cannot be used; the message names it and says why."""


def database_url(settings: Settings, override: str | None = None) -> URL:
    """``--db`` if given, else the setting, else the SQLite file in the data folder."""
    raw = override or settings.db_url
    if not raw:
        path = settings.default_sqlite_path
        return URL.create("sqlite+pysqlite", database=str(path))
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseError(f"The database address {raw!r} is not a valid URL "
                            "(example: postgresql+psycopg://crucible@dbhost/plant)") from None
    if url.password:
        raise DatabaseError(
            f"The database address for {url.host}/{url.database} contains a password. Remove it and store it "
            f"in the OS keyring instead: crucible db set-password {url.render_as_string(hide_password=True)}"
        )
    return url


def describe(url: URL) -> str:
    """``host/database`` (or the SQLite file) for messages."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL database {url.database!r} on {url.host or 'localhost'}:{url.port or 5432} as {url.username}"


def secret_name(url: URL) -> str:
    return f"db/{url.host or 'localhost'}/{url.username or ''}"


def make_engine(url: URL | str, password: str | None = None, use_keyring: bool = True) -> Engine:
    """An engine for ``url``; SQLite in WAL mode, PostgreSQL with its keyring password."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            create_private_file(url.database)  # 0600: history and audit are not for every user
        engine = create_engine(url, connect_args={"timeout": 2.0, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=2000")
            cur.close()

        return engine
    if url.get_backend_name() != "postgresql":
        raise DatabaseError(f"Unsupported database {url.drivername!r}: use SQLite (default) or postgresql+psycopg://")
    if password is None and not url.password and use_keyring and url.host:
        from app.security.secrets import SecretsUnavailable, get_secret

        try:
            password = get_secret(secret_name(url))
        except SecretsUnavailable as exc:
            raise DatabaseError(f"Cannot read the password for {describe(url)}: {exc}") from None
    if password:
        url = url.set(password=password)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def connection_error(url: URL, exc: BaseException) -> DatabaseError:
    """A message an operator can act on: which database, on which host, and why."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text_ = " ".join(str(cause).split()) or type(cause).__name__
    return DatabaseError(f"Cannot connect to the {describe(url)}: {text_}")


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError, OSError) as exc:
        raise connection_error(engine.url, exc) from None


# --- migrations -----------------------------------------------------------------------
def alembic_config(engine: Engine | None = None):  # type: ignore[no-untyped-def]
    """An Alembic config for the packaged migrations (no alembic.ini needed in the cwd)."""
    from alembic.config import Config

    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger("alembic").level))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def script_heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


@dataclass(frozen=True)
class SchemaStatus:
    current: frozenset[str]
    heads: frozenset[str]

    @property
    def up_to_date(self) -> bool:
        return self.current == self.heads

    @property
    def message(self) -> str:
        if self.up_to_date:
            return f"history schema up to date ({', '.join(sorted(self.heads))})"
        if not self.current:
            return "the history database has no tables yet: run `crucible db upgrade`"
        unknown = self.current - self.heads
        if unknown and not (self.heads - self.current):
            return (f"the history database is at revision(s) {', '.join(sorted(unknown))}, newer than this "
                    "Crucible knows: update Crucible on this console")
        return (f"the history database schema is behind (at {', '.join(sorted(self.current)) or 'nothing'}, "
                f"needs {', '.join(sorted(self.heads))}): run `crucible db upgrade`")


def schema_status(engine: Engine) -> SchemaStatus:
    try:
        current = current_revisions(engine)
    except (OperationalError, DBAPIError, OSError) as exc:
        raise connection_error(engine.url, exc) from None
    # A database at a revision that is an ancestor of nothing we know (another branch's
    # newer schema) is reported too; one at all our heads is current.
    return SchemaStatus(frozenset(current), frozenset(script_heads()))


def upgrade(engine: Engine, target: str = "heads") -> SchemaStatus:
    """Run every migration up to all heads (several modules add branches off 0001_initial)."""
    from alembic import command

    cfg = alembic_config(engine)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except (OperationalError, DBAPIError, OSError) as exc:
        raise connection_error(engine.url, exc) from None
    return schema_status(engine)
