"""The built-in copper-smelter simulator and the real servers that expose it. No Qt."""
