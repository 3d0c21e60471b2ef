"""Drivers that talk to PLC/DCS servers and feed the tag store. No Qt."""
