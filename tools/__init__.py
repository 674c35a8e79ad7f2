"""toolloom tools."""
