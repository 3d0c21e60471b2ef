"""Plant layouts shipped with Crucible (one folder per plant): data, found with importlib.resources."""
