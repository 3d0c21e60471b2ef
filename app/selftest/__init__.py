"""``crucible selftest``: a headless check that an installed Crucible works end to end."""
