"""Data that travels with the package: plant layouts, theme, translations, sounds, fonts.

Found through :mod:`importlib.resources`, so the same code works from a source checkout, an
installed wheel and a frozen bundle (``resources`` and ``plant_layouts`` are packages).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path


def _package_dir(package: str) -> Path:
    root = importlib.resources.files(package)
    path = Path(str(root))
    if not path.is_dir():  # a zipped install: nothing here supports it, say so plainly
        raise FileNotFoundError(f"the {package} data of Crucible is not on disk ({root}); install Crucible unzipped")
    return path


def resources_dir() -> Path:
    """``resources/``: theme, translations, sounds, fonts, icons."""
    return _package_dir("resources")


def resource(*parts: str) -> Path:
    """A file under ``resources/``, e.g. ``resource("translations", "crucible_zh_CN.qm")``."""
    return resources_dir().joinpath(*parts)


def layouts_dir() -> Path:
    """``plant_layouts/``: one folder per plant."""
    return _package_dir("plant_layouts")
