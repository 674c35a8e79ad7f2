"""toolloom graph."""
