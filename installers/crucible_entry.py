"""The bundle's entry point: ``crucible`` (PyInstaller freezes this script, see crucible.spec)."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
