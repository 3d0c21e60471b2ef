"""argparse types that refuse what cannot work: ``--timeout inf``, ``--hours nan``, port 70000.

argparse turns an :class:`argparse.ArgumentTypeError` into one ``error: argument --x: ...``
line and exit code 2, so a bad number never reaches the code that would hang or crash on it.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def finite(low: float, high: float, what: str = "seconds") -> Callable[[str], float]:
    """A float in ``[low, high]`` (finite; nan, inf and 1e308 refused)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} must be a number of {what} from {low:g} to {high:g}")
        return value

    parse.__name__ = "number"
    return parse


def integer(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """A whole number in ``[low, high]``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip()) if len(text) < 40 else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} must be a whole number from {low} to {high}{f' ({what})' if what else ''}")
        return value

    parse.__name__ = "integer"
    return parse


port = integer(1, 65535, "a TCP port")


def parse_port(text: str, where: str) -> int:
    """The port in an address (``host:502``); a clear ValueError naming ``where`` otherwise."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"{where}: port {text[:20]!r} is not a TCP port (1 to 65535)")
    return int(text)
