"""Shift leads' module: the handover log and the shift / day / month reports."""
