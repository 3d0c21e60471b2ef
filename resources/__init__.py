"""Crucible's resources (theme, translations, sounds, fonts): data, found with importlib.resources."""
