"""The one way to reach the plant database: the URL, the engine, and messages people can act on.

SQLite (a file in the user data folder) is the default; ``postgresql+psycopg://user@host/db``
points several consoles at one plant database, with the password from the OS keyring under
``db/<host>/<user>`` — never in a file or on the command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from app.core.settings import Settings


class DatabaseError(RuntimeError):
    """The plant database cannot be used; the message names it and says why."""


def default_url(settings: Settings) -> URL:
    """The SQLite file in the data folder (the one default, used everywhere)."""
    return URL.create("sqlite+pysqlite", database=str(settings.default_sqlite_path))


def database_url(settings: Settings, override: str | None = None) -> URL:
    """``--db`` if given, else the ``db_url`` setting, else :func:`default_url`."""
    raw = override or settings.db_url
    if not raw:
        return default_url(settings)
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseError(f"The database address {raw!r} is not a valid URL "
                            "(example: postgresql+psycopg://crucible@dbhost/plant)") from None
    if url.get_backend_name() == "sqlite" and url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    if url.password:
        raise DatabaseError(
            f"The database address for {url.host}/{url.database} contains a password. Remove it and store it "
            f"in the OS keyring instead: crucible db set-password {url.render_as_string(hide_password=True)}"
        )
    return url


def describe(url: URL | str) -> str:
    """``host/database`` (or the SQLite file) for messages."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL database {url.database!r} on {url.host or 'localhost'}:{url.port or 5432} as {url.username}"


def secret_name(url: URL) -> str:
    """The keyring entry of a PostgreSQL URL's password."""
    return f"db/{url.host or 'localhost'}/{url.username or ''}"


def _create_private(path: Path) -> None:
    """A new SQLite file readable by its owner only (it holds users and the audit trail)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def make_engine(url: URL | str, password: str | None = None, use_keyring: bool = True,
                must_exist: bool = False) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with foreign keys and a busy timeout,
    PostgreSQL with its password from the OS keyring.

    ``must_exist``: for read-only commands, a SQLite file that is not there is an error
    (a mistyped ``--db`` path must not silently create an empty database).
    """
    if isinstance(url, str):
        try:
            url = make_url(url)
        except ArgumentError:
            raise DatabaseError(f"The database address {url!r} is not a valid URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            path = Path(url.database)
            if must_exist and not path.exists():
                raise DatabaseError(f"The SQLite file {path} does not exist (check the --db path or the db_url setting)")
            _create_private(path)
        engine = create_engine(url, connect_args={"timeout": 5.0, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if backend != "postgresql":
        raise DatabaseError(f"Unsupported database {url.drivername!r}: use SQLite (default) or postgresql+psycopg://")
    if password is None and not url.password and use_keyring and url.host:
        from app.core.secrets import SecretsUnavailable, get_secret

        try:
            password = get_secret(secret_name(url))
        except SecretsUnavailable as exc:
            raise DatabaseError(f"Cannot read the password for {describe(url)}: {exc}") from None
    if password:
        url = url.set(password=password)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def open_engine(settings: Settings, override: str | None = None, must_exist: bool = False) -> Engine:
    """``make_engine(database_url(settings, override))``: the plant database of this console."""
    return make_engine(database_url(settings, override), must_exist=must_exist)


def connection_error(url: URL, exc: BaseException) -> DatabaseError:
    """A message an operator can act on: which database, on which host, and why."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text_ = " ".join(str(cause).split()) or type(cause).__name__
    return DatabaseError(f"Cannot connect to the {describe(url)}: {text_}")


def check_connection(engine: Engine) -> None:
    """Raise :class:`DatabaseError` (with the reason) unless the database answers."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError, OSError) as exc:
        raise connection_error(engine.url, exc) from None
