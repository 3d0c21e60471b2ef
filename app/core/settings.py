"""One settings object: defaults, then the settings file, then ``CRUCIBLE_*`` variables.

The file is ``settings.toml`` in the user config folder (``crucible settings path`` shows
it). Secrets never live here: they are in the OS keyring (see ``app.security``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

from app.core.layout import DEFAULT_LAYOUT

APP_NAME = "crucible"


def config_dir() -> Path:
    return Path(os.environ.get("CRUCIBLE_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("CRUCIBLE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


class SettingsError(ValueError):
    """A settings file or variable that cannot be used; the message names it."""


@dataclass
class Settings:
    layout: Path = DEFAULT_LAYOUT
    language: str = ""  # "" = from the system locale; "en" or "zh_CN"
    db_url: str = ""  # "" = SQLite file in the data folder
    history_raw_days: int = 90  # raw samples older than this are pruned
    history_rollup_years: int = 10  # minute/hour rollups older than this are pruned
    console_name: str = field(default_factory=lambda: os.uname().nodename)
    sim_seed: int = 1
    sim_time_scale: float = 1.0
    refresh_hz: float = 10.0
    # Security (IEC 62443-3-3 SL2): session lock, lock-out, password hashing, critical writes.
    session_lock_minutes: float = 10.0  # lock the console after this much inactivity (0 = never)
    lockout_failures: int = 5  # wrong passwords in a row before an account locks
    lockout_minutes: float = 15.0
    min_password_length: int = 8
    scrypt_n: int = 32768  # scrypt cost (power of two); tests lower it, production keeps it
    critical_second_person: bool = True  # critical writes need a second authorised person
    # Consoles sharing one plant database: only one of them journals process alarm events
    # (activate/clear), or the KPIs count every activation once per console. Operator actions
    # are journaled by whichever console does them.
    alarm_journal_process_events: bool = True
    opcua_pki_dir: Path = field(default_factory=lambda: data_dir() / "pki")

    @property
    def default_sqlite_path(self) -> Path:
        return data_dir() / "history.sqlite"


def load_settings(path: Path | None = None) -> Settings:
    """Defaults, overridden by the settings file, overridden by ``CRUCIBLE_<NAME>``."""
    settings = Settings()
    path = path or config_dir() / "settings.toml"
    raw: dict[str, object] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}") from None
    for f in fields(Settings):
        env = os.environ.get(f"CRUCIBLE_{f.name.upper()}")
        value = env if env is not None else raw.get(f.name)
        if value is None:
            continue
        current = getattr(settings, f.name)
        try:
            if isinstance(current, Path):
                value = Path(str(value)).expanduser()
            elif isinstance(current, bool):
                value = str(value).lower() in ("1", "true", "yes", "on")
            elif isinstance(current, int):
                value = int(value)  # type: ignore[call-overload]
            elif isinstance(current, float):
                value = float(value)  # type: ignore[arg-type]
            else:
                value = str(value)
        except (TypeError, ValueError):
            source = f"CRUCIBLE_{f.name.upper()}" if env is not None else f"{path}: {f.name}"
            raise SettingsError(f"{source}: {value!r} is not a valid {type(current).__name__}") from None
        setattr(settings, f.name, value)
    return settings
