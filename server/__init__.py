"""toolloom server."""
