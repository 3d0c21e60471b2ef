"""ISA-18.2 alarm management: definitions, engine, journal, shelving, KPIs (no Qt here)."""
