"""The one way to reach the plant database: the URL, the engine, and messages people can act on.

SQLite (a file in the user data folder) is the default; ``postgresql+psycopg://user@host/db``
points several consoles at one plant database, with the password from the OS keyring under
``db/<host>/<user>`` — never in a file or on the command line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from app.core.settings import Settings


class DatabaseError(RuntimeError):
    """The plant database cannot be used; the message names it and says why."""


_CONNINFO_PAIR = re.compile(r"\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)")
_COMMA_NETLOC = re.compile(r"^(?P<scheme>[A-Za-z0-9+]+)://(?:(?P<userinfo>[^@/?]*)@)?(?P<hosts>[^/?]*)(?P<rest>.*)$", re.S)


def _multi_host(scheme: str, user: str, password: str, hosts: list[str], ports: list[str], database: str,
                query: list[tuple[str, str]]) -> str:
    """A URL SQLAlchemy + psycopg take: ``scheme://user@/db?host=a,b&port=p,q&...``."""
    if ports and len(ports) == 1 and len(hosts) > 1:
        ports = ports * len(hosts)  # libpq: one port for every host
    if ports and len(ports) != len(hosts):
        raise DatabaseError(f"The database address names {len(hosts)} hosts but {len(ports)} ports: give one port, "
                            "or one per host (example: host=db1,db2 port=5432,5432)")
    auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    params = [("host", ",".join(hosts))] + ([("port", ",".join(ports))] if any(ports) else []) + query
    return f"{scheme}://{auth}{'@' if auth else ''}/{quote(database, safe='')}?{urlencode(params)}"


def _from_conninfo(raw: str) -> str:
    """A libpq key/value string (``host=a,b port=5432,5433 dbname=plant user=crucible
    target_session_attrs=read-write``) as a URL."""
    pos, fields = 0, {}
    raw = raw.strip()
    while pos < len(raw):
        m = _CONNINFO_PAIR.match(raw, pos)
        if m is None or m.end() == pos:
            raise DatabaseError(f"The database address {raw!r} is neither a URL nor libpq key=value pairs "
                                "(example: host=db1,db2 port=5432 dbname=plant user=crucible_console)")
        value = m.group(2)
        if value.startswith("'"):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        fields[m.group(1).lower()] = value
        pos = m.end()
    hosts = [h for h in fields.pop("host", "").split(",")] if "host" in fields else [""]
    ports = fields.pop("port", "").split(",") if "port" in fields else []
    user, password = fields.pop("user", ""), fields.pop("password", "")
    database = fields.pop("dbname", "")
    return _multi_host("postgresql+psycopg", user, password, hosts, ports, database, sorted(fields.items()))


def normalize_url(raw: str) -> str:
    """The database address as SQLAlchemy + psycopg take it. Besides SQLAlchemy URLs, the libpq
    forms for a primary/standby pair are accepted:

    - ``postgresql://user@db1:5432,db2:5433/plant?target_session_attrs=read-write`` (comma hosts),
    - ``host=db1,db2 port=5432,5433 dbname=plant user=crucible target_session_attrs=read-write``,

    both becoming ``postgresql+psycopg://user@/plant?host=db1,db2&port=5432,5433&...``; a plain
    ``postgresql://`` / ``postgres://`` gets the psycopg driver."""
    text_ = raw.strip()
    if "://" not in text_ and "=" in text_:
        return _from_conninfo(text_)
    m = _COMMA_NETLOC.match(text_)
    if m is None:
        return text_
    scheme = m.group("scheme")
    if scheme in ("postgresql", "postgres"):
        scheme = "postgresql+psycopg"
    if "," not in m.group("hosts"):
        return f"{scheme}://{text_.split('://', 1)[1]}" if scheme.startswith("postgresql") else text_
    from urllib.parse import parse_qsl, unquote

    userinfo = m.group("userinfo") or ""
    user, _, password = userinfo.partition(":")
    hosts, ports = [], []
    for item in m.group("hosts").split(","):
        if item.startswith("["):  # [ipv6]:port
            host, _, port = item[1:].partition("]")
            port = port.lstrip(":")
        else:
            host, _, port = item.partition(":")
        hosts.append(host)
        ports.append(port)
    path, _, query = m.group("rest").partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(k in ("host", "port") for k, _v in pairs):
        raise DatabaseError(f"The database address {raw!r} names its hosts twice (in the address and as host=/port=)")
    return _multi_host(scheme, unquote(user), unquote(password), hosts, ports if any(ports) else [],
                       unquote(path.lstrip("/")), pairs)


def hosts_of(url: URL) -> list[str]:
    """``host:port`` of each server of ``url`` (one, or several for a multi-host URL)."""
    query_hosts = url.query.get("host")
    if not query_hosts:
        return [f"{url.host or 'localhost'}:{url.port or 5432}"]
    hosts = list(query_hosts) if isinstance(query_hosts, tuple) else query_hosts.split(",")
    ports_q = url.query.get("port", "")
    ports = (list(ports_q) if isinstance(ports_q, tuple) else ports_q.split(",")) if ports_q else []
    out = []
    for i, host in enumerate(hosts):
        port = ports[i] if i < len(ports) else (ports[0] if len(ports) == 1 else "")
        if not port and ":" in host and not host.startswith("/"):
            host, _, port = host.partition(":")
        out.append(f"{host or 'localhost'}:{port or url.port or 5432}")
    return out


def parse_url(raw: str) -> URL:
    """:func:`normalize_url`, then SQLAlchemy's ``make_url``; :class:`DatabaseError` naming it."""
    try:
        return make_url(normalize_url(raw))
    except (ArgumentError, ValueError):
        raise DatabaseError(f"The database address {raw!r} is not a valid URL "
                            "(example: postgresql+psycopg://crucible@dbhost/plant)") from None


def default_url(settings: Settings) -> URL:
    """The SQLite file in the data folder (the one default, used everywhere)."""
    return URL.create("sqlite+pysqlite", database=str(settings.default_sqlite_path))


def database_url(settings: Settings, override: str | None = None) -> URL:
    """``--db`` if given, else the ``db_url`` setting, else :func:`default_url`."""
    raw = override or settings.db_url
    if not raw:
        return default_url(settings)
    url = parse_url(raw)
    if url.get_backend_name() == "sqlite" and url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    if url.password:
        raise DatabaseError(
            f"The database address for {','.join(hosts_of(url))}/{url.database} contains a password. Remove it and store it "
            f"in the OS keyring instead: crucible db set-password {url.render_as_string(hide_password=True)}"
        )
    return url


def describe(url: URL | str) -> str:
    """``host/database`` (or the SQLite file) for messages."""
    if isinstance(url, str):
        raw = url
        try:
            url = parse_url(raw)
        except DatabaseError:
            return f"database address {raw!r}"
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL database {url.database!r} on {', '.join(hosts_of(url))} as {url.username}"


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
        url = parse_url(url)
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
