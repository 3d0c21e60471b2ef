"""``crucible serve`` (the runtime without a GUI, for a server-room PC) and ``crucible status``."""
