"""Crucible: a control-room HMI for copper smelters.

Nothing under ``app/`` imports Qt except :mod:`app.main` (see ARCHITECTURE.md, rule one).
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from importlib import resources
from pathlib import Path

BASE_VERSION = "0.1.0"  # pyproject.toml's; the released version comes from git (installers/version)


@lru_cache(maxsize=1)
def version() -> str:
    """The version this copy is: what installers/build_bundle stamped into the bundle (the .deb's
    version), else, in a git checkout, what installers/version prints, else ``BASE_VERSION``."""
    here = Path(str(resources.files(__name__)))  # the package's folder (also inside a bundle)
    try:
        stamped = (here / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        stamped = ""
    if stamped:
        return stamped
    script = here.parent / "installers" / "version"
    if (here.parent / ".git").exists() and script.is_file():
        try:
            done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return BASE_VERSION
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return BASE_VERSION


def __getattr__(name: str) -> str:
    if name == "__version__":  # computed when asked (a git call in a checkout), not at every import
        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
